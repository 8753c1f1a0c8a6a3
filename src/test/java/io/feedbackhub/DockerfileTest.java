package io.feedbackhub;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.feedbackhub.core.config.ManagementHostDefault;

/**
 * The top-level Dockerfile cannot be built here (no Docker engine), so this checks what a build
 * would trip over: sources that are not in the repo, a root user, missing ports or health check.
 */
class DockerfileTest {

    /** What {@code ./mvnw package} puts into target/quarkus-app (the fast-jar layout). */
    private static final Set<String> PACKAGED = Set.of("target/quarkus-app", "target/quarkus-app/quarkus-run.jar",
            "target/quarkus-app/lib", "target/quarkus-app/app", "target/quarkus-app/quarkus");

    record Instruction(String keyword, String args) {
        List<String> words() {
            return Arrays.asList(args.trim().split("\\s+"));
        }

        String flag(String name) {
            return words().stream().filter(word -> word.startsWith("--" + name + "="))
                    .map(word -> word.substring(name.length() + 3)).findFirst().orElse(null);
        }

        /** COPY sources: every word but flags and the destination. */
        List<String> sources() {
            List<String> words = words().stream().filter(word -> !word.startsWith("--")).toList();
            return words.subList(0, words.size() - 1);
        }
    }

    record Stage(String name, List<Instruction> instructions) {
        List<Instruction> all(String keyword) {
            return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
        }

        String workdir() {
            List<Instruction> workdirs = all("WORKDIR");
            return workdirs.isEmpty() ? "/" : workdirs.get(workdirs.size() - 1).args().trim();
        }
    }

    static List<Stage> stages;

    @BeforeAll
    static void parse() throws IOException {
        // join continuation lines, drop comments and blank lines
        String text = String.join("\n", Files.readAllLines(Path.of("Dockerfile")).stream()
                .filter(line -> !line.trim().startsWith("#")).toList()).replaceAll("\\\\\\s*\\n", " ");
        stages = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.trim().split("\\s+", 2);
            Instruction instruction = new Instruction(parts[0].toUpperCase(), parts.length > 1 ? parts[1] : "");
            if (instruction.keyword().equals("FROM")) {
                List<String> words = instruction.words();
                boolean named = words.size() == 3 && words.get(1).equalsIgnoreCase("AS");
                stages.add(new Stage(named ? words.get(2) : String.valueOf(stages.size()), new ArrayList<>()));
            }
            assertThat(stages).as("instruction before the first FROM: " + line).isNotEmpty();
            stages.get(stages.size() - 1).instructions().add(instruction);
        }
    }

    /** On disk and not build output or runtime data (both are in .dockerignore). */
    private static boolean inRepo(String path) {
        Path normalized = Path.of(path).normalize();
        return Files.exists(normalized) && !normalized.startsWith("target") && !normalized.startsWith("data");
    }

    private static Stage build() {
        return stages.get(0);
    }

    private static Stage run() {
        return stages.get(stages.size() - 1);
    }

    @Test
    void buildsWithTheMavenWrapperInAnEarlierStage() {
        assertThat(stages).hasSizeGreaterThanOrEqualTo(2);
        assertThat(build().all("RUN")).extracting(Instruction::args)
                .anySatisfy(run -> assertThat(run).contains("./mvnw").contains("package"));
    }

    @Test
    void copiesOnlyWhatTheRepoHas() {
        for (Stage stage : stages) {
            for (Instruction copy : stage.all("COPY")) {
                if (copy.flag("from") == null) {
                    assertThat(copy.sources()).as(copy.args()).allMatch(DockerfileTest::inRepo);
                }
            }
        }
    }

    @Test
    void copiesFromTheBuildStageOnlyWhatPackageProducesOrTheRepoHas() {
        List<Instruction> copies = run().all("COPY").stream().filter(copy -> copy.flag("from") != null).toList();
        assertThat(copies).isNotEmpty().allSatisfy(copy -> {
            assertThat(copy.flag("from")).isEqualTo(build().name());
            for (String source : copy.sources()) {
                Path workdir = Path.of(build().workdir());
                String relative = workdir.relativize(workdir.resolve(source)).toString();
                assertThat(PACKAGED.contains(relative) || inRepo(relative))
                        .as("%s (%s in the repo) comes from package or the repo", source, relative).isTrue();
            }
        });
        assertThat(copies).flatExtracting(Instruction::sources).anyMatch(source -> source.contains("target/quarkus-app"));
    }

    @Test
    void runsAsAnUnprivilegedUser() {
        List<Instruction> users = run().all("USER");
        assertThat(users).isNotEmpty();
        String user = users.get(users.size() - 1).args().trim().split(":")[0];
        assertThat(user).isNotIn("root", "0");
    }

    @Test
    void exposesBothPortsAndChecksReadiness() {
        assertThat(run().all("EXPOSE")).flatExtracting(Instruction::words).contains("8080", "9000");
        assertThat(run().all("HEALTHCHECK")).singleElement().extracting(Instruction::args).asString()
                .contains("/q/health/ready").contains("9000");
    }

    @Test
    void keepsDataInAVolume() {
        assertThat(run().all("VOLUME")).isNotEmpty();
        assertThat(run().all("ENV")).extracting(Instruction::args).anyMatch(env -> env.contains("HUB_DATA_DIR="));
    }

    /**
     * A published port 9000 must listen beyond the container's loopback; the hub refuses such a
     * management port without a token (ConfigValidationIT), and the image must not switch that off.
     */
    @Test
    void refusesToRunWithoutAManagementToken() {
        Map<String, String> env = new HashMap<>();
        for (Instruction instruction : run().all("ENV")) {
            for (String word : instruction.words()) {
                int equals = word.indexOf('=');
                if (equals > 0) {
                    env.put(word.substring(0, equals), word.substring(equals + 1));
                }
            }
        }
        assertThat(env).containsKey("QUARKUS_MANAGEMENT_HOST");
        assertThat(ManagementHostDefault.isLoopback(env.get("QUARKUS_MANAGEMENT_HOST"))).isFalse();
        assertThat(env).doesNotContainKey("HUB_MANAGEMENT_TOKEN");
        assertThat(env.getOrDefault("HUB_MANAGEMENT_OPEN", "false")).isEqualToIgnoringCase("false");
        assertThat(String.join(" ", run().all("ENTRYPOINT").stream().map(Instruction::args).toList()))
                .doesNotContain("management.open").doesNotContain("management.token");
    }
}

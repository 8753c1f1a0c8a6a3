package io.feedbackhub.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecentIdsTest {

    @Test
    void remembersTheLatestIdsAcrossRestartsAndNeverScansItsFileForOlderOnes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ids.txt");
        RecentIds first = new RecentIds(file.toFile(), 2);
        first.start();
        for (String id : new String[] {"a", "b", "c"}) {
            assertThat(first.add(id)).isTrue();
            first.confirm(id);
        }
        assertThat(first.add("c")).isFalse();
        // "a" fell out of the window: older than the window counts as new (the file still holds it)
        assertThat(first.contains("a")).isFalse();
        first.stop();

        RecentIds restarted = new RecentIds(file.toFile(), 2);
        restarted.start();
        assertThat(restarted.contains("b")).isTrue();
        assertThat(restarted.contains("c")).isTrue();
        assertThat(restarted.contains("z")).isFalse();
        restarted.stop();
    }

    @Test
    void killedAtAnyMomentItStillRemembersItsWholeWindow(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ids.txt");
        int window = 2_000;
        java.util.Random random = new java.util.Random();
        for (int kill = 0; kill < 12; kill++) {
            Process writer = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), RecentIdsWriter.class.getName(), file.toString(), String.valueOf(window))
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            java.util.Deque<String> said = new java.util.ArrayDeque<>();
            java.io.BufferedReader out = new java.io.BufferedReader(new java.io.InputStreamReader(writer.getInputStream()));
            // anywhere up to past the second rewrite of its file (1 MB, about 28,000 ids; 6,000 dropped each time)
            int until = 1_000 + random.nextInt(55_000);
            for (String line; said.size() < until && (line = out.readLine()) != null;) {
                said.addLast(line);
            }
            // SIGKILL through the handle: Process.destroyForcibly would also close our end of its output
            writer.toHandle().destroyForcibly();
            for (String line; (line = out.readLine()) != null;) {
                said.addLast(line);
            }
            RecentIds restarted = new RecentIds(file.toFile(), window);
            restarted.start();
            // the last id may have been remembered but not yet said, so one id less than the window is checked
            List<String> last = new java.util.ArrayList<>(said).subList(Math.max(0, said.size() - window + 1), said.size());
            assertThat(last).as("kill %d after %d ids", kill, said.size()).allMatch(restarted::contains);
            assertThat(Files.readAllLines(file)).as("every line a whole id").allMatch(line -> line.length() == 36);
            restarted.stop();
            Files.delete(file);
        }
    }
}

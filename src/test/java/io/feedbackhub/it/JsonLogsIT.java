package io.feedbackhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.testing.DemoPages;
import io.feedbackhub.testing.HubProcess;
import io.feedbackhub.testing.fake.FakeWootric;

/**
 * {@code hub.log.format=json}: every line the packaged hub writes is a JSON object, the lines of a
 * run carry its connector and run id, and secrets stay masked.
 */
class JsonLogsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "itJsonLogS3cretToken";
    static final long JUNE = Instant.parse("2024-06-01T00:00:00Z").getEpochSecond();

    @TempDir
    Path data;

    FakeWootric fake;

    @BeforeEach
    void startFake() throws Exception {
        fake = new FakeWootric();
    }

    @AfterEach
    void stopFake() {
        fake.close();
    }

    @Test
    void everyLineIsJsonAndARunsLinesCarryItsConnectorAndRunId() throws Exception {
        for (int i = 0; i < 50; i++) {
            fake.addEndUser(JUNE + i * 60L, JUNE + i * 60L);
        }
        // a refused first request: the route logs its wait for the rate limit's reset
        fake.tooManyRequests.set(1);
        fake.storm429ResetSeconds = 1;
        // the demo connector's run fails with an error text that repeats its secret
        new DemoPages(data.resolve("demo-input")).writeRaw(1, "[{\"id\": " + SECRET + "}]");
        Map<String, String> env = fake.hubEnvironment();
        env.put("HUB_LOG_FORMAT", "json");
        env.put("HUB_DEMO_API_TOKEN", SECRET);
        String wootricRun;
        String demoRun;
        List<JsonNode> lines = new ArrayList<>();
        try (HubProcess hub = HubProcess.create(data, env).start().awaitReady(Duration.ofSeconds(60))) {
            wootricRun = JSON.readTree(hub.post("/hub/connectors/wootric/run?mode=full").body()).path("runId").asText();
            await().atMost(Duration.ofSeconds(60)).until(() -> hub.get("/hub/connectors/wootric").body().contains("SUCCEEDED"));
            demoRun = JSON.readTree(hub.post("/hub/connectors/demo/run?mode=full").body()).path("runId").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> hub.get("/hub/connectors/demo").body().contains("FAILED"));
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.output().contains("failed: catalog"));
            hub.stop();
            String output = hub.output();
            assertThat(output).doesNotContain(SECRET).doesNotContain(FakeWootric.PASSWORD);
            for (String line : output.lines().filter(line -> !line.isBlank()).toList()) {
                lines.add(JSON.readTree(line));
            }
        }
        assertThat(lines).allSatisfy(line -> assertThat(line.isObject()).as(line.toString()).isTrue());
        assertThat(lines).anyMatch(line -> line.path("message").asText().contains("Listening on"));

        List<JsonNode> wootric = runLines(lines, wootricRun);
        assertThat(wootric).as("lines of run %s", wootricRun)
                .anyMatch(line -> line.path("message").asText().contains("succeeded"))
                // written by the route, not by the code that starts and ends the run
                .anyMatch(line -> !line.path("loggerName").asText().startsWith("io.feedbackhub.core.run"))
                .allSatisfy(line -> assertThat(line.path("mdc").path("connector").asText()).isEqualTo("wootric"));
        List<JsonNode> demo = runLines(lines, demoRun);
        assertThat(demo).as("lines of run %s", demoRun)
                .anyMatch(line -> line.path("message").asText().contains("Unrecognized token '****'"))
                .allSatisfy(line -> assertThat(line.path("mdc").path("connector").asText()).isEqualTo("demo"));
        // the lines that name a run are its lines
        assertThat(lines).filteredOn(line -> line.path("message").asText().contains(wootricRun)).isNotEmpty()
                .allSatisfy(line -> assertThat(line.path("mdc").path("runId").asText()).isEqualTo(wootricRun));
    }

    private static List<JsonNode> runLines(List<JsonNode> lines, String runId) {
        return lines.stream().filter(line -> runId.equals(line.path("mdc").path("runId").asText())).toList();
    }
}

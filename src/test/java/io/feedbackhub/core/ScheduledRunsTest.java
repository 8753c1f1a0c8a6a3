package io.feedbackhub.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.testing.Management;
import io.feedbackhub.testing.TestHubOnSchedule;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** hub.<name>.schedule and hub.<name>.full-sync-schedule start runs by themselves. */
@QuarkusTest
@WithTestResource(TestHubOnSchedule.class)
class ScheduledRunsTest {

    @Inject
    HubConfig config;

    @Test
    void bothSchedulesStartRunsOfTheirMode() {
        Path runLog = config.dataDir().resolve("runs").resolve("runs.jsonl");
        ObjectMapper json = new ObjectMapper();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            List<JsonNode> runs = Files.readAllLines(runLog).stream().map(line -> {
                try {
                    return json.readTree(line);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).toList();
            Set<String> modes = runs.stream().filter(r -> r.path("trigger").asText().equals("schedule"))
                    .filter(r -> r.path("status").asText().equals("SUCCEEDED"))
                    .map(r -> r.path("mode").asText()).collect(Collectors.toSet());
            return modes.containsAll(Set.of("incremental", "full"));
        });
        assertThat(Management.request().get("/hub/connectors/demo").jsonPath().getString("lastRun.trigger"))
                .isEqualTo("schedule");
    }
}

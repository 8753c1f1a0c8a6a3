package io.feedbackhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.testing.DemoPages;
import io.feedbackhub.testing.HubProcess;
import io.feedbackhub.testing.HubRuns;

/** Sync state and the run log across restarts of the packaged hub, orderly and kill -9. */
class RestartIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY = Duration.ofSeconds(60);

    @TempDir
    Path data;

    @Test
    void theBookmarkAndTheRunLogSurviveARestart() throws Exception {
        DemoPages pages = new DemoPages(data.resolve("demo-input"));
        List<String> expected = new ArrayList<>(pages.write(1, 3, 1));
        expected.addAll(pages.write(2, 3, 1));
        String firstRun;
        try (HubProcess hub = HubProcess.create(data, Map.of()).start().awaitReady(READY)) {
            firstRun = runToEnd(hub, "incremental").path("id").asText();
            hub.stop();
        }
        expected.addAll(pages.write(3, 2, 1));
        try (HubProcess hub = HubProcess.create(data, Map.of()).start().awaitReady(READY)) {
            JsonNode before = connector(hub).path("lastRun");
            assertThat(before.path("id").asText()).isEqualTo(firstRun);
            assertThat(before.path("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(before.path("records").asInt()).isEqualTo(6);

            JsonNode second = runToEnd(hub, "incremental");
            // the bookmark read back after the restart: only page 3 is new
            assertThat(second.path("records").asInt()).isEqualTo(2);
        }
        assertThat(HubRuns.ids(HubRuns.table(data, "demo_items"))).containsExactlyElementsOf(expected);
    }

    @Test
    void aKillMidRunReReadsAtMostOnePageAndSkipsNothing() throws Exception {
        DemoPages pages = new DemoPages(data.resolve("demo-input"));
        List<String> expected = new ArrayList<>();
        for (int page = 1; page <= 12; page++) {
            expected.addAll(pages.write(page, 3, 1));
        }
        Map<String, String> slow = Map.of("HUB_DEMO_PAGE_DELAY", "250");
        try (HubProcess hub = HubProcess.create(data, slow).start().awaitReady(READY)) {
            assertThat(hub.post("/hub/connectors/demo/run?mode=incremental").statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> HubRuns.table(data, "demo_items").size() >= 12);
            hub.kill();
        }
        int beforeRestart = HubRuns.table(data, "demo_items").size();
        assertThat(beforeRestart).isLessThan(expected.size());
        try (HubProcess hub = HubProcess.create(data, Map.of()).start().awaitReady(READY)) {
            JsonNode interrupted = connector(hub).path("lastRun");
            assertThat(interrupted.path("status").asText()).isEqualTo("FAILED");
            assertThat(interrupted.path("error").asText()).contains("interrupted");
            assertThat(runToEnd(hub, "incremental").path("status").asText()).isEqualTo("SUCCEEDED");
        }
        List<String> ids = HubRuns.ids(HubRuns.table(data, "demo_items"));
        assertThat(new HashSet<>(ids)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(ids.size() - expected.size()).as("records read twice").isBetween(0, 3);
    }

    @Test
    void aStopDuringAFullRunKeepsTheOldTableWhole() throws Exception {
        DemoPages pages = new DemoPages(data.resolve("demo-input"));
        for (int page = 1; page <= 3; page++) {
            pages.write(page, 3, 1);
        }
        Path table = data.resolve("catalog").resolve("demo_items.jsonl");
        byte[] before;
        try (HubProcess hub = HubProcess.create(data, Map.of("HUB_DEMO_PAGE_DELAY", "300")).start().awaitReady(READY)) {
            runToEnd(hub, "full");
            before = java.nio.file.Files.readAllBytes(table);
            for (int page = 1; page <= 12; page++) {
                pages.write(page, 3, 2);
            }
            assertThat(hub.post("/hub/connectors/demo/run?mode=full").statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> connector(hub).path("lastRun").path("requests").asInt() >= 3);
            hub.stop();
        }
        assertThat(java.nio.file.Files.readAllBytes(table)).as("the table a stopped full run leaves").isEqualTo(before);
        try (HubProcess hub = HubProcess.create(data, Map.of()).start().awaitReady(READY)) {
            JsonNode last = connector(hub).path("lastRun");
            assertThat(last.path("status").asText()).isEqualTo("FAILED");
            assertThat(last.path("error").asText()).contains("interrupted");
        }
    }

    private static JsonNode connector(HubProcess hub) throws Exception {
        return JSON.readTree(hub.get("/hub/connectors/demo").body());
    }

    private static JsonNode runToEnd(HubProcess hub, String mode) throws Exception {
        var started = hub.post("/hub/connectors/demo/run?mode=" + mode);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String runId = JSON.readTree(started.body()).path("runId").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode last = connector(hub).path("lastRun");
            return runId.equals(last.path("id").asText()) && !"RUNNING".equals(last.path("status").asText());
        });
        JsonNode last = connector(hub).path("lastRun");
        assertThat(last.path("status").asText()).as(last.toString()).isEqualTo("SUCCEEDED");
        return last;
    }
}

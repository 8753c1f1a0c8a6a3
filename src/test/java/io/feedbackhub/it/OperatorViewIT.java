package io.feedbackhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
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

import io.feedbackhub.testing.HubProcess;
import io.feedbackhub.testing.WootricCatalog;
import io.feedbackhub.testing.fake.FakeWootric;

/**
 * The operator's view on the packaged hub, with a management token and the fake Wootric: run
 * history and one run's details, a bookmark reset that makes the next run read the stream again,
 * pause kept across a restart, and the run metrics on {@code /q/metrics}.
 */
class OperatorViewIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY = Duration.ofSeconds(60);
    private static final String TOKEN = "operator-view-token-0123456789";
    private static final long JUNE = Instant.parse("2024-06-01T00:00:00Z").getEpochSecond();

    @TempDir
    Path data;

    FakeWootric fake;

    @BeforeEach
    void startFake() throws Exception {
        fake = new FakeWootric();
        for (int i = 0; i < 300; i++) {
            fake.addEndUser(JUNE + i * 600L, JUNE + i * 600L);
        }
        for (int i = 0; i < 40; i++) {
            fake.addResponse("responses", JUNE + i * 900L, JUNE + i * 900L + 30);
        }
    }

    @AfterEach
    void stopFake() {
        fake.close();
    }

    private HubProcess hub() {
        Map<String, String> env = fake.hubEnvironment();
        env.put("HUB_WOOTRIC_STREAMS", "end_users,responses");
        env.put("HUB_MANAGEMENT_TOKEN", TOKEN);
        return HubProcess.create(data, env);
    }

    @Test
    void historyBookmarksPauseAndMetricsAsAnOperatorUsesThem() throws Exception {
        Instant began = Instant.now().minusSeconds(1);
        List<String> ids = new ArrayList<>();
        try (HubProcess hub = hub().start().awaitReady(READY)) {
            ids.add(runToEnd(hub, "full"));
            JsonNode full = json(hub.get("/hub/runs/" + ids.get(0)));
            assertThat(full.path("status").asText()).as(full.toString()).isEqualTo("SUCCEEDED");
            assertThat(full.path("mode").asText()).isEqualTo("full");
            assertThat(full.path("trigger").asText()).isEqualTo("manual");
            assertThat(full.path("tables").path("wootric_end_users").asLong()).isEqualTo(300);
            assertThat(full.path("tables").path("wootric_responses").asLong()).isEqualTo(40);
            assertThat(full.path("requests").asLong()).isPositive();

            ids.add(runToEnd(hub, "incremental"));
            JsonNode unchanged = json(hub.get("/hub/runs/" + ids.get(1)));
            assertThat(unchanged.path("tables").path("wootric_end_users").asLong()).as(unchanged.toString()).isZero();

            JsonNode state = json(hub.get("/hub/connectors/wootric/state"));
            assertThat(state.path("streams").path("end_users").size()).as(state.toString()).isPositive();
            assertThat(hub.send(delete(), "/hub/connectors/wootric/state/end_users").statusCode()).isEqualTo(200);
            assertThat(json(hub.get("/hub/connectors/wootric/state")).path("streams").has("end_users")).isFalse();
            assertThat(json(hub.get("/hub/connectors/wootric/state")).path("streams").has("responses")).isTrue();

            ids.add(runToEnd(hub, "incremental"));
            JsonNode reread = json(hub.get("/hub/runs/" + ids.get(2)));
            assertThat(reread.path("tables").path("wootric_end_users").asLong()).as("read again from the start date: %s", reread)
                    .isEqualTo(300);
            assertThat(reread.path("tables").path("wootric_responses").asLong()).isZero();

            String metrics = hub.get("/q/metrics").body();
            assertThat(sample(metrics, "hub_connector_run_duration_seconds_count", "connector=\"wootric\"", "mode=\"incremental\""))
                    .isEqualTo(2.0);
            assertThat(sample(metrics, "hub_stream_last_success_timestamp_seconds", "connector=\"wootric\"", "stream=\"end_users\""))
                    .isGreaterThanOrEqualTo(began.getEpochSecond());

            assertThat(hub.post("/hub/connectors/wootric/pause").statusCode()).isEqualTo(200);
            hub.stop();
        }
        try (HubProcess hub = hub().start().awaitReady(READY)) {
            JsonNode history = json(hub.get("/hub/connectors/wootric/runs?limit=5"));
            assertThat(history.findValuesAsText("id")).as("newest first, kept across the restart")
                    .containsExactly(ids.get(2), ids.get(1), ids.get(0));
            assertThat(json(hub.get("/hub/connectors/wootric")).path("paused").asBoolean()).isTrue();
            var refused = hub.post("/hub/connectors/wootric/run?mode=incremental");
            assertThat(refused.statusCode()).isEqualTo(409);
            assertThat(refused.body()).contains("wootric is paused");
            assertThat(hub.post("/hub/connectors/wootric/resume").statusCode()).isEqualTo(200);
            // the reset's run wrote the stream's rows again; a full run makes the table the source's once more
            runToEnd(hub, "full");
        }
        WootricCatalog.assertMirrors(data, "wootric_end_users", fake, "end_users");
    }

    private static HttpRequest.Builder delete() {
        return HttpRequest.newBuilder().DELETE().header("Authorization", "Bearer " + TOKEN);
    }

    private static JsonNode json(java.net.http.HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String runToEnd(HubProcess hub, String mode) throws Exception {
        var started = hub.post("/hub/connectors/wootric/run?mode=" + mode);
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String runId = JSON.readTree(started.body()).path("runId").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode run = JSON.readTree(hub.get("/hub/runs/" + runId).body());
            return List.of("SUCCEEDED", "FAILED").contains(run.path("status").asText());
        });
        return runId;
    }

    /** The value of the one sample of a metric whose labels include all of these. */
    private static double sample(String metrics, String name, String... labels) {
        List<String> lines = metrics.lines()
                .filter(line -> line.startsWith(name + "{") && List.of(labels).stream().allMatch(line::contains)).toList();
        assertThat(lines).as("%s with %s in:%n%s", name, List.of(labels), metrics).hasSize(1);
        String line = lines.get(0);
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
}

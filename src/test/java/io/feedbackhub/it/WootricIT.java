package io.feedbackhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.testing.HubProcess;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.WootricCatalog;
import io.feedbackhub.testing.fake.FakeWootric;

/** The packaged hub's wootric connector against a fake Wootric: kill -9 mid-run, bad credentials. */
class WootricIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READY = Duration.ofSeconds(60);
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

    Map<String, String> wootric(String password) {
        Map<String, String> env = fake.hubEnvironment();
        env.put("HUB_WOOTRIC_PASSWORD", password);
        env.put("HUB_WOOTRIC_STREAMS", "end_users,responses,declines");
        return env;
    }

    @Test
    void aKillMidRunLosesNothingAndRepeatsNothing() throws Exception {
        for (int i = 0; i < 2_500; i++) {
            fake.addEndUser(JUNE + i * 600L, JUNE + i * 600L + (i % 7));
        }
        // a crowded second in the middle
        for (int i = 0; i < 1_600; i++) {
            fake.addEndUser(JUNE + i, JUNE + 900_000);
        }
        for (int i = 0; i < 1_500; i++) {
            fake.addResponse("responses", JUNE + i * 900L, JUNE + i * 900L + 30);
        }
        fake.delayMillis = 40;
        try (HubProcess hub = HubProcess.create(data, wootric(FakeWootric.PASSWORD)).start().awaitReady(READY)) {
            assertThat(hub.post("/hub/connectors/wootric/run?mode=incremental").statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> HubRuns.table(data, "wootric_end_users").size() >= 1_800);
            hub.kill();
        }
        assertThat(HubRuns.table(data, "wootric_end_users").size()).isLessThan(4_100);
        fake.delayMillis = 0;
        try (HubProcess hub = HubProcess.create(data, wootric(FakeWootric.PASSWORD)).start().awaitReady(READY)) {
            JsonNode interrupted = JSON.readTree(hub.get("/hub/connectors/wootric").body()).path("lastRun");
            assertThat(interrupted.path("status").asText()).isEqualTo("FAILED");
            String runId = JSON.readTree(hub.post("/hub/connectors/wootric/run?mode=incremental").body()).path("runId").asText();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                JsonNode last = JSON.readTree(hub.get("/hub/connectors/wootric").body()).path("lastRun");
                return runId.equals(last.path("id").asText()) && !"RUNNING".equals(last.path("status").asText());
            });
            JsonNode resumed = JSON.readTree(hub.get("/hub/connectors/wootric").body()).path("lastRun");
            assertThat(resumed.path("status").asText()).as(resumed.toString()).isEqualTo("SUCCEEDED");
        }
        WootricCatalog.assertMirrors(data, "wootric_end_users", fake, "end_users");
        WootricCatalog.assertMirrors(data, "wootric_responses", fake, "responses");
        WootricCatalog.assertMirrors(data, "wootric_declines", fake, "declines");
    }

    @Test
    void aRateLimitWaitDoesNotHoldUpAnOrderlyStop() throws Exception {
        for (int i = 0; i < 120; i++) {
            fake.addEndUser(JUNE + i * 60L, JUNE + i * 60L);
        }
        // every request is refused with a reset 100 s away (under hub.wootric.max-rate-limit-wait)
        fake.tooManyRequests.set(1_000);
        fake.storm429ResetSeconds = 100;
        try (HubProcess hub = HubProcess.create(data, wootric(FakeWootric.PASSWORD)).start().awaitReady(READY)) {
            assertThat(hub.post("/hub/connectors/wootric/run?mode=full").statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> fake.served429.get() >= 1);
            long stopping = System.nanoTime();
            hub.stop();
            long stopMillis = (System.nanoTime() - stopping) / 1_000_000;
            // camel.main.shutdown-timeout is 8 s: a wait that held the stop would be cut off only then
            assertThat(stopMillis).as("stop took %d ms:%n%s", stopMillis, hub.output()).isLessThan(5_000);
        }
        assertThat(fake.served429.get()).as("no request while waiting for the reset").isEqualTo(1);
        fake.tooManyRequests.set(0);
        try (HubProcess hub = HubProcess.create(data, wootric(FakeWootric.PASSWORD)).start().awaitReady(READY)) {
            JsonNode stopped = JSON.readTree(hub.get("/hub/connectors/wootric").body()).path("lastRun");
            assertThat(stopped.path("status").asText()).isEqualTo("FAILED");
            assertThat(runToEnd(hub).path("status").asText()).isEqualTo("SUCCEEDED");
        }
        WootricCatalog.assertMirrors(data, "wootric_end_users", fake, "end_users");
    }

    @Test
    void clientCredentialsWorkInsteadOfAPassword() throws Exception {
        for (int i = 0; i < 120; i++) {
            fake.addEndUser(JUNE + i * 60L, JUNE + i * 60L);
        }
        Map<String, String> env = wootric("");
        env.remove("HUB_WOOTRIC_USERNAME");
        env.remove("HUB_WOOTRIC_PASSWORD");
        env.put("HUB_WOOTRIC_CLIENT_ID", FakeWootric.CLIENT_ID);
        env.put("HUB_WOOTRIC_CLIENT_SECRET", FakeWootric.CLIENT_SECRET);
        env.put("HUB_WOOTRIC_TABLE_PREFIX", "acme_");
        try (HubProcess hub = HubProcess.create(data, env).start().awaitReady(READY)) {
            String runId = JSON.readTree(hub.post("/hub/connectors/wootric/run?mode=full").body()).path("runId").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode last = JSON.readTree(hub.get("/hub/connectors/wootric").body()).path("lastRun");
                return runId.equals(last.path("id").asText()) && "SUCCEEDED".equals(last.path("status").asText());
            });
        }
        assertThat(fake.grants).containsExactly("client_credentials");
        WootricCatalog.assertMirrors(data, "acme_wootric_end_users", fake, "end_users");
    }

    @Test
    void anAccountTokenPicksTheAccountAndAnUnknownOneFailsClearly() throws Exception {
        fake.addEndUser(JUNE, JUNE);
        Map<String, String> env = wootric(FakeWootric.PASSWORD);
        env.put("HUB_WOOTRIC_ACCOUNT_TOKEN", FakeWootric.ACCOUNT_TOKEN);
        try (HubProcess hub = HubProcess.create(data, env).start().awaitReady(READY)) {
            assertThat(runToEnd(hub).path("status").asText()).isEqualTo("SUCCEEDED");
        }
        assertThat(fake.requestLines).anyMatch(line -> line.equals("POST /oauth/token?account_token=" + FakeWootric.ACCOUNT_TOKEN));
        env.put("HUB_WOOTRIC_ACCOUNT_TOKEN", "NPS-00000000");
        try (HubProcess hub = HubProcess.create(data, env).start().awaitReady(READY)) {
            JsonNode last = runToEnd(hub);
            assertThat(last.path("status").asText()).isEqualTo("FAILED");
            assertThat(last.path("error").asText()).contains("hub.wootric.account-token").contains("HTTP 404");
        }
    }

    private static JsonNode runToEnd(HubProcess hub) throws Exception {
        String runId = JSON.readTree(hub.post("/hub/connectors/wootric/run?mode=full").body()).path("runId").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode last = JSON.readTree(hub.get("/hub/connectors/wootric").body()).path("lastRun");
            return runId.equals(last.path("id").asText()) && !"RUNNING".equals(last.path("status").asText());
        });
        return JSON.readTree(hub.get("/hub/connectors/wootric").body()).path("lastRun");
    }

    @Test
    void refusedCredentialsFailTheRunAtOnceWithoutShowingThem() throws Exception {
        String wrong = "WrongPassw0rdValue";
        try (HubProcess hub = HubProcess.create(data, wootric(wrong)).start().awaitReady(READY)) {
            assertThat(hub.post("/hub/connectors/wootric/run?mode=full").statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> hub.get("/hub/connectors/wootric").body().contains("FAILED"));
            JsonNode last = JSON.readTree(hub.get("/hub/connectors/wootric").body()).path("lastRun");
            assertThat(last.path("error").asText())
                    .contains("Wootric refused the credentials (hub.wootric.username / hub.wootric.password): HTTP 401")
                    .doesNotContain(wrong);
            assertThat(fake.tokenRequests.get()).as("a refused grant is not retried").isEqualTo(1);
            hub.stop();
            assertThat(hub.output()).doesNotContain(wrong);
        }
    }
}

package io.feedbackhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.feedbackhub.testing.HubProcess;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.fake.FakeQualtrics;

/** The packaged hub's qualtrics connector across a restart, and its configuration check. */
class QualtricsIT {

    private static final Duration READY = Duration.ofSeconds(60);
    static final String SURVEY = "SV_22VlHYNeldrrrkp";
    static final String SHARED_KEY = "it-shared-key-7f3e";
    static final String HUB_TOKEN = "it-hub-api-token-5a4b3c2d1e";

    @TempDir
    Path data;

    FakeQualtrics fake;

    @BeforeEach
    void startFake() throws Exception {
        fake = new FakeQualtrics();
    }

    @AfterEach
    void stopFake() {
        fake.close();
    }

    Map<String, String> qualtrics() {
        Map<String, String> env = fake.hubEnvironment();
        env.put("HUB_QUALTRICS_WEBHOOK_SURVEY_IDS", SURVEY);
        env.put("HUB_QUALTRICS_WEBHOOK_PUBLIC_URL", "https://hub.example.com/qualtrics/webhook");
        env.put("HUB_QUALTRICS_WEBHOOK_SHARED_KEY", SHARED_KEY);
        env.put("HUB_API_TOKEN", HUB_TOKEN);
        return env;
    }

    long subscriptionLists() {
        return List.copyOf(fake.requests).stream().filter(r -> r.equals("GET /API/v3/eventsubscriptions")).count();
    }

    @Test
    void aRestartAddsNoSubscriptionAndTakesNoResponseTwice() throws Exception {
        fake.addResponse(SURVEY, "R_beforeRestart01", 0);
        try (HubProcess hub = HubProcess.create(data, qualtrics()).start().awaitReady(READY)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> fake.subscriptions().size() == 1);
            String url = "http://127.0.0.1:" + hub.publicPort() + "/qualtrics/webhook";
            assertThat(fake.emitCompletedResponse(url, SURVEY, "R_beforeRestart01", SHARED_KEY)).isEqualTo(200);
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> HubRuns.table(data, "qualtrics_responses").size() == 1);
            hub.stop();
        }
        long listed = subscriptionLists();
        try (HubProcess hub = HubProcess.create(data, qualtrics()).start().awaitReady(READY)) {
            await().atMost(Duration.ofSeconds(20)).until(() -> subscriptionLists() > listed);
            String url = "http://127.0.0.1:" + hub.publicPort() + "/qualtrics/webhook";
            // Qualtrics delivers the same response again after the restart
            assertThat(fake.emitCompletedResponse(url, SURVEY, "R_beforeRestart01", SHARED_KEY)).isEqualTo(200);
            // and nothing follows from it: no second fetch, no second row
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).ignoreExceptions()
                    .until(() -> HubRuns.table(data, "qualtrics_responses").size() == 1
                            && List.copyOf(fake.requests).stream().filter(r -> r.contains("/responses/R_beforeRestart01")).count() == 1);
            assertThat(fake.subscriptions()).hasSize(1);
            hub.stop();
            assertThat(hub.output()).doesNotContain(FakeQualtrics.API_TOKEN).doesNotContain(SHARED_KEY).doesNotContain(HUB_TOKEN);
        }
    }

    @Test
    void anEnabledConnectorWithoutItsKeysStopsTheHubWithOneLineEach() throws Exception {
        String shortToken = "short-secret-15";
        Map<String, String> env = Map.of("HUB_QUALTRICS_ENABLED", "true", "HUB_API_TOKEN", shortToken,
                "HUB_QUALTRICS_WEBHOOK_SURVEY_IDS", "SV_abc,EMD_x");
        try (HubProcess hub = HubProcess.create(data, env).start()) {
            assertThat(hub.awaitExit(READY)).isNotZero();
            String output = hub.output();
            assertThat(output).contains("hub.qualtrics.datacenter: is required")
                    .contains("hub.qualtrics.api-token: is required")
                    .contains("hub.qualtrics.directory-id: is required")
                    .contains("hub.api.token: is required")
                    .contains("hub.qualtrics.webhook.survey-ids: 'EMD_x' is not a survey id")
                    .contains("hub.qualtrics.webhook.public-url: is required")
                    .contains("hub.qualtrics.webhook.shared-key: is required")
                    .doesNotContain(shortToken);
        }
    }
}

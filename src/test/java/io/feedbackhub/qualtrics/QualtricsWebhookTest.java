package io.feedbackhub.qualtrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.state.SyncState;
import io.feedbackhub.testing.FakeQualtricsServer;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.TestFiles;
import io.feedbackhub.testing.TestHub;
import io.feedbackhub.testing.fake.FakeQualtrics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Subscriptions at start, and Qualtrics' signed webhook into qualtrics_responses. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(FakeQualtricsServer.class)
class QualtricsWebhookTest {

    @Inject
    HubConfig config;

    @Inject
    QualtricsSubscriptions subscriptions;

    @Inject
    SyncState state;

    FakeQualtrics fake = FakeQualtricsServer.fake;

    static String webhook() {
        return "http://127.0.0.1:" + ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class) + "/qualtrics/webhook";
    }

    List<JsonNode> rows(String responseId) {
        return HubRuns.table(config.dataDir(), QualtricsResponses.TABLE).stream()
                .filter(r -> r.path("responseId").asText().equals(responseId)).toList();
    }

    @Test
    void subscriptionsAreCreatedOnceForEverySurvey() {
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.subscriptions().size() == 2);
        // what a restart does: list, compare, create only what is missing
        subscriptions.ensure();
        List<ObjectNode> subs = fake.subscriptions();
        assertThat(subs).hasSize(2);
        assertThat(subs).extracting(s -> s.path("topics").asText()).containsExactlyInAnyOrder(
                "surveyengine.completedResponse." + FakeQualtricsServer.SURVEY, "surveyengine.completedResponse." + FakeQualtricsServer.OTHER_SURVEY);
        assertThat(subs).allSatisfy(s -> {
            assertThat(s.path("publicationUrl").asText()).isEqualTo(FakeQualtricsServer.PUBLIC_URL);
            assertThat(fake.sharedKey(s.path("id").asText())).isEqualTo(FakeQualtricsServer.SHARED_KEY);
        });
    }

    @Test
    void aSubscriptionMadeWithAnEarlierSharedKeyIsReplaced() {
        await().atMost(Duration.ofSeconds(10)).until(() -> fake.subscriptions().size() == 2);
        String survey = FakeQualtricsServer.SURVEY;
        String old = fake.subscriptions().stream().filter(s -> s.path("topics").asText().endsWith(survey)).findFirst().orElseThrow()
                .path("id").asText();
        // as if the hub had made it before hub.qualtrics.webhook.shared-key was changed
        fake.setSharedKey(old, "an-earlier-key");
        state.put("qualtrics", "subscriptions", survey, old + ":" + QualtricsSubscriptions.fingerprint("an-earlier-key"));

        subscriptions.ensure();

        List<ObjectNode> subs = fake.subscriptions();
        assertThat(subs).hasSize(2).noneMatch(s -> s.path("id").asText().equals(old));
        ObjectNode replacement = subs.stream().filter(s -> s.path("topics").asText().endsWith(survey)).findFirst().orElseThrow();
        assertThat(fake.sharedKey(replacement.path("id").asText())).isEqualTo(FakeQualtricsServer.SHARED_KEY);
        // a second start changes nothing
        subscriptions.ensure();
        assertThat(fake.subscriptions()).extracting(s -> s.path("id").asText())
                .containsExactlyInAnyOrderElementsOf(subs.stream().map(s -> s.path("id").asText()).toList());
    }

    @Test
    void aSignedResponseDeliveredTwiceIsOneRowEvenWhenQualtricsAnswers202First() throws Exception {
        fake.addResponse(FakeQualtricsServer.SURVEY, "R_twiceDelivered01", 400);
        await().atMost(Duration.ofSeconds(10)).until(() -> !fake.subscriptions().isEmpty());
        String key = fake.sharedKey(fake.subscriptions().get(0).path("id").asText());

        assertThat(fake.emitCompletedResponse(webhook(), FakeQualtricsServer.SURVEY, "R_twiceDelivered01", key)).isEqualTo(200);
        assertThat(fake.emitCompletedResponse(webhook(), FakeQualtricsServer.SURVEY, "R_twiceDelivered01", key)).isEqualTo(200);

        await().atMost(Duration.ofSeconds(15)).until(() -> rows("R_twiceDelivered01").size() == 1);
        JsonNode row = rows("R_twiceDelivered01").get(0);
        assertThat(row.path("surveyId").asText()).isEqualTo(FakeQualtricsServer.SURVEY);
        assertThat(row.path("values").path("QID1").asInt()).isEqualTo(9);
        assertThat(row.path("labels").path("QID1").asText()).isEqualTo("9 - Very likely");
        assertThat(row.path("completedDate").asText()).isEqualTo("2020-10-22T12:31:40Z");
        assertThat(row.path("distributionId").asText()).isEqualTo("EMD_96woxYS85Cg5Lqx");
        // and it stays one: the second delivery is not fetched or written later
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> rows("R_twiceDelivered01").size() == 1);
        assertThat(List.copyOf(fake.requests).stream().filter(r -> r.contains("/responses/R_twiceDelivered01"))).as("202 then 200").hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void aDeliveryAnswered503IsTakenWhenQualtricsSendsItAgain() throws Exception {
        fake.addResponse(FakeQualtricsServer.SURVEY, "R_afterJournalFix1", 0);
        try (var blocked = TestFiles.blockDirectory(config.dataDir().resolve("journal").resolve("qualtrics"))) {
            assertThat(fake.emitCompletedResponse(webhook(), FakeQualtricsServer.SURVEY, "R_afterJournalFix1", FakeQualtricsServer.SHARED_KEY))
                    .isEqualTo(503);
        }
        // Qualtrics retries: the ResponseID must not count as taken
        assertThat(fake.emitCompletedResponse(webhook(), FakeQualtricsServer.SURVEY, "R_afterJournalFix1", FakeQualtricsServer.SHARED_KEY))
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> rows("R_afterJournalFix1").size() == 1);
    }

    @Test
    void aResponseNotThereYetIsFetchedOnceItIs() throws Exception {
        assertThat(fake.emitCompletedResponse(webhook(), FakeQualtricsServer.OTHER_SURVEY, "R_lateArrival0001", FakeQualtricsServer.SHARED_KEY))
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(5)).until(() -> List.copyOf(fake.requests).stream().anyMatch(r -> r.contains("/responses/R_lateArrival0001")));
        fake.addResponse(FakeQualtricsServer.OTHER_SURVEY, "R_lateArrival0001", 0);
        await().atMost(Duration.ofSeconds(15)).until(() -> rows("R_lateArrival0001").size() == 1);
    }

    @Test
    void aResponseIsFetchedOnceQualtricsRecoversFromAnOutage() throws Exception {
        fake.addResponse(FakeQualtricsServer.SURVEY, "R_duringOutage01", 0);
        // more 500s than one fetch retries: the journal entry stays and is tried again later
        for (int i = 0; i < 9; i++) {
            fake.inject(FakeQualtrics.Fault.status("GET", "/responses/R_duringOutage01", 500));
        }
        assertThat(fake.emitCompletedResponse(webhook(), FakeQualtricsServer.SURVEY, "R_duringOutage01", FakeQualtricsServer.SHARED_KEY))
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> rows("R_duringOutage01").size() == 1);
        assertThat(List.copyOf(fake.requests).stream().filter(r -> r.contains("/responses/R_duringOutage01"))).hasSize(10);
    }

    @Test
    void aResponseRefusedForLackOfRightsStaysInTheJournalAndIsFetchedLater() throws Exception {
        fake.addResponse(FakeQualtricsServer.SURVEY, "R_rightsRestored1", 0);
        // a token without rights for a while (rotated, or a permission fixed later): not a dead letter
        fake.inject(FakeQualtrics.Fault.status("GET", "/responses/R_rightsRestored1", 403));
        assertThat(fake.emitCompletedResponse(webhook(), FakeQualtricsServer.SURVEY, "R_rightsRestored1", FakeQualtricsServer.SHARED_KEY))
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> rows("R_rightsRestored1").size() == 1);
        assertThat(HubRuns.table(config.dataDir(), QualtricsResponses.DEAD_LETTERS).stream()
                .filter(r -> r.path("id").asText().equals("R_rightsRestored1"))).isEmpty();
    }

    @Test
    void aResponseQualtricsNeverGivesIsADeadLetterWithItsCause() throws Exception {
        assertThat(fake.emitCompletedResponse(webhook(), FakeQualtricsServer.SURVEY, "R_neverThere0001", FakeQualtricsServer.SHARED_KEY))
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> HubRuns.table(config.dataDir(), QualtricsResponses.DEAD_LETTERS).stream()
                .anyMatch(r -> r.path("id").asText().equals("R_neverThere0001")));
        JsonNode letter = HubRuns.table(config.dataDir(), QualtricsResponses.DEAD_LETTERS).stream()
                .filter(r -> r.path("id").asText().equals("R_neverThere0001")).findFirst().orElseThrow();
        assertThat(letter.path("cause").asText()).contains("404");
        assertThat(letter.path("event").path("SurveyID").asText()).isEqualTo(FakeQualtricsServer.SURVEY);
        assertThat(rows("R_neverThere0001")).isEmpty();
    }

    @Test
    void aBadlySignedDeliveryIs403AndLeavesNothing() throws Exception {
        fake.addResponse(FakeQualtricsServer.SURVEY, "R_forgedDelivery1", 0);

        assertThat(fake.emitCompletedResponse(webhook(), FakeQualtricsServer.SURVEY, "R_forgedDelivery1", "not-the-shared-key")).isEqualTo(403);
        String msg = "{\"Status\":\"Complete\",\"SurveyID\":\"" + FakeQualtricsServer.SURVEY + "\",\"ResponseID\":\"R_forgedDelivery1\"}";
        assertThat(fake.post(webhook(), "Topic=b.surveyengine.completedResponse." + FakeQualtricsServer.SURVEY + "&MSG="
                + java.net.URLEncoder.encode(msg, "UTF-8"))).as("no HMAC").isEqualTo(400);
        assertThat(fake.post(webhook(), "Topic=x&HMAC=" + "ab".repeat(64) + "&MSG=" + java.net.URLEncoder.encode(msg, "UTF-8"))).isEqualTo(403);

        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3)).until(() -> rows("R_forgedDelivery1").isEmpty()
                && List.copyOf(fake.requests).stream().noneMatch(r -> r.contains("R_forgedDelivery1")));
        try (Stream<Path> files = Files.walk(config.dataDir().resolve("journal"))) {
            assertThat(files.filter(p -> p.getFileName().toString().contains("R_forgedDelivery1"))).isEmpty();
        }
        // a forged delivery does not use up the ResponseID: the genuine one is still taken
        assertThat(fake.emitCompletedResponse(webhook(), FakeQualtricsServer.SURVEY, "R_forgedDelivery1", FakeQualtricsServer.SHARED_KEY))
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> rows("R_forgedDelivery1").size() == 1);
    }
}

package io.feedbackhub.qualtrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.testing.ClusterEnabled;
import io.feedbackhub.testing.FakeQualtricsServer;
import io.feedbackhub.testing.KafkaBroker;
import io.feedbackhub.testing.KafkaTopics;
import io.feedbackhub.testing.TestHub;
import io.feedbackhub.testing.fake.FakeQualtrics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The Qualtrics webhook of a cluster member: the journal is a Kafka topic any member reads, and the
 * ResponseIDs taken are known to every member; nothing of it is in the member's files.
 */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(FakeQualtricsServer.class)
@WithTestResource(KafkaBroker.class)
@WithTestResource(ClusterEnabled.class)
class QualtricsClusterTest {

    static final String JOURNAL = "hub.qualtrics-webhook-journal";
    static final String GROUP = "test-cluster.qualtrics-webhook-journal";
    static final String RESPONSES = "hub." + QualtricsResponses.TABLE;
    static final String DEAD_LETTERS = "hub." + QualtricsResponses.DEAD_LETTERS;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    HubConfig config;

    @Inject
    CamelContext camel;

    FakeQualtrics fake = FakeQualtricsServer.fake;

    String brokers() {
        return config.kafka().brokers().orElseThrow();
    }

    /** The records of a topic with this key, as a read_committed consumer sees them now. */
    List<String> withKey(String topic, String key) {
        return KafkaTopics.committedRecords(brokers(), topic).stream().filter(r -> key.equals(r.getKey())).map(Map.Entry::getValue)
                .toList();
    }

    /** The routes start in the background (the webhook's once its ids are read from their topic). */
    @BeforeEach
    void routesStarted() {
        await().atMost(Duration.ofSeconds(60)).until(() -> Stream.of("qualtrics-webhook", "qualtrics-journal-read")
                .allMatch(route -> camel.getRouteController().getRouteStatus(route).isStarted()));
    }

    @Test
    void aResponseGoesThroughTheJournalTopicIntoTheCatalog() throws Exception {
        fake.addResponse(FakeQualtricsServer.SURVEY, "R_clusterJournal01", 400);
        assertThat(fake.emitCompletedResponse(QualtricsWebhookTest.webhook(), FakeQualtricsServer.SURVEY, "R_clusterJournal01",
                FakeQualtricsServer.SHARED_KEY)).isEqualTo(200);

        // on the topic before the 200, keyed by its ResponseID
        List<String> journaled = withKey(JOURNAL, "R_clusterJournal01");
        assertThat(journaled).hasSize(1);
        assertThat(JSON.readTree(journaled.get(0)).path("SurveyID").asText()).isEqualTo(FakeQualtricsServer.SURVEY);

        await().atMost(Duration.ofSeconds(30)).until(() -> !withKey(RESPONSES, "R_clusterJournal01").isEmpty());
        JsonNode row = JSON.readTree(withKey(RESPONSES, "R_clusterJournal01").get(0));
        assertThat(row.path("values").path("QID1").asInt()).isEqualTo(9);
        // its offset is committed once the response is in the catalog: a member that takes the partition over reads on after it
        await().atMost(Duration.ofSeconds(30)).until(() -> KafkaTopics.groupAtEnd(GROUP, JOURNAL));
        assertThat(config.dataDir().resolve("journal").resolve("qualtrics")).doesNotExist();
        assertThat(config.dataDir().resolve("state").resolve("qualtrics-response-ids.txt")).doesNotExist();
    }

    @Test
    void aRepeatedDeliveryIsStoredOnceAndItsResponseIdIsKnownToANewMember() throws Exception {
        fake.addResponse(FakeQualtricsServer.SURVEY, "R_clusterTwice001", 0);
        for (int delivery = 0; delivery < 2; delivery++) {
            assertThat(fake.emitCompletedResponse(QualtricsWebhookTest.webhook(), FakeQualtricsServer.SURVEY, "R_clusterTwice001",
                    FakeQualtricsServer.SHARED_KEY)).isEqualTo(200);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> !withKey(RESPONSES, "R_clusterTwice001").isEmpty());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .until(() -> withKey(RESPONSES, "R_clusterTwice001").size() == 1);
        // what another member reads at its start
        await().atMost(Duration.ofSeconds(30)).until(() -> KafkaTopics.idKnown(camel, "hub.qualtrics-response-ids", "R_clusterTwice001"));
        assertThat(withKey(JOURNAL, "R_clusterTwice001")).hasSize(1);
    }

    @Test
    void aResponseQualtricsNeverGivesIsADeadLetterAndItsEventIsDoneWith() throws Exception {
        assertThat(fake.emitCompletedResponse(QualtricsWebhookTest.webhook(), FakeQualtricsServer.SURVEY, "R_clusterNever001",
                FakeQualtricsServer.SHARED_KEY)).isEqualTo(200);
        assertThat(withKey(JOURNAL, "R_clusterNever001")).hasSize(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> !withKey(DEAD_LETTERS, "R_clusterNever001").isEmpty());
        JsonNode letter = JSON.readTree(withKey(DEAD_LETTERS, "R_clusterNever001").get(0));
        assertThat(letter.path("cause").asText()).contains("404");
        assertThat(withKey(RESPONSES, "R_clusterNever001")).isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> KafkaTopics.groupAtEnd(GROUP, JOURNAL));
    }

    @Test
    void aResponseIsFetchedOnceQualtricsRecoversFromAnOutage() throws Exception {
        fake.addResponse(FakeQualtricsServer.SURVEY, "R_clusterOutage01", 0);
        // more 500s than one fetch retries: the event is read again after a pause
        for (int i = 0; i < 9; i++) {
            fake.inject(FakeQualtrics.Fault.status("GET", "/responses/R_clusterOutage01", 500));
        }
        assertThat(fake.emitCompletedResponse(QualtricsWebhookTest.webhook(), FakeQualtricsServer.SURVEY, "R_clusterOutage01",
                FakeQualtricsServer.SHARED_KEY)).isEqualTo(200);
        await().atMost(Duration.ofSeconds(60)).until(() -> withKey(RESPONSES, "R_clusterOutage01").size() == 1);
        assertThat(withKey(JOURNAL, "R_clusterOutage01")).hasSize(1);
        assertThat(List.copyOf(fake.requests).stream().filter(r -> r.contains("/responses/R_clusterOutage01"))).hasSize(10);
        assertThat(withKey(DEAD_LETTERS, "R_clusterOutage01")).isEmpty();
    }

    @Test
    void subscriptionsAreMadeByTheMemberLeadingQualtrics() {
        await().atMost(Duration.ofSeconds(30)).until(() -> fake.subscriptions().size() == 2);
        // started, and stopped, with the leadership of qualtrics
        assertThat(camel.getRoute("qualtrics-subscriptions").getRoutePolicyList()).hasAtLeastOneElementOfType(ClusteredRoutePolicy.class);
    }

    /**
     * A member that loses and takes back the lead of qualtrics (its policy stops and starts the
     * route) checks the subscriptions again: one deleted meanwhile in Qualtrics is made again.
     */
    @Test
    void aMemberThatTakesTheLeadAgainChecksTheSubscriptionsAgain() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> fake.subscriptions().size() == 2);
        camel.getRouteController().stopRoute("qualtrics-subscriptions");
        fake.removeSubscription(fake.subscriptions().get(0).path("id").asText());
        assertThat(fake.subscriptions()).hasSize(1);
        camel.getRouteController().startRoute("qualtrics-subscriptions");
        await().atMost(Duration.ofSeconds(30)).until(() -> fake.subscriptions().size() == 2);
    }
}

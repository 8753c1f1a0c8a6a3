package io.feedbackhub.segment;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.testing.FakeWootricServer;
import io.feedbackhub.testing.KafkaBroker;
import io.feedbackhub.testing.KafkaTopics;
import io.feedbackhub.testing.SegmentEnabled;
import io.feedbackhub.testing.TestHub;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** With the Kafka sink the relay journals to a topic before the 200 and delivers as a consumer group. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(SegmentEnabled.class)
@WithTestResource(FakeWootricServer.class)
@WithTestResource(KafkaBroker.class)
class SegmentKafkaJournalTest {

    @Inject
    HubConfig config;

    @Test
    void anAcceptedRequestIsOnTheJournalTopicAndDeliveredFromIt() throws Exception {
        String id = UUID.randomUUID().toString();
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        given().baseUri("http://127.0.0.1").port(port).contentType("application/json").auth().preemptive()
                .basic(SegmentEnabled.WRITE_KEY, "")
                .body("{\"userId\":\"kafka-user\",\"messageId\":\"" + id + "\",\"traits\":{\"email\":\"kafka-user@example.com\"}}")
                .post("/v1/identify").then().statusCode(200);

        assertThat(KafkaTopics.readAll("hub.segment-journal", 1).get("kafka-user")).contains(id);
        // the request's headers (its Authorization above all) are not journaled
        assertThat(KafkaTopics.headerNames("hub.segment-journal")).noneMatch(name -> name.equalsIgnoreCase("Authorization"));
        await().atMost(Duration.ofSeconds(30)).until(() -> FakeWootricServer.fake.endUserByExternalId("kafka-user") != null);
        Map<String, String> events = KafkaTopics.readAll("hub.segment_events", 1);
        assertThat(events).containsKey(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> KafkaTopics.committed("feedback-hub-segment", "hub.segment-journal") == 1);
        assertThat(config.dataDir().resolve("journal")).doesNotExist();
    }

    /** hub_journal_entries{journal="segment"} on Kafka: the delivery group's lag, as the broker has it. */
    static double journalEntries() {
        return io.feedbackhub.testing.Management.request().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(line -> line.startsWith("hub_journal_entries{") && line.contains("journal=\"segment\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void theJournalDepthIsTheDeliveryGroupsLag() {
        await().atMost(Duration.ofSeconds(60)).until(() -> journalEntries() == 0);
        FakeWootricServer.fake.failWhen = request -> true;
        String run = UUID.randomUUID().toString().substring(0, 8);
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        try {
            for (int i = 0; i < 3; i++) {
                given().baseUri("http://127.0.0.1").port(port).contentType("application/json").auth().preemptive()
                        .basic(SegmentEnabled.WRITE_KEY, "")
                        .body("{\"userId\":\"lag-" + run + "-" + i + "\",\"traits\":{\"email\":\"lag" + i + "@example.com\"}}")
                        .post("/v1/identify").then().statusCode(200);
            }
            // three records journalled, none delivered while Wootric fails
            await().atMost(Duration.ofSeconds(20)).until(() -> journalEntries() == 3);
        } finally {
            FakeWootricServer.fake.failWhen = request -> false;
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> journalEntries() == 0);
        assertThat(FakeWootricServer.fake.endUserByExternalId("lag-" + run + "-2")).isNotNull();
    }

    @Test
    void aBatchOfSeveralUsersIsJournaledAsOneRecordPerUserInOrderAndDelivered() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String a = "a-" + run;
        String b = "b-" + run;
        String batch = "{\"context\":{\"library\":{\"name\":\"analytics-java\"}},\"batch\":["
                + identify(a, run + "-1", 1) + "," + identify(b, run + "-2", 1) + "," + identify(a, run + "-3", 2) + "]}";
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        given().baseUri("http://127.0.0.1").port(port).contentType("application/json").auth().preemptive()
                .basic(SegmentEnabled.WRITE_KEY, "").body(batch).post("/v1/batch").then().statusCode(200);

        await().atMost(Duration.ofSeconds(30)).until(() -> KafkaTopics.committedRecords(config.kafka().brokers().orElseThrow(),
                "hub.segment-journal").stream().filter(r -> r.getValue().contains(run)).count() == 2);
        var records = KafkaTopics.committedRecords(config.kafka().brokers().orElseThrow(), "hub.segment-journal").stream()
                .filter(r -> r.getValue().contains(run)).toList();
        assertThat(records).extracting(Map.Entry::getKey).containsExactly(a, b);
        // a's two messages in their order, with the batch's context; none of b's
        String ofA = records.get(0).getValue();
        assertThat(ofA).contains(run + "-1", run + "-3", "analytics-java").doesNotContain(run + "-2");
        assertThat(ofA.indexOf(run + "-1")).isLessThan(ofA.indexOf(run + "-3"));
        assertThat(records.get(1).getValue()).contains(run + "-2").doesNotContain(run + "-1", run + "-3");

        await().atMost(Duration.ofSeconds(30)).until(() -> FakeWootricServer.fake.endUserByExternalId(a) != null
                && FakeWootricServer.fake.endUserByExternalId(b) != null);
        // the later identify's trait is the one Wootric keeps
        await().atMost(Duration.ofSeconds(30)).until(() -> String.valueOf(FakeWootricServer.fake.endUserByExternalId(a)).contains("\"plan\":\"p2\"")
                || String.valueOf(FakeWootricServer.fake.endUserByExternalId(a)).contains("plan=p2"));
    }

    private static String identify(String user, String messageId, int plan) {
        return "{\"type\":\"identify\",\"userId\":\"" + user + "\",\"messageId\":\"" + messageId
                + "\",\"traits\":{\"email\":\"" + user + "@example.com\",\"plan\":\"p" + plan + "\"}}";
    }
}

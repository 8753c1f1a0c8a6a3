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

        assertThat(KafkaTopics.readAll("hub.segment-journal", 1).values().iterator().next()).contains(id);
        // the request's headers (its Authorization above all) are not journaled
        assertThat(KafkaTopics.headerNames("hub.segment-journal")).noneMatch(name -> name.equalsIgnoreCase("Authorization"));
        await().atMost(Duration.ofSeconds(30)).until(() -> FakeWootricServer.fake.endUserByExternalId("kafka-user") != null);
        Map<String, String> events = KafkaTopics.readAll("hub.segment_events", 1);
        assertThat(events).containsKey(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> KafkaTopics.committed("feedback-hub-segment", "hub.segment-journal") == 1);
        assertThat(config.dataDir().resolve("journal")).doesNotExist();
    }
}

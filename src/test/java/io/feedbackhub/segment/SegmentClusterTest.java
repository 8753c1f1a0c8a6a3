package io.feedbackhub.segment;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.testing.ClusterEnabled;
import io.feedbackhub.testing.FakeWootricServer;
import io.feedbackhub.testing.KafkaBroker;
import io.feedbackhub.testing.KafkaTopics;
import io.feedbackhub.testing.SegmentEnabled;
import io.feedbackhub.testing.TestHub;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The relay of a cluster member: the ids it delivered are known to every member, not kept in its own files. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(SegmentEnabled.class)
@WithTestResource(FakeWootricServer.class)
@WithTestResource(KafkaBroker.class)
@WithTestResource(ClusterEnabled.class)
class SegmentClusterTest {

    @Inject
    HubConfig config;

    @Inject
    CamelContext camel;

    @Test
    void aDeliveredMessageIdIsKnownToAnotherMember() throws Exception {
        String id = UUID.randomUUID().toString();
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        given().baseUri("http://127.0.0.1").port(port).contentType("application/json").auth().preemptive()
                .basic(SegmentEnabled.WRITE_KEY, "")
                .body("{\"userId\":\"cluster-user\",\"messageId\":\"" + id + "\",\"traits\":{\"email\":\"cluster-user@example.com\"}}")
                .post("/v1/identify").then().statusCode(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> FakeWootricServer.fake.endUserByExternalId("cluster-user") != null);

        // what a member that takes the journal partition over reads at its start
        await().atMost(Duration.ofSeconds(30)).until(() -> KafkaTopics.idKnown(camel, SegmentSeen.messageIdsTopic(config), id));
        assertThat(config.dataDir().resolve("state").resolve("segment-message-ids.txt")).doesNotExist();
    }
}

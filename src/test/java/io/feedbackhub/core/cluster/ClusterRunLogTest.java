package io.feedbackhub.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.run.RunLog;
import io.feedbackhub.core.state.KafkaStateRepository;
import io.feedbackhub.testing.ClusterEnabled;
import io.feedbackhub.testing.DemoPages;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.KafkaBroker;
import io.feedbackhub.testing.KafkaTopics;
import io.feedbackhub.testing.Management;
import io.feedbackhub.testing.TestHub;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The run log of a cluster member on a real broker: each run on the compacted runs topic, which is
 * what every member's management API shows, whichever member ran the connector.
 */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(KafkaBroker.class)
@WithTestResource(ClusterEnabled.class)
class ClusterRunLogTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    HubConfig config;

    @Inject
    CamelContext camel;

    @BeforeEach
    void leading() {
        await().atMost(Duration.ofSeconds(30)).until(() -> "test-member".equals(Management.request().get("/hub/cluster")
                .then().statusCode(200).extract().path("connectors.demo.leader")));
    }

    /** The demo connector's last run on the runs topic, as a compacted topic keeps it. */
    private JsonNode lastOnTopic() throws Exception {
        String value = null;
        for (Map.Entry<String, String> record : KafkaTopics.committedRecords(config.kafka().brokers().orElseThrow(), RunLog.topic(config))) {
            if (record.getKey().equals("demo")) {
                value = record.getValue();
            }
        }
        assertThat(value).as("the demo connector's record on " + RunLog.topic(config)).isNotNull();
        return JSON.readTree(value);
    }

    /** A repository of its own on the runs topic: what another member reads, and how it writes. */
    private KafkaStateRepository anotherMembersLog() {
        KafkaStateRepository repository = KafkaStateRepository.of(camel, config.kafka().brokers().orElseThrow(), RunLog.topic(config),
                Optional.empty(), value -> true);
        repository.start();
        return repository;
    }

    private static String record(String id, String member, String status, Instant startedAt) {
        return "{\"id\":\"" + id + "\",\"mode\":\"incremental\",\"trigger\":\"schedule\",\"startedAt\":\"" + startedAt
                + "\",\"finishedAt\":" + (status.equals("RUNNING") ? "null" : "\"" + startedAt.plusSeconds(5) + "\"")
                + ",\"status\":\"" + status + "\",\"records\":7,\"requests\":3,\"error\":null,\"notes\":[],\"member\":\"" + member
                + "\",\"connector\":\"demo\"}";
    }

    @Test
    void aRunIsOnTheRunsTopicAndAnotherMembersRunIsTheLastRunHere() throws Exception {
        DemoPages pages = new DemoPages(config.dataDir().resolve("demo-input"));
        pages.clear();
        pages.write(1, 2, 1);
        Map<String, Object> run = HubRuns.runToEnd("demo", "full");
        assertThat(run).containsEntry("status", "SUCCEEDED").containsEntry("member", "test-member");

        JsonNode onTopic = lastOnTopic();
        assertThat(onTopic.path("id").asText()).isEqualTo(run.get("id"));
        assertThat(onTopic.path("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(onTopic.path("member").asText()).isEqualTo("test-member");
        assertThat(onTopic.path("records").asLong()).isEqualTo(2);

        KafkaStateRepository another = anotherMembersLog();
        try {
            // a member that starts now reads that run as the connector's last
            assertThat(JSON.readTree(another.getState("demo")).path("id").asText()).isEqualTo(run.get("id"));

            // and a run another member made after it is the last run this member shows
            String theirs = UUID.randomUUID().toString();
            another.setState("demo", record(theirs, "other-member", "SUCCEEDED", Instant.now()));
            await().atMost(Duration.ofSeconds(30)).until(() -> theirs.equals(Management.request().get("/hub/connectors/demo")
                    .then().statusCode(200).extract().path("lastRun.id")));
            Map<String, Object> shown = Management.request().get("/hub/connectors/demo").jsonPath().getMap("lastRun");
            assertThat(shown).containsEntry("status", "SUCCEEDED").containsEntry("member", "other-member").containsEntry("records", 7);
        } finally {
            another.stop();
        }
    }

    @Test
    void aRunningRunOfAMemberThatIsGoneIsShownFailedInterrupted() {
        KafkaStateRepository another = anotherMembersLog();
        try {
            // gone-member started a run and died: test-member leads the connector now
            String theirs = UUID.randomUUID().toString();
            another.setState("demo", record(theirs, "gone-member", "RUNNING", Instant.now()));
            await().atMost(Duration.ofSeconds(30)).until(() -> theirs.equals(Management.request().get("/hub/connectors/demo")
                    .then().statusCode(200).extract().path("lastRun.id")));
            Map<String, Object> shown = Management.request().get("/hub/connectors/demo").jsonPath().getMap("lastRun");
            assertThat(shown).containsEntry("status", "FAILED").containsEntry("member", "gone-member");
            assertThat((String) shown.get("error")).startsWith(RunLog.INTERRUPTED);
        } finally {
            another.stop();
        }
    }

    @Test
    void secretsStayMaskedOnTheRunsTopic() throws Exception {
        DemoPages pages = new DemoPages(config.dataDir().resolve("demo-input"));
        pages.clear();
        // a run whose error text repeats the secret (Jackson quotes the bad input)
        pages.writeRaw(1, "[{\"id\": " + TestHub.DEMO_TOKEN + "}]");
        Map<String, Object> failed = HubRuns.runToEnd("demo", "full");
        assertThat(failed).containsEntry("status", "FAILED");
        JsonNode onTopic = lastOnTopic();
        assertThat(onTopic.path("id").asText()).isEqualTo(failed.get("id"));
        assertThat(onTopic.path("error").asText()).contains("****");
        assertThat(KafkaTopics.committedRecords(config.kafka().brokers().orElseThrow(), RunLog.topic(config)))
                .allSatisfy(record -> assertThat(record.getValue()).doesNotContain(TestHub.DEMO_TOKEN));
    }
}

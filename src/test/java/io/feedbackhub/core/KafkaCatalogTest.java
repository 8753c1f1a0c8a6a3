package io.feedbackhub.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaEndpoint;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.state.SyncState;
import io.feedbackhub.testing.DemoPages;
import io.feedbackhub.testing.FakeWootricServer;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.KafkaBroker;
import io.feedbackhub.testing.KafkaTopics;
import io.feedbackhub.testing.Management;
import io.feedbackhub.testing.TestHub;
import io.feedbackhub.testing.fake.FakeWootric;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** hub.catalog.sink=kafka against a real broker: one topic per table, keyed by record id. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(KafkaBroker.class)
@WithTestResource(FakeWootricServer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KafkaCatalogTest {

    @Inject
    HubConfig config;

    @Inject
    CamelContext camel;

    @Inject
    SyncState state;

    @Test
    @Order(1)
    void runsPublishEachRecordToTheTableTopicKeyedByItsId() throws Exception {
        DemoPages pages = new DemoPages(config.dataDir().resolve("demo-input"));
        List<String> ids = new ArrayList<>(pages.write(1, 3, 1));
        ids.addAll(pages.write(2, 2, 1));

        Map<String, Object> run = HubRuns.runToEnd("demo", "incremental");
        assertThat(run).containsEntry("status", "SUCCEEDED").containsEntry("records", 5);

        Map<String, JsonNode> onTopic = readAll("hub.demo_items", 5);
        assertThat(onTopic.keySet()).containsExactlyInAnyOrderElementsOf(ids);
        onTopic.forEach((key, value) -> {
            assertThat(value.path("id").asText()).isEqualTo(key);
            assertThat(value.path("_synced_at").asText()).endsWith("Z");
        });
        // nothing went to files when the catalog is Kafka
        assertThat(config.dataDir().resolve("catalog").resolve("demo_items.jsonl")).doesNotExist();
    }

    @Test
    @Order(3) // after the test that expects the topic to hold its records only
    void aFullRunPublishesItsTableOnlyWhenItSucceeds() throws Exception {
        DemoPages pages = new DemoPages(config.dataDir().resolve("demo-input"));
        pages.write(1, 3, 7);
        pages.write(2, 3, 7);
        pages.writeRaw(3, "[{\"id\":\"3-1\"}, {\"id\": not json}]");
        long before = KafkaTopics.endOffset("hub.demo_items");
        assertThat(HubRuns.runToEnd("demo", "full")).containsEntry("status", "FAILED");
        // pages 1 and 2 were read, but the run failed: none of it reaches the topic
        assertThat(KafkaTopics.endOffset("hub.demo_items")).isEqualTo(before);
        try (var staging = java.nio.file.Files.list(config.dataDir().resolve("catalog").resolve(".staging"))) {
            assertThat(staging).isEmpty();
        }

        pages.write(3, 2, 7);
        assertThat(HubRuns.runToEnd("demo", "full")).containsEntry("status", "SUCCEEDED").containsEntry("records", 8);
        assertThat(KafkaTopics.endOffset("hub.demo_items")).isEqualTo(before + 8);
    }

    @Test
    @Order(2)
    void theProducerWaitsForAllReplicasAndIsIdempotent() {
        KafkaEndpoint endpoint = camel.getEndpoints().stream().filter(KafkaEndpoint.class::isInstance)
                .map(KafkaEndpoint.class::cast).findFirst().orElseThrow();
        assertThat(endpoint.getConfiguration().getRequestRequiredAcks()).isEqualTo("all");
        assertThat(endpoint.getConfiguration().isEnableIdempotence()).isTrue();
        assertThat(endpoint.getConfiguration().getBrokers())
                .isEqualTo(ConfigProvider.getConfig().getValue("hub.kafka.brokers", String.class));
    }

    @Test
    @Order(4)
    void aFullRunThatWouldRemoveMostOfATableIsHeldAndPublishesNothing() throws Exception {
        FakeWootric fake = FakeWootricServer.fake;
        long june = java.time.Instant.parse("2024-06-01T00:00:00Z").getEpochSecond();
        for (int i = 0; i < 30; i++) {
            fake.addEndUser(june + i * 3_600L, june + i * 3_600L);
        }
        assertThat(HubRuns.runToEnd("wootric", "full")).containsEntry("status", "SUCCEEDED").containsEntry("records", 30);
        assertThat(KafkaTopics.endOffset("hub.wootric_end_users")).isEqualTo(30);
        Optional<String> bookmark = state.get("wootric", "end_users", "synced-to");

        // the source answers 200 with no end user; two new responses come (they would be published)
        fake.rows("end_users").forEach(row -> fake.remove("end_users", (Long) row.get("id")));
        fake.addResponse("responses", june, june);
        fake.addResponse("responses", june, june);
        long responses = KafkaTopics.endOffset("hub.wootric_responses");
        // bookmarks are run start seconds: this run starts in a later one than the last
        long second = java.time.Instant.now().getEpochSecond();
        Awaitility.await().until(() -> java.time.Instant.now().getEpochSecond() > second);
        Map<String, Object> held = HubRuns.runToEnd("wootric", "full");

        assertThat(held).containsEntry("status", "FAILED");
        assertThat((String) held.get("error")).startsWith("HELD by the mass-removal guard")
                .contains("wootric_end_users: 30 rows would become 0 (100 % removed), more than hub.wootric.max-removal-percent=50");
        assertThat(KafkaTopics.endOffset("hub.wootric_end_users")).isEqualTo(30);
        assertThat(KafkaTopics.endOffset("hub.wootric_responses")).isEqualTo(responses);
        assertThat(state.get("wootric", "end_users", "synced-to")).isEqualTo(bookmark);
        try (var staging = java.nio.file.Files.list(config.dataDir().resolve("catalog").resolve(".staging"))) {
            assertThat(staging).isEmpty();
        }

        String runId = Management.request().queryParam("mode", "full").queryParam("confirm-removals", "true")
                .post("/hub/connectors/wootric/run").then().statusCode(202).extract().path("runId");
        Map<String, Object> confirmed = HubRuns.awaitEnd("wootric", runId);
        assertThat(confirmed.get("status")).as(String.valueOf(confirmed.get("error"))).isEqualTo("SUCCEEDED");
        assertThat(KafkaTopics.endOffset("hub.wootric_responses")).isEqualTo(responses + 2);
        assertThat(state.get("wootric", "end_users", "synced-to")).isNotEqualTo(bookmark);
        // the topic keeps its records (no tombstones), but the table's published copy is now empty: not held again
        assertThat(HubRuns.runToEnd("wootric", "full")).containsEntry("status", "SUCCEEDED");
    }

    private static Map<String, JsonNode> readAll(String topic, int expected) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> records = new HashMap<>();
        for (Map.Entry<String, String> record : KafkaTopics.readAll(topic, expected).entrySet()) {
            records.put(record.getKey(), json.readTree(record.getValue()));
        }
        return records;
    }
}

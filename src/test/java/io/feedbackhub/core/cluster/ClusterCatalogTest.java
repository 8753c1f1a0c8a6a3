package io.feedbackhub.core.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.testing.ClusterEnabled;
import io.feedbackhub.testing.DemoPages;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.KafkaBroker;
import io.feedbackhub.testing.KafkaTopics;
import io.feedbackhub.testing.Management;
import io.feedbackhub.testing.TestHub;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The catalog of a cluster member on a real broker: a full run's table, with tombstones, in one transaction. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(KafkaBroker.class)
@WithTestResource(ClusterEnabled.class)
class ClusterCatalogTest {

    @Inject
    HubConfig config;

    /** What a compacted topic would keep: each key's last value, null for a tombstone. */
    private Map<String, String> latest(String topic) {
        Map<String, String> latest = new HashMap<>();
        KafkaTopics.committedRecords(config.kafka().brokers().orElseThrow(), topic).forEach(r -> latest.put(r.getKey(), r.getValue()));
        return latest;
    }

    @Test
    void aFullRunLeavesATombstoneForEveryRowGoneAtTheSource() throws Exception {
        await().atMost(Duration.ofSeconds(30)).until(() -> "test-member".equals(Management.request().get("/hub/cluster")
                .then().statusCode(200).extract().path("connectors.demo.leader")));
        DemoPages pages = new DemoPages(config.dataDir().resolve("demo-input"));
        pages.clear();
        pages.write(1, 3, 1);
        pages.write(2, 2, 1);
        assertThat(HubRuns.runToEnd("demo", "full")).containsEntry("status", "SUCCEEDED");
        assertThat(latest("hub.demo_items")).containsOnlyKeys("1-1", "1-2", "1-3", "2-1", "2-2").doesNotContainValue(null);
        // made by the hub, compacted (a broker's auto-created topic deletes by age): the tombstones below are what it keeps
        assertThat(KafkaTopics.topicSettings(config.kafka().brokers().orElseThrow(), "hub.demo_items")).containsEntry("cleanup.policy", "compact");

        // page 2's rows are gone at the source
        pages.clear();
        pages.write(1, 3, 2);
        assertThat(HubRuns.runToEnd("demo", "full")).containsEntry("status", "SUCCEEDED");
        Map<String, String> latest = latest("hub.demo_items");
        assertThat(latest).containsEntry("2-1", null).containsEntry("2-2", null);
        assertThat(latest.get("1-1")).contains("\"version\":2");
        assertThat(latest.entrySet().stream().filter(e -> e.getValue() != null)).hasSize(3);
    }
}

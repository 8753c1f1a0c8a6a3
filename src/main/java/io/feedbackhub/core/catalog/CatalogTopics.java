package io.feedbackhub.core.catalog;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.kafka.HubTopics;
import io.feedbackhub.core.kafka.KafkaReaders;

/**
 * The Kafka topic of a catalog table, {@code <hub.catalog.topic-prefix><table>}. In a cluster,
 * where full runs send tombstones, it is made compacted with {@code hub.kafka.replication-factor}
 * before the table's first record, so the topic holds what the source does; a broker's
 * auto-created topic would delete by age and keep one copy. Tables are known only as connectors
 * write them (their names are configured), hence at first write rather than at start. A topic
 * that exists is left as the operator made it.
 */
@ApplicationScoped
class CatalogTopics {

    @Inject
    HubConfig config;

    @Inject
    CamelContext camel;

    private final Set<String> made = ConcurrentHashMap.newKeySet();

    String of(String table) {
        String topic = config.catalog().topicPrefix() + table;
        if (config.cluster().enabled() && !made.contains(topic)) {
            HubTopics.create(KafkaReaders.properties(camel, config.kafka().brokers().orElseThrow()), topic, 1,
                    config.kafka().replicationFactor(), Map.of("cleanup.policy", "compact"));
            made.add(topic);
        }
        return topic;
    }
}

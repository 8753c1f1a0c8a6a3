package io.feedbackhub.segment;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.processor.idempotent.kafka.KafkaIdempotentRepository;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;
import org.apache.kafka.clients.producer.ProducerConfig;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.kafka.HubTopics;
import io.feedbackhub.core.kafka.KafkaReaders;
import io.feedbackhub.core.state.RecentIds;

/**
 * The memory of delivered message ids, so a message a client sends twice (it retried after a
 * timeout) is delivered once, across restarts too: the last {@code hub.segment.dedupe-window} ids.
 */
@ApplicationScoped
public class SegmentSeen {

    static final int SENT_TO_WOOTRIC = 1_000;

    @Inject
    HubConfig hub;

    @Inject
    SegmentConfig config;

    @Inject
    CamelContext camel;

    @Produces
    @Named("segmentSeen")
    @ApplicationScoped
    IdempotentRepository seen() {
        if (hub.cluster().enabled()) {
            return shared();
        }
        return new RecentIds(hub.dataDir().resolve("state").resolve("segment-message-ids.txt").toFile(), config.dedupeWindow());
    }

    /**
     * In a cluster, Camel's Kafka idempotent repository on {@code <hub.catalog.topic-prefix>segment-message-ids}:
     * the member that takes a journal partition over after another died knows what that one delivered.
     * The topic is created at start, compacted, its ids kept a week.
     */
    private IdempotentRepository shared() {
        String brokers = hub.kafka().brokers().orElseThrow();
        String topic = messageIdsTopic(hub);
        Properties consumer = KafkaReaders.properties(camel, brokers);
        HubTopics.create(consumer, topic, 1, hub.kafka().replicationFactor(),
                Map.of("cleanup.policy", "compact,delete", "retention.ms", String.valueOf(Duration.ofDays(7).toMillis())));
        Properties producer = camel.getComponent("kafka", KafkaComponent.class).getConfiguration().createProducerProperties();
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        KafkaIdempotentRepository repository = new KafkaIdempotentRepository(topic, consumer, producer, config.dedupeWindow(), 100);
        repository.setCamelContext(camel);
        return repository;
    }

    static String messageIdsTopic(HubConfig hub) {
        return hub.catalog().topicPrefix() + "segment-message-ids";
    }

    /**
     * The messages Wootric took whose catalog records may not be written yet: an entry tried again
     * (a catalog outage) does not write them to Wootric again. Only the entry being delivered needs
     * it, so it is small and in memory (after a restart such a message is written to Wootric again).
     */
    @Produces
    @Named("segmentSentToWootric")
    @ApplicationScoped
    IdempotentRepository sentToWootric() {
        return MemoryIdempotentRepository.memoryIdempotentRepository(SENT_TO_WOOTRIC);
    }
}

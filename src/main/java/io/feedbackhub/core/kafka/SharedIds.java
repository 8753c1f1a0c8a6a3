package io.feedbackhub.core.kafka;

import java.time.Duration;
import java.util.ConcurrentModificationException;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.processor.idempotent.kafka.KafkaIdempotentRepository;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.jboss.logging.Logger;

import io.feedbackhub.core.config.HubConfig;

/**
 * Ids every member of a cluster knows (messages delivered, webhook events taken): Camel's Kafka
 * idempotent repository on {@code <hub.catalog.topic-prefix><name>}. Each member reads the topic
 * at start and follows it, so an id one member took is soon known to the others, and to a member
 * that starts later. The topic is created at start, compacted, its ids kept a week.
 *
 * <p>Camel's stop closes the repository's consumer while its poller may still be in a poll
 * (ConcurrentModificationException, the consumer and producer left open); here the stop waits for
 * that poll to end, and closes again.
 */
public final class SharedIds extends KafkaIdempotentRepository {

    private static final Logger LOG = Logger.getLogger(SharedIds.class);
    private static final Duration KEPT = Duration.ofDays(7);
    private static final int POLL_MS = 100;
    private static final int STOP_ATTEMPTS = 50;

    private SharedIds(String topic, Properties consumer, Properties producer, int remembered) {
        super(topic, consumer, producer, remembered, POLL_MS);
    }

    /** The repository of {@code <hub.catalog.topic-prefix><name>}, remembering the last {@code remembered} ids in memory. */
    public static SharedIds create(CamelContext camel, HubConfig hub, String name, int remembered) {
        String brokers = hub.kafka().brokers().orElseThrow();
        String topic = topic(hub, name);
        Properties consumer = KafkaReaders.properties(camel, brokers);
        HubTopics.create(consumer, topic, 1, hub.kafka().replicationFactor(),
                Map.of("cleanup.policy", "compact,delete", "retention.ms", String.valueOf(KEPT.toMillis())));
        Properties producer = camel.getComponent("kafka", KafkaComponent.class).getConfiguration().createProducerProperties();
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        SharedIds ids = new SharedIds(topic, consumer, producer, remembered);
        ids.setCamelContext(camel);
        return ids;
    }

    public static String topic(HubConfig hub, String name) {
        return hub.catalog().topicPrefix() + name;
    }

    @Override
    protected void doStop() throws Exception {
        for (int attempt = 1;; attempt++) {
            try {
                // the first call also tells the poller to stop; a later one only closes the clients
                super.doStop();
                return;
            } catch (ConcurrentModificationException polling) {
                if (attempt == STOP_ATTEMPTS) {
                    LOG.warnf("kafka: the poller of %s did not stop; its clients are left to the JVM's exit", getTopic());
                    return;
                }
                Thread.sleep(POLL_MS);
            }
        }
    }
}

package io.feedbackhub.core.state;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.camel.spi.StateRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

import io.feedbackhub.core.kafka.HubTopics;
import io.feedbackhub.core.kafka.KafkaReaders;

/**
 * Camel's state repository API on a compacted Kafka topic, so that every replica reads what any
 * of them wrote. A write returns once the broker has it ({@code acks=all}); a read first catches
 * up with the topic's end, so it sees every write acknowledged before the read began: a replica
 * that takes over another's partition sees the marks the other made before it died.
 * {@code setState(key, null)} writes a tombstone. Values the {@code keep} test refuses (expired
 * ones) are dropped as they are read, and the topic is created with the same retention (or, with
 * none, compacted only: every key's last value kept for good).
 *
 * <p>Written here because Camel's {@code KafkaIdempotentRepository} keeps keys without values,
 * answers from a cache its background consumer fills (another replica's latest mark may not be in
 * it yet) and forgets keys beyond its cache size. The clients take the Camel Kafka component's
 * settings (TLS, SASL), so they reach the cluster as the routes do. Nothing connects before the
 * first read or write.
 */
public class KafkaStateRepository extends ServiceSupport implements StateRepository<String, String>, StateEntries {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final Properties producerConfig;
    private final Properties consumerConfig;
    /** Empty: the broker's default. */
    private final Optional<Short> replicationFactor;
    /** Empty: kept for good (compaction only). */
    private final Optional<Duration> retention;
    private final Predicate<String> keep;
    private final Map<String, String> state = new HashMap<>();
    private KafkaProducer<String, String> producer;
    private KafkaConsumer<String, String> consumer;
    private List<TopicPartition> partitions;

    public KafkaStateRepository(String topic, Properties producerConfig, Properties consumerConfig, Optional<Short> replicationFactor,
            Optional<Duration> retention, Predicate<String> keep) {
        this.topic = topic;
        this.replicationFactor = replicationFactor;
        this.producerConfig = producerConfig;
        this.consumerConfig = consumerConfig;
        this.retention = retention;
        this.keep = keep;
    }

    /** A repository whose clients are configured as the Camel Kafka component's, on these brokers. */
    public static KafkaStateRepository of(CamelContext camel, String brokers, String topic, Optional<Short> replicationFactor,
            Optional<Duration> retention, Predicate<String> keep) {
        KafkaConfiguration config = camel.getComponent("kafka", KafkaComponent.class).getConfiguration();
        Properties producer = config.createProducerProperties();
        // the component's properties leave the brokers out (its endpoints add them)
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        producer.put(ProducerConfig.ACKS_CONFIG, "all");
        producer.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        Properties consumer = KafkaReaders.properties(camel, brokers);
        return new KafkaStateRepository(topic, producer, consumer, replicationFactor, retention, keep);
    }

    @Override
    public synchronized String getState(String key) {
        open();
        catchUp();
        return state.get(key);
    }

    /** Every entry, read up to the topic's end. */
    @Override
    public synchronized Map<String, String> entries() {
        open();
        catchUp();
        return Map.copyOf(state);
    }

    @Override
    public void setState(String key, String value) {
        synchronized (this) {
            open();
        }
        try {
            producer.send(new ProducerRecord<>(topic, key, value)).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing to the Kafka topic " + topic, e);
        } catch (Exception e) {
            throw new IllegalStateException("could not write to the Kafka topic " + topic + ": " + e.getMessage(), e);
        }
        synchronized (this) {
            apply(key, value);
        }
    }

    private void open() {
        if (consumer != null) {
            return;
        }
        createTopic();
        producer = new KafkaProducer<>(producerConfig);
        KafkaConsumer<String, String> reader = new KafkaConsumer<>(consumerConfig);
        partitions = reader.partitionsFor(topic, TIMEOUT).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        reader.assign(partitions);
        reader.seekToBeginning(partitions);
        consumer = reader;
    }

    /**
     * Creates the topic now rather than at the first read or write: compacted, and what is older
     * than the retention deleted too; an existing topic is left as it is.
     */
    public void createTopic() {
        HubTopics.create(consumerConfig, topic, 1, replicationFactor, retention
                .map(kept -> Map.of("cleanup.policy", "compact,delete", "retention.ms", String.valueOf(kept.toMillis())))
                .orElse(Map.of("cleanup.policy", "compact")));
    }

    /** Reads up to the end the topic has now. */
    private void catchUp() {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), TIMEOUT) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read the Kafka topic " + topic + " to its end within " + TIMEOUT);
            }
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                apply(record.key(), record.value());
            }
        }
    }

    private void apply(String key, String value) {
        if (value == null || !keep.test(value)) {
            state.remove(key);
        } else {
            state.put(key, value);
        }
    }

    @Override
    protected synchronized void doStop() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
            producer.close(Duration.ofSeconds(5));
            consumer = null;
            producer = null;
        }
    }
}

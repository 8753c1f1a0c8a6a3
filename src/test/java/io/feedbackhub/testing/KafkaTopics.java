package io.feedbackhub.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;

import org.apache.camel.CamelContext;
import org.apache.camel.processor.idempotent.kafka.KafkaIdempotentRepository;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

/** Reads what the hub wrote to the test broker. */
public final class KafkaTopics {

    private KafkaTopics() {
    }

    static String brokers() {
        return ConfigProvider.getConfig().getValue("hub.kafka.brokers", String.class);
    }

    /** Every record of a topic from the start, key to value, waiting until there are {@code expected}. */
    public static Map<String, String> readAll(String topic, int expected) {
        Map<String, String> records = new LinkedHashMap<>();
        int seen = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(readFromStart())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    records.put(record.key(), record.value());
                    seen++;
                }
            }
        }
        assertThat(seen).as("records on " + topic).isEqualTo(expected);
        return records;
    }

    /** Every value of a topic from the start, read until {@code enough} holds for them (at most 30 s). */
    public static List<String> readValuesUntil(String topic, Predicate<List<String>> enough) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(readFromStart())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!enough.test(values) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        assertThat(enough.test(values)).as("the records on " + topic + " within 30 s: " + values).isTrue();
        return values;
    }

    /** The offset a consumer group has committed on partition 0 of a topic, or -1. */
    public static long committed(String group, String topic) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers());
        try (Admin admin = Admin.create(props)) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .get(new TopicPartition(topic, 0));
            return offset == null ? -1 : offset.offset();
        }
    }

    /** Whether a consumer group has committed every partition of a topic to its end (nothing it has not taken). */
    public static boolean groupAtEnd(String group, String topic) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers());
        try (Admin admin = Admin.create(props)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new LinkedHashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), org.apache.kafka.clients.admin.OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get();
            return ends.entrySet().stream().allMatch(end -> end.getValue().offset() == 0
                    || committed.get(end.getKey()) != null && committed.get(end.getKey()).offset() == end.getValue().offset());
        }
    }

    /** The end offset of partition 0 of a topic (how many records it has ever taken), 0 for a topic not there. */
    public static long endOffset(String topic) throws Exception {
        return endOffset(brokers(), topic);
    }

    /** {@link #endOffset(String)} on these brokers. */
    public static long endOffset(String brokers, String topic) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        try (Admin admin = Admin.create(props)) {
            if (!admin.listTopics().names().get().contains(topic)) {
                return 0;
            }
            TopicPartition partition = new TopicPartition(topic, 0);
            return admin.listOffsets(Map.of(partition, org.apache.kafka.clients.admin.OffsetSpec.latest())).partitionResult(partition)
                    .get().offset();
        }
    }

    /** A topic's settings as the broker has them (defaults included), or an empty map for a topic not there. */
    public static Map<String, String> topicSettings(String brokers, String topic) throws Exception {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        try (Admin admin = Admin.create(props)) {
            if (!admin.listTopics().names().get().contains(topic)) {
                return Map.of();
            }
            var resource = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
            Map<String, String> settings = new LinkedHashMap<>();
            admin.describeConfigs(List.of(resource)).all().get().get(resource).entries()
                    .forEach(entry -> settings.put(entry.name(), entry.value()));
            return settings;
        }
    }

    /** The header names of the first record of a topic (partition 0). */
    public static List<String> headerNames(String topic) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(readFromStart())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    List<String> names = new java.util.ArrayList<>();
                    record.headers().forEach(header -> names.add(header.key()));
                    return names;
                }
            }
        }
        throw new AssertionError("no record on " + topic);
    }

    /** Every record of a topic, in order, as a {@code read_committed} consumer sees it to the end the topic has now. */
    public static List<Map.Entry<String, String>> committedRecords(String brokers, String topic) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<Map.Entry<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                assertThat(System.nanoTime()).as("read " + topic + " to its end within 30 s").isLessThan(deadline);
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    records.add(new java.util.AbstractMap.SimpleEntry<>(record.key(), record.value()));
                }
            }
        }
        return records;
    }

    /** Whether a new Camel Kafka idempotent repository on the topic (what another member reads at its start) knows the id. */
    public static boolean idKnown(CamelContext camel, String topic, String id) {
        KafkaIdempotentRepository another = new KafkaIdempotentRepository(topic, brokers());
        // it reads the topic once, at its start, with no poller left running
        another.setStartupOnly(true);
        another.setCamelContext(camel);
        another.start();
        try {
            return another.contains(id);
        } finally {
            another.stop();
        }
    }

    /** A consumer of its own group, from the earliest offset, keys and values as text. */
    private static Properties readFromStart() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return props;
    }
}

package io.feedbackhub.core.kafka;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * A consumer group's lag over a topic, as the broker has it: for each partition, its end offset
 * less the group's committed offset (or, where the group committed none, less the partition's
 * start, since a journal reader begins at the earliest entry). What Kafka's own
 * {@code kafka-consumer-groups.sh --describe} shows as LAG, summed.
 */
public final class KafkaJournalLag implements AutoCloseable {

    private static final long TIMEOUT_SECONDS = 5;

    private final Properties properties = new Properties();
    private final String topic;
    private final String group;
    private Admin admin;

    /** {@code client}: the Kafka component's client settings (brokers, TLS, SASL), as {@link KafkaReaders#properties} gives them. */
    public KafkaJournalLag(Properties client, String topic, String group) {
        // only what an admin client knows, or it logs a warning for each of the rest
        client.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(String.valueOf(key))) {
                properties.put(key, value);
            }
        });
        this.topic = topic;
        this.group = group;
    }

    /** Entries of the topic the group has not committed; 0 while the topic does not exist. */
    public synchronized long lag() {
        try {
            if (admin == null) {
                admin = Admin.create(properties);
            }
            var described = admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic);
            List<TopicPartition> partitions = described.partitions().stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            Map<TopicPartition, Long> ends = offsets(partitions, OffsetSpec.latest());
            Map<TopicPartition, Long> starts = offsets(partitions, OffsetSpec.earliest());
            long lag = 0;
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata at = committed.get(partition);
                long from = at == null ? starts.get(partition) : Math.max(at.offset(), starts.get(partition));
                lag += Math.max(0, ends.get(partition) - from);
            }
            return lag;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException) {
                return 0; // nothing journalled yet
            }
            throw new IllegalStateException("cannot read the lag of " + group + " on " + topic + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("the broker did not answer within " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, OffsetSpec spec)
            throws InterruptedException, ExecutionException, TimeoutException {
        return admin.listOffsets(partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec))).all()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
            admin = null;
        }
    }
}

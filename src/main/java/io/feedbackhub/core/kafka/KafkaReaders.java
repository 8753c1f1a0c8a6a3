package io.feedbackhub.core.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Consumers that read a topic themselves (no group, nothing committed), as the routes reach Kafka. */
public final class KafkaReaders {

    private KafkaReaders() {
    }

    /**
     * The Camel Kafka component's consumer settings (TLS, SASL) on these brokers, for a consumer that
     * assigns itself partitions and reads only what transactions committed.
     */
    public static Properties properties(CamelContext camel, String brokers) {
        Properties consumer = camel.getComponent("kafka", KafkaComponent.class).getConfiguration().createConsumerProperties();
        // the component's properties leave the brokers out (its endpoints add them)
        consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        consumer.remove(ConsumerConfig.GROUP_ID_CONFIG);
        consumer.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return consumer;
    }

    /** Hands every committed record of the topic, from its start to the end it has now, to {@code each}. */
    public static void readAll(Properties properties, String topic, Duration limit, Consumer<ConsumerRecord<String, String>> each) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, limit).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, limit);
            long deadline = System.nanoTime() + limit.toNanos();
            while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey(), limit) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the Kafka topic " + topic + " to its end within " + limit);
                }
                consumer.poll(Duration.ofMillis(200)).forEach(each);
            }
        }
    }
}

package io.feedbackhub.core.kafka;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.jboss.logging.Logger;

/**
 * Creates the topics the hub keeps its own state in, with the settings they need, as Kafka Connect
 * creates its internal topics: an existing topic is left as it is, but given more partitions if it
 * has fewer than asked.
 */
public final class HubTopics {

    private static final Logger LOG = Logger.getLogger(HubTopics.class);
    private static final long TIMEOUT_SECONDS = 30;

    private HubTopics() {
    }

    /** The admin-client subset of a client's settings (brokers, TLS, SASL). */
    public static Properties adminProperties(Properties clients) {
        Properties admin = new Properties();
        clients.forEach((name, value) -> {
            if (AdminClientConfig.configNames().contains((String) name)) {
                admin.put(name, value);
            }
        });
        return admin;
    }

    public static void create(Admin admin, String topic, int partitions, Optional<Short> replicationFactor, Map<String, String> configs) {
        try {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(partitions), replicationFactor).configs(configs))).all()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            LOG.infof("kafka: created topic %s (%d partitions, %s)", topic, partitions, configs);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("kafka: could not create the topic " + topic + ": " + e.getCause().getMessage(), e);
            }
            morePartitions(admin, topic, partitions);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("kafka: interrupted while creating the topic " + topic, e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("kafka: no answer within " + TIMEOUT_SECONDS + " s when creating the topic " + topic, e);
        }
    }

    /** {@link #create(Admin, String, int, Optional, Map)} with an admin client of its own. */
    public static void create(Properties clients, String topic, int partitions, Optional<Short> replicationFactor,
            Map<String, String> configs) {
        try (Admin admin = Admin.create(adminProperties(clients))) {
            create(admin, topic, partitions, replicationFactor, configs);
        }
    }

    private static void morePartitions(Admin admin, String topic, int partitions) {
        try {
            int existing = admin.describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic)
                    .partitions().size();
            if (existing < partitions) {
                admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(partitions))).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                LOG.infof("kafka: topic %s now has %d partitions (had %d)", topic, partitions, existing);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("kafka: interrupted while describing the topic " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("kafka: could not describe the topic " + topic + ": " + e.getMessage(), e);
        }
    }
}

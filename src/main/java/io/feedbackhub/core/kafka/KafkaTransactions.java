package io.feedbackhub.core.kafka;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import io.feedbackhub.core.cluster.HubCluster;
import io.feedbackhub.core.config.HubConfig;

/**
 * In a cluster, what a connector's run writes to Kafka (catalog records, bookmarks) goes through
 * one transactional producer per connector, {@code transactional.id = <hub.cluster.name>.<connector>},
 * as Kafka Connect's exactly-once source connectors write records and offsets: a page's records
 * and the bookmark after them commit together, so a consumer reading {@code read_committed} sees a
 * killed run's records up to its last bookmark and the next leader's from there, each once. The
 * member that takes a connector over opens the same transactional id, which fences the one before:
 * a deposed leader that has not noticed yet can no longer commit.
 *
 * <p>The Kafka client directly, not Camel's Kafka producer: that one begins and commits a
 * transaction per exchange, and a page's records and its bookmark are written by different steps.
 */
@ApplicationScoped
public class KafkaTransactions {

    private static final Logger LOG = Logger.getLogger(KafkaTransactions.class);
    /** The broker's default transaction.max.timeout.ms: a full run's table goes out in one transaction. */
    private static final int TRANSACTION_TIMEOUT_MS = 900_000;

    @Inject
    HubConfig config;

    @Inject
    CamelContext camel;

    @Inject
    HubCluster cluster;

    private final Map<String, Open> producers = new ConcurrentHashMap<>();
    /** One lock a connector: a commit (a broker round trip) holds up only its own connector's sends. */
    private final Map<String, Object> locks = new ConcurrentHashMap<>();

    /** A connector's producer, and whether a transaction is open on it. */
    private static final class Open {
        final KafkaProducer<String, String> producer;
        final AtomicReference<Exception> failed = new AtomicReference<>();
        boolean inTransaction;

        Open(KafkaProducer<String, String> producer) {
            this.producer = producer;
        }
    }

    /** Whether runs write transactionally: in a cluster (which needs the Kafka sink). */
    public boolean enabled() {
        return config.cluster().enabled();
    }

    /** Adds a record (a null value: a tombstone) to the connector's transaction, opening one if none is. */
    public void send(String connector, String topic, String key, String value) {
        synchronized (lock(connector)) {
            sendLocked(connector, topic, key, value);
        }
    }

    private void sendLocked(String connector, String topic, String key, String value) {
        Open open = open(connector);
        try {
            if (!open.inTransaction) {
                open.producer.beginTransaction();
                open.inTransaction = true;
                open.failed.set(null);
            }
            open.producer.send(new ProducerRecord<>(topic, key, value), (metadata, e) -> {
                if (e != null) {
                    open.failed.compareAndSet(null, e);
                }
            });
        } catch (KafkaException e) {
            throw failed(connector, open, e);
        }
    }

    /** Commits the connector's open transaction, if it has one; returns once the broker has it. */
    public void commit(String connector) {
        synchronized (lock(connector)) {
            commitLocked(connector);
        }
    }

    private void commitLocked(String connector) {
        Open open = producers.get(connector);
        if (open == null || !open.inTransaction) {
            return;
        }
        try {
            open.producer.commitTransaction();
            open.inTransaction = false;
        } catch (KafkaException e) {
            throw failed(connector, open, e);
        }
        if (open.failed.get() != null) {
            // a send failed but the commit did not notice: never the case in the client, checked all the same
            throw failed(connector, open, new KafkaException(open.failed.get()));
        }
    }

    /** Drops what the connector's open transaction holds (a failed run). */
    public void abort(String connector) {
        synchronized (lock(connector)) {
            Open open = producers.get(connector);
            if (open == null || !open.inTransaction) {
                return;
            }
            try {
                open.producer.abortTransaction();
                open.inTransaction = false;
            } catch (KafkaException e) {
                close(connector);
                LOG.warnf("kafka: could not abort the transaction of %s (%s); the producer is closed", connector, e.getMessage());
            }
        }
    }

    /** Closes the connector's producer (its open transaction is aborted by the broker): another member leads it now. */
    public void close(String connector) {
        synchronized (lock(connector)) {
            Open open = producers.remove(connector);
            if (open != null) {
                open.producer.close(Duration.ofSeconds(5));
            }
        }
    }

    private Object lock(String connector) {
        return locks.computeIfAbsent(connector, name -> new Object());
    }

    private Open open(String connector) {
        Open open = producers.get(connector);
        if (open == null) {
            if (!cluster.leads(connector)) {
                // opening the transactional id would fence the member that leads it now
                throw new IllegalStateException("kafka: this member no longer leads " + connector + " and may not write for it");
            }
            Properties props = camel.getComponent("kafka", KafkaComponent.class).getConfiguration().createProducerProperties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().brokers().orElseThrow());
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, config.cluster().name() + "." + connector);
            props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, TRANSACTION_TIMEOUT_MS);
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
            KafkaProducer<String, String> producer = new KafkaProducer<>(props);
            try {
                // fences the producer of the member that led the connector before, and aborts what it left open
                producer.initTransactions();
            } catch (KafkaException e) {
                producer.close(Duration.ZERO);
                throw new IllegalStateException("kafka: cannot open the transactions of " + connector + ": " + e.getMessage(), e);
            }
            open = new Open(producer);
            producers.put(connector, open);
        }
        return open;
    }

    private IllegalStateException failed(String connector, Open open, KafkaException e) {
        if (e instanceof ProducerFencedException || e instanceof InvalidProducerEpochException) {
            close(connector);
            return new IllegalStateException("kafka: another member took " + connector + " over; this one may no longer write", e);
        }
        try {
            if (open.inTransaction) {
                open.producer.abortTransaction();
            }
            open.inTransaction = false;
        } catch (KafkaException abortFailed) {
            close(connector);
        }
        return new IllegalStateException("kafka: the transaction of " + connector + " failed: " + e.getMessage(), e);
    }

    @PreDestroy
    void stop() {
        for (String connector : Map.copyOf(producers).keySet()) {
            close(connector);
        }
    }
}

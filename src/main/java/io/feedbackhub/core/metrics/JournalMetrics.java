package io.feedbackhub.core.metrics;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.jboss.logging.Logger;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.kafka.KafkaJournalLag;
import io.feedbackhub.core.kafka.KafkaReaders;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Gauges of a journal's backlog, read when Prometheus scrapes (at most once a second each):
 * {@code hub_journal_entries{journal}}, the entries not yet delivered, and, for a file journal,
 * {@code hub_journal_oldest_entry_age_seconds{journal}}. On Kafka the entries are the consumer
 * group's lag over the topic's partitions, as the broker has it, so every member shows the whole
 * journal's backlog, whichever member delivers it.
 */
@ApplicationScoped
public class JournalMetrics {

    private static final Logger LOG = Logger.getLogger(JournalMetrics.class);
    private static final long FRESH_NANOS = Duration.ofSeconds(1).toNanos();

    @Inject
    MeterRegistry registry;

    @Inject
    CamelContext camel;

    @Inject
    HubConfig hub;

    private final List<KafkaJournalLag> lags = new CopyOnWriteArrayList<>();
    /** Removed at stop: a registry that outlives the application would keep serving these gauges' old journals. */
    private final List<Meter> gauges = new CopyOnWriteArrayList<>();

    /** A journal of files: {@code backlog} is read at most once a second. */
    public void file(String journal, Supplier<JournalBacklog> backlog) {
        Cached cached = new Cached(journal, backlog);
        gauges.add(Gauge.builder("hub.journal.entries", cached, c -> c.get().entries()).strongReference(true).tag("journal", journal)
                .description("Entries in the journal not yet delivered").register(registry));
        gauges.add(Gauge.builder("hub.journal.oldest.entry.age", cached, c -> {
            Instant oldest = c.get().oldest();
            return oldest == null ? 0 : Math.max(0, Duration.between(oldest, Instant.now()).toMillis() / 1000.0);
        }).strongReference(true).tag("journal", journal).baseUnit("seconds")
                .description("How long the oldest undelivered entry of the journal has waited (0 when it is empty)").register(registry));
    }

    /** A journal on a Kafka topic, read by the consumer group {@code group}. */
    public void kafka(String journal, String topic, String group) {
        KafkaJournalLag lag = new KafkaJournalLag(KafkaReaders.properties(camel, hub.kafka().brokers().orElseThrow()), topic, group);
        lags.add(lag);
        Cached cached = new Cached(journal, () -> new JournalBacklog(lag.lag(), null));
        gauges.add(Gauge.builder("hub.journal.entries", cached, c -> c.get().entries()).strongReference(true).tag("journal", journal)
                .description("Entries in the journal not yet delivered (on Kafka: the consumer group's lag)").register(registry));
    }

    @PreDestroy
    void close() {
        gauges.forEach(registry::remove);
        lags.forEach(KafkaJournalLag::close);
    }

    private static final class Cached {
        private final String journal;
        private final Supplier<JournalBacklog> source;
        private JournalBacklog last = JournalBacklog.EMPTY;
        private long readAt;
        private boolean read;

        Cached(String journal, Supplier<JournalBacklog> source) {
            this.journal = journal;
            this.source = source;
        }

        synchronized JournalBacklog get() {
            if (!read || System.nanoTime() - readAt > FRESH_NANOS) {
                try {
                    last = source.get();
                } catch (RuntimeException e) {
                    // a scrape shows the last figure rather than fail
                    LOG.debugf("cannot read the backlog of the %s journal: %s", journal, e.getMessage());
                }
                read = true;
                readAt = System.nanoTime();
            }
            return last;
        }
    }
}

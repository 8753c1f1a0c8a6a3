package io.feedbackhub.segment;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.AsyncCallback;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.apache.camel.support.AsyncProcessorSupport;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.kafka.HubTopics;
import io.feedbackhub.core.kafka.KafkaReaders;
import io.feedbackhub.core.kafka.KafkaJournal;
import io.feedbackhub.core.metrics.JournalMetrics;

/**
 * The relay's journal: {@code direct:segment-journal} writes an accepted request durably before
 * the 200, and the journal reader hands each entry to {@code direct:segment-deliver}.
 * <ul>
 * <li>Embedded ({@code hub.catalog.sink=file}): files of one entry a line under
 * {@code ${hub.data-dir}/journal/segment}, written by {@link SegmentFileJournal}; Camel's file
 * consumer is the queue, and a file moves to {@code done/} only once delivered.</li>
 * <li>Kafka: the topic {@code hub.segment.journal-topic}, a record per user
 * ({@link SegmentEntriesByUser}), a {@link KafkaJournal} read by the consumer group
 * {@code hub.segment.journal-group}; an entry that fails is read again after a pause that grows
 * ({@link SegmentRetries}).</li>
 * </ul>
 */
@ApplicationScoped
public class SegmentJournalRoutes extends RouteBuilder {

    static final String WRITE = "direct:segment-journal";
    static final String DELIVER = "direct:segment-deliver";

    @Inject
    HubConfig hub;

    @Inject
    SegmentFileJournal journal;

    @Inject
    SegmentConfig config;

    @Inject
    JournalMetrics metrics;

    @Inject
    @Named(SegmentRetries.POLICY)
    RedeliveryPolicy retries;

    @Override
    public void configure() {
        if (hub.catalog().sink() == HubConfig.CatalogSink.KAFKA) {
            // entries are bytes end to end: no charset conversion on the way
            if (hub.cluster().enabled()) {
                // the members share the topic's partitions out: as many as may ever deliver at once
                HubTopics.create(KafkaReaders.properties(getCamelContext(), hub.kafka().brokers().orElseThrow()), config.journalTopic(),
                        config.journalPartitions(), hub.kafka().replicationFactor(), Map.of());
            }
            // one record per user (a list body: one record a message, sent and acknowledged together)
            from(WRITE).routeId("segment-journal").routeGroup("segment")
                    .setBody(method(SegmentEntriesByUser.class, "split"))
                    .to(KafkaJournal.writer(config.journalTopic())
                            + "&valueSerializer=org.apache.kafka.common.serialization.ByteArraySerializer");
            // one entry a poll: its delivery (up to a batch of messages, paced by Wootric's rate
            // limit, with the Wootric client's own retries) must end within max.poll.interval.ms
            if (config.enabled()) {
                metrics.kafka("segment", config.journalTopic(), config.journalGroup());
            }
            KafkaJournal.read(this, KafkaJournal.reader(config.journalTopic(), config.journalGroup(), config.journalMaxPollInterval(), hub)
                    + "&valueDeserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer",
                    "segment-journal-read", "segment", retries, DELIVER);
        } else {
            if (config.enabled()) {
                metrics.file("segment", journal::backlog);
            }
            // asynchronous: intake sends from the event loop, and the exchange completes on the
            // writer's thread once its group is on disk
            from(WRITE).routeId("segment-journal").routeGroup("segment")
                    .process(new AsyncProcessorSupport() {
                        @Override
                        public boolean process(Exchange exchange, AsyncCallback callback) {
                            journal.append(exchange.getMessage().getBody(byte[].class)).whenComplete((written, failure) -> {
                                if (failure != null) {
                                    exchange.setException(failure);
                                }
                                callback.done(false);
                            });
                            return false;
                        }
                    });
            // a journal file holds one entry a line; the hidden file the writer appends to is never
            // read (Camel's file consumer skips dot-files) until it is renamed, and a file moves to done/ only once all
            // of its entries went through (a retried file's delivered messages are dropped by messageId)
            from("file:" + SegmentFileJournal.directory(hub) + "?include=.*\\.jsonl&sortBy=file:name&delay=100&charset=UTF-8"
                    + "&move=done/${file:name}")
                    .routeId("segment-journal-read").routeGroup("segment")
                    .split(body().tokenize("\n")).stopOnException()
                        .to(DELIVER)
                    .end();
            // delivered files go once older than the retention (the body is never read)
            long retention = config.journalRetention().toMillis();
            from("file:" + SegmentFileJournal.directory(hub).resolve("done") + "?include=.*\\.jsonl&filter=#segmentJournalExpired"
                    + "&delete=true&delay=" + Math.max(1000, Math.min(retention / 10, 3_600_000)))
                    .routeId("segment-journal-retention").routeGroup("segment")
                    .log(LoggingLevel.DEBUG, "segment: deleted ${file:name}, a delivered journal file past hub.segment.journal-retention");
        }
    }
}

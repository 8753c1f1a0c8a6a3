package io.feedbackhub.core.kafka;

import java.time.Duration;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.apache.kafka.common.TopicPartition;

import io.feedbackhub.core.config.HubConfig;

/**
 * A Kafka topic as a journal between an intake and its delivery: an entry is written with
 * {@code acks=all} by an idempotent producer, so once the send returns it is on every in-sync
 * replica, once; a consumer group reads it, one entry a poll, and commits an entry's offset only
 * after its delivery went through. An entry that fails is read again after a pause
 * ({@link PausingBackoff}), during which the consumer keeps polling, so it keeps its place in the
 * group however long the outage lasts; a member that dies leaves its uncommitted entries to the
 * member that takes its partitions.
 */
public final class KafkaJournal {

    /** Where the entry being delivered is, kept aside: the delivery's steps may drop every header. */
    private static final String PLACE = "hubJournalPlace";

    /** An entry's partition, offset and the handle that commits it. */
    record Place(TopicPartition partition, long offset, DefaultKafkaManualCommit commit) {

        static Place of(Message message) {
            return new Place(new TopicPartition(message.getHeader(KafkaConstants.TOPIC, String.class),
                    message.getHeader(KafkaConstants.PARTITION, Integer.class)), message.getHeader(KafkaConstants.OFFSET, Long.class),
                    message.getHeader(KafkaConstants.MANUAL_COMMIT, DefaultKafkaManualCommit.class));
        }

        static Place of(Exchange exchange) {
            return exchange.getProperty(PLACE, Place.class);
        }
    }

    private KafkaJournal() {
    }

    /** The endpoint that writes an entry (the record key from {@link KafkaConstants#KEY}, if set); options may follow with {@code &}. */
    public static String writer(String topic) {
        return endpoint(topic) + "&requestRequiredAcks=all&enableIdempotence=true";
    }

    /**
     * The endpoint that reads entries as the consumer group {@code group}, from the earliest entry
     * it has not committed; options may follow with {@code &}. {@code maxPollInterval}: the longest
     * the delivery of one entry may take before the group counts the consumer as gone (and gives
     * its partitions, the entry included, to another member). In a cluster the partitions of a
     * member that died move to the survivors as soon as its leaderships do
     * ({@code hub.cluster.session-timeout}), not after Kafka's default 45 s.
     */
    public static String reader(String topic, String group, Duration maxPollInterval, HubConfig hub) {
        String reader = endpoint(topic) + "&groupId=" + group + "&autoOffsetReset=earliest&autoCommitEnable=false"
                + "&allowManualCommit=true&breakOnFirstError=true"
                // one entry a poll: its delivery must end within max.poll.interval.ms
                + "&maxPollRecords=1&maxPollIntervalMs=" + maxPollInterval.toMillis()
                // a paused consumer takes a resume when its poll returns: short polls keep the pauses true
                + "&pollTimeoutMs=1000";
        if (hub.cluster().enabled()) {
            long session = hub.cluster().sessionTimeout().toMillis();
            reader += "&sessionTimeoutMs=" + session + "&heartbeatIntervalMs=" + session / 3;
        }
        return reader;
    }

    /**
     * The route {@code routeId} that reads {@code reader} (from {@link #reader}) into
     * {@code deliver}, committing each entry once {@code deliver} returns; an entry it fails is read
     * again after the next delay of {@code delays} (its number of redeliveries aside: there is no end).
     */
    public static void read(RouteBuilder routes, String reader, String routeId, String routeGroup, RedeliveryPolicy delays,
            String deliver) {
        PausingBackoff backoff = new PausingBackoff(routes.getCamelContext(), delays, routeId + "-backoff");
        routes.from(reader).routeId(routeId).routeGroup(routeGroup)
                .process(exchange -> exchange.setProperty(PLACE, Place.of(exchange.getMessage())))
                // a try, not an onException: a failure the delivery route's error handler gave
                // up on counts as exhausted, and no onException of this route would see it
                .doTry()
                    .to(deliver)
                    .process(exchange -> Place.of(exchange).commit().commit())
                    .process(backoff::succeeded)
                .doCatch(Exception.class)
                    .process(backoff::failed)
                .end();
    }

    private static String endpoint(String topic) {
        return "kafka:" + topic + "?brokers={{hub.kafka.brokers}}";
    }
}

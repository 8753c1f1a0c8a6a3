package io.feedbackhub.segment;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The {@code segment} relay's keys. */
@ConfigMapping(prefix = "hub.segment")
public interface SegmentConfig {

    @WithDefault("false")
    boolean enabled();

    /** Write keys a client may use (HTTP Basic username, or the body's writeKey); required when enabled. */
    Optional<List<String>> writeKeys();

    /** Segment's limit for one message (and one non-batch call). */
    @WithDefault("32768")
    int maxMessageBytes();

    /** With the Kafka sink: the topic that journals accepted requests. */
    @WithDefault("hub.segment-journal")
    String journalTopic();

    /** With the Kafka sink: the consumer group that delivers from the journal topic. */
    @WithDefault("feedback-hub-segment")
    String journalGroup();

    /**
     * How many of the latest delivered messageIds are remembered to drop a resent message (Segment's
     * clients resend within minutes; about 150 bytes of heap an id).
     */
    @WithDefault("100000")
    int dedupeWindow();

    /**
     * How long delivered journal files are kept in {@code journal/segment/done/} (they hold personal
     * data; kept a while so an operator can replay or audit). With Kafka, the topic's own retention.
     */
    @WithDefault("P7D")
    Duration journalRetention();

    /** Segment's limit for one batch call. */
    @WithDefault("512000")
    int maxBatchBytes();

    /**
     * With the Kafka sink: the journal consumer's {@code max.poll.interval.ms}, the longest one
     * journal entry may take to deliver before the group counts the consumer as gone.
     */
    @WithDefault("15m")
    Duration journalMaxPollInterval();
}

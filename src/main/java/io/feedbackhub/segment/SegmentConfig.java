package io.feedbackhub.segment;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
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

    /**
     * In a cluster: the journal topic's partitions, created at start (or added to), so that this
     * many members can deliver at once, each user's events in one of them.
     */
    @WithDefault("6")
    int journalPartitions();

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
     * Bodies the relay receives (and holds until it has answered) at once, counted by their
     * Content-Length (a chunked body by its endpoint's limit); a request past it is a 429.
     */
    @WithDefault("16M")
    MemorySize maxInFlightBytes();

    /** How long a request body may take to arrive; a slower one is a 408. */
    @WithDefault("10s")
    Duration bodyTimeout();

    /** Heap the cache of Wootric end users (ids and properties) may take, estimated. */
    @WithDefault("64M")
    MemorySize userCacheMaxBytes();

    /** How long a user Wootric does not know is remembered as such (no look-up for its page views); 0 for not at all. */
    @WithDefault("10m")
    Duration unknownUserTtl();

    /** Undelivered bytes the file journal may hold; past it intake answers 503 until delivery has drained it. */
    @WithDefault("1G")
    MemorySize journalMaxBytes();

    /**
     * With the Kafka sink: the journal consumer's {@code max.poll.interval.ms}, the longest one
     * journal entry may take to deliver before the group counts the consumer as gone.
     */
    @WithDefault("15m")
    Duration journalMaxPollInterval();
}

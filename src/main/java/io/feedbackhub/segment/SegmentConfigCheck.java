package io.feedbackhub.segment;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.feedbackhub.client.wootric.WootricConnection;
import io.feedbackhub.core.config.ConfigProblems;
import io.feedbackhub.core.config.ConnectorConfigCheck;
import io.quarkus.runtime.configuration.MemorySize;

/** What the segment relay needs before it may start. */
@ApplicationScoped
public class SegmentConfigCheck implements ConnectorConfigCheck {

    @Inject
    SegmentConfig config;

    @Inject
    WootricConnection wootric;

    /** Quarkus refuses a longer Content-Length on the public port before the relay sees it. */
    @ConfigProperty(name = "quarkus.http.limits.max-body-size")
    MemorySize maxBodySize;

    @Override
    public String connector() {
        return "segment";
    }

    @Override
    public void check(ConfigProblems problems) {
        if (config.writeKeys().map(keys -> keys.stream().allMatch(String::isBlank)).orElse(true)) {
            problems.add("hub.segment.write-keys", "is required when hub.segment.enabled=true (the write keys clients send)");
        }
        boolean password = wootric.username().isPresent() && wootric.password().isPresent();
        boolean client = wootric.clientId().isPresent() && wootric.clientSecret().isPresent();
        if (!password && !client) {
            problems.add("hub.wootric.username", "and hub.wootric.password (or hub.wootric.client-id and client-secret) are required"
                    + " when hub.segment.enabled=true: the relay writes to Wootric");
        }
        if (config.journalRetention().isNegative() || config.journalRetention().isZero()) {
            problems.add("hub.segment.journal-retention", "must be a positive duration (ISO-8601, e.g. P7D)");
        }
        if (config.journalPartitions() < 1) {
            problems.add("hub.segment.journal-partitions", "must be at least 1");
        }
        if (config.dedupeWindow() < 1) {
            problems.add("hub.segment.dedupe-window", "must be at least 1");
        }
        if (config.journalMaxPollInterval().compareTo(Duration.ofSeconds(5)) < 0) {
            // a paused journal consumer polls every second
            problems.add("hub.segment.journal-max-poll-interval", "must be at least 5s");
        }
        if (config.maxMessageBytes() < 1 || config.maxBatchBytes() < config.maxMessageBytes()) {
            problems.add("hub.segment.max-batch-bytes", "must be at least hub.segment.max-message-bytes");
        }
        if (config.maxBatchBytes() > maxBodySize.asLongValue()) {
            problems.add("hub.segment.max-batch-bytes", "is " + config.maxBatchBytes() + " bytes, more than quarkus.http.limits.max-body-size ("
                    + maxBodySize.asLongValue() + "), which refuses such a batch first: raise that too");
        }
        if (config.maxInFlightBytes().asLongValue() < config.maxBatchBytes()) {
            problems.add("hub.segment.max-in-flight-bytes", "must be at least hub.segment.max-batch-bytes ("
                    + config.maxBatchBytes() + "), or a full batch could never be taken");
        }
        if (config.bodyTimeout().isNegative() || config.bodyTimeout().isZero()) {
            problems.add("hub.segment.body-timeout", "must be a positive duration (e.g. 10s)");
        }
        if (config.unknownUserTtl().isNegative()) {
            problems.add("hub.segment.unknown-user-ttl", "must not be negative (0 remembers no unknown user)");
        }
        if (config.journalMaxBytes().asLongValue() < 1) {
            problems.add("hub.segment.journal-max-bytes", "must be positive (e.g. 1G)");
        }
    }
}

package io.feedbackhub.segment;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.feedbackhub.client.wootric.WootricConnection;
import io.feedbackhub.core.config.ConfigProblems;
import io.feedbackhub.core.config.ConnectorConfigCheck;

/** What the segment relay needs before it may start. */
@ApplicationScoped
public class SegmentConfigCheck implements ConnectorConfigCheck {

    @Inject
    SegmentConfig config;

    @Inject
    WootricConnection wootric;

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
    }
}

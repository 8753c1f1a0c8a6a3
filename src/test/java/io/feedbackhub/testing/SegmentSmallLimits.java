package io.feedbackhub.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** The relay with limits small enough for a test to reach: memory in flight, body time, journal, user cache. */
public class SegmentSmallLimits implements QuarkusTestResourceLifecycleManager {

    public static final long MAX_IN_FLIGHT = 1_100_000;
    public static final long JOURNAL_MAX = 40_000;
    public static final long USER_CACHE_MAX = 300 * 1024;

    @Override
    public Map<String, String> start() {
        return Map.of("hub.segment.max-in-flight-bytes", String.valueOf(MAX_IN_FLIGHT),
                "hub.segment.body-timeout", "2s",
                "hub.segment.journal-max-bytes", String.valueOf(JOURNAL_MAX),
                "hub.segment.user-cache-max-bytes", String.valueOf(USER_CACHE_MAX));
    }

    @Override
    public void stop() {
    }
}

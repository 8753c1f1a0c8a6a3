package io.feedbackhub.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** The relay with delivered journal files kept for one second only. */
public class SegmentShortRetention implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("hub.segment.journal-retention", "PT1S");
    }

    @Override
    public void stop() {
    }
}

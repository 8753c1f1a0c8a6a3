package io.feedbackhub.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** The segment relay switched on with two write keys. */
public class SegmentEnabled implements QuarkusTestResourceLifecycleManager {

    public static final String WRITE_KEY = "wkTestKeyOne";
    public static final String OTHER_KEY = "wkTestKeyTwo";

    @Override
    public Map<String, String> start() {
        return Map.of("hub.segment.enabled", "true", "hub.segment.write-keys", WRITE_KEY + "," + OTHER_KEY);
    }

    @Override
    public void stop() {
    }
}

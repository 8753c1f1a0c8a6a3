package io.feedbackhub.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** A hub whose management port needs {@link #TOKEN}; {@link Management#request()} sends it. */
public class ManagementToken implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "mgmtT0ken-for-the-tests";

    @Override
    public Map<String, String> start() {
        return Map.of("hub.management.token", TOKEN);
    }

    @Override
    public void stop() {
    }
}

package io.feedbackhub.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** Nothing but a hub of its own: with it, a test class gets a fresh data directory no other class wrote to. */
public class FreshHub implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of();
    }

    @Override
    public void stop() {
    }
}

package io.feedbackhub.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** The hub under test as the only member of a cluster (with {@link KafkaBroker}): it leads every connector. */
public class ClusterEnabled implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("hub.cluster.enabled", "true", "hub.cluster.name", "test-cluster", "hub.cluster.member-id", "test-member",
                "hub.cluster.session-timeout", "6s");
    }

    @Override
    public void stop() {
        // nothing to stop
    }
}

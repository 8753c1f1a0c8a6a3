package io.feedbackhub.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/** The qualtrics connector also takes commands from a Kafka topic. */
public class QualtricsCommandsOnKafka implements QuarkusTestResourceLifecycleManager {

    public static final String TOPIC = "qualtrics-commands";

    @Override
    public Map<String, String> start() {
        return Map.of("hub.qualtrics.commands-topic", TOPIC);
    }

    @Override
    public void stop() {
    }
}

package io.feedbackhub.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.restassured.specification.RequestSpecification;

/** A hub whose management port needs {@link #TOKEN}. */
public class ManagementToken implements QuarkusTestResourceLifecycleManager {

    public static final String TOKEN = "mgmtT0ken-for-the-tests";

    @Override
    public Map<String, String> start() {
        return Map.of("hub.management.token", TOKEN);
    }

    @Override
    public void stop() {
    }

    /** A request to the management port that sends the token, as Prometheus or curl would. */
    public static RequestSpecification authorized() {
        return Management.request().header("Authorization", "Bearer " + TOKEN);
    }
}

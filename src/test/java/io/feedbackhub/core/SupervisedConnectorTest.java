package io.feedbackhub.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.testing.DemoPages;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.Management;
import io.feedbackhub.testing.TestHubWithBrokenConnector;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** A connector that cannot start is retried on its own; the others work, and health names it. */
@QuarkusTest
@WithTestResource(TestHubWithBrokenConnector.class)
class SupervisedConnectorTest {

    @Inject
    CamelContext camel;

    @Inject
    HubConfig config;

    @Test
    void aConnectorThatCannotStartIsRetriedAloneAndNamedByHealth() throws Exception {
        assertThat(camel.getRouteController().getRouteStatus("broken-pickup")).isNotEqualTo(ServiceStatus.Started);
        assertThat(camel.getRouteController().getRouteStatus("demo-run")).isEqualTo(ServiceStatus.Started);

        JsonPath health = Management.request().get("/q/health/ready").then().statusCode(503).extract().jsonPath();
        assertThat(health.getString("status")).isEqualTo("DOWN");
        assertThat(health.prettify()).contains("broken-pickup");

        // the others keep working meanwhile
        new DemoPages(config.dataDir().resolve("demo-input")).write(1, 2, 1);
        assertThat(HubRuns.runToEnd("demo", "incremental")).containsEntry("status", "SUCCEEDED");

        // once what it needs is there, the route controller starts it without a restart
        Files.createDirectories(config.dataDir().resolve("broken-in"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                camel.getRouteController().getRouteStatus("broken-pickup")).isEqualTo(ServiceStatus.Started));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                Management.request().get("/q/health/ready").then().statusCode(200));
    }
}

package io.feedbackhub.core;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.testing.DemoPages;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.Management;
import io.feedbackhub.testing.TestHub;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The management port: connectors, runs, toggles, health, metrics, Jolokia, and no secrets. */
@QuarkusTest
@WithTestResource(TestHub.class)
class ManagementApiTest {

    @Inject
    CamelContext camel;

    @Inject
    HubConfig config;

    @Test
    void listsEveryConnectorFoundInRoutesWithItsSwitchesAndLastRun() {
        Management.request().get("/hub/connectors").then().statusCode(200)
                .body("name", hasItems("demo", "idle"))
                .body("find { it.name == 'demo' }.enabled", equalTo(true))
                .body("find { it.name == 'demo' }.description", equalTo("Test connector reading pages from files"))
                .body("find { it.name == 'demo' }.schedule", equalTo("0 0 4 1 1 ? 2099"))
                .body("find { it.name == 'idle' }.enabled", equalTo(false))
                .body("find { it.name == 'idle' }.schedule", equalTo("0 0/5 * * * ?"))
                .body("find { it.name == 'idle' }.running", equalTo(false))
                .body("find { it.name == 'idle' }.lastRun", nullValue());
        Management.request().get("/hub/connectors/idle").then().statusCode(200).body("name", equalTo("idle"));
        Management.request().get("/hub/connectors/nosuch").then().statusCode(404).body("error", containsString("nosuch"));
    }

    @Test
    void aDisabledConnectorStartsNothingAndKeepsTheHubReady() {
        assertThat(camel.getRoute("idle-run")).as("a disabled connector's routes are not even built").isNull();
        assertThat(camel.getRoute("idle-schedule-incremental")).as("no schedule for a disabled connector").isNull();
        assertThat(camel.getRouteController().getRouteStatus("demo-run")).isEqualTo(ServiceStatus.Started);
        assertThat(camel.getRouteController().getRouteStatus("demo-schedule-incremental")).isEqualTo(ServiceStatus.Started);
        assertThat(camel.getRoute("demo-schedule-full")).as("no full-sync-schedule set").isNull();
        Management.request().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        Management.request().post("/hub/connectors/idle/run?mode=incremental").then().statusCode(409)
                .body("error", containsString("disabled"));
    }

    @Test
    void runRequestsAreCheckedBeforeAnythingStarts() {
        Management.request().post("/hub/connectors/nosuch/run?mode=full").then().statusCode(404);
        Management.request().post("/hub/connectors/demo/run?mode=sideways").then().statusCode(400)
                .body("error", containsString("incremental or full"));
    }

    @Test
    void oneRunAtATimePerConnector() {
        DemoPages pages = new DemoPages(config.dataDir().resolve("demo-input"));
        pages.clear();
        for (int page = 1; page <= 6; page++) {
            pages.write(page, 2, 1);
        }
        String runId = HubRuns.start("demo", "full");
        Management.request().get("/hub/connectors/demo").then().body("running", equalTo(true))
                .body("lastRun.status", equalTo("RUNNING")).body("lastRun.id", equalTo(runId));
        Management.request().post("/hub/connectors/demo/run?mode=incremental").then().statusCode(409)
                .body("error", containsString("already running"));
        Map<String, Object> done = HubRuns.awaitEnd("demo", runId);
        assertThat(done).containsEntry("status", "SUCCEEDED").containsEntry("records", 12);
        Management.request().get("/hub/connectors/demo").then().body("running", equalTo(false));
    }

    @Test
    void metricsCountRunsAndCamelRoutes() {
        HubRuns.runToEnd("demo", "full");
        String metrics = Management.request().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).containsPattern("hub_connector_runs_total\\{.*connector=\"demo\".*status=\"SUCCEEDED\".*\\} [1-9]")
                .contains("hub_connector_records_total{connector=\"demo\"")
                .containsPattern("camel_exchanges_total\\{.*routeId=\"catalog-sink\"");
    }

    @Test
    void jolokiaServesCamelMBeansOnTheManagementPortOnly() {
        Management.request().get("/q/jolokia/read/org.apache.camel:context=feedback-hub,type=context,name=\"feedback-hub\"/State")
                .then().statusCode(200).body("status", equalTo(200)).body("value", equalTo("Started"));
        Management.request().get("/q/jolokia/read/org.apache.camel:context=feedback-hub,type=routes,name=\"demo-run\"/State")
                .then().body("value", equalTo("Started"));
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", 8778), 500);
            }
        }).isInstanceOf(IOException.class);
        int publicPort = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        given().baseUri("http://127.0.0.1").port(publicPort).get("/q/jolokia/version").then().statusCode(404);
        given().baseUri("http://127.0.0.1").port(publicPort).get("/hub/connectors").then().statusCode(404);
    }

    @Test
    void jolokiaRunsNoLifecycleOperation() {
        String route = "org.apache.camel:context=feedback-hub,type=routes,name=\\\"demo-run\\\"";
        String context = "org.apache.camel:context=feedback-hub,type=context,name=\\\"feedback-hub\\\"";
        for (String mbean : new String[] { route, context }) {
            Management.request().contentType("application/json")
                    .body("{\"type\":\"exec\",\"mbean\":\"" + mbean + "\",\"operation\":\"stop()\"}")
                    .post("/q/jolokia").then().statusCode(200).body("status", equalTo(403));
        }
        Management.request().contentType("application/json")
                .body("{\"type\":\"exec\",\"mbean\":\"" + context + "\",\"operation\":\"sendStringBody(java.lang.String,java.lang.String)\",\"arguments\":[\"log:x\",\"hi\"]}")
                .post("/q/jolokia").then().body("status", equalTo(403));
        Management.request().get("/q/jolokia/exec/" + route.replace("\\", "") + "/stop()").then().statusCode(403);
        Management.request().contentType("text/plain").body("{\"type\":\"version\"}").post("/q/jolokia").then().statusCode(415);
        Management.request().contentType("application/xml").body("<version/>").post("/q/jolokia").then().statusCode(415);
        assertThat(camel.getRouteController().getRouteStatus("demo-run")).isEqualTo(ServiceStatus.Started);
        assertThat(camel.getStatus()).isEqualTo(ServiceStatus.Started);
    }

    @Test
    void withoutATokenTheManagementPortListensOnLoopbackOnly() throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", Management.port()), 500);
        }
        // 127.0.0.2 is this machine too, but not the interface a 127.0.0.1-only socket listens on
        assertThatThrownBy(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.2", Management.port()), 500);
            }
        }).isInstanceOf(IOException.class);
        assertThat(ConfigProvider.getConfig().getValue("quarkus.management.host", String.class)).isEqualTo("127.0.0.1");
    }

    @Test
    void withoutATokenABrowserPageCannotRunAConnector() {
        String before = Management.request().get("/hub/connectors/demo").then().extract().path("lastRun.id");
        // a form posted from any page, a fetch from another origin, a page on a rebound DNS name
        Management.request().contentType("application/x-www-form-urlencoded").formParam("mode", "full")
                .post("/hub/connectors/demo/run").then().statusCode(415);
        Management.request().header("Origin", "https://evil.example").post("/hub/connectors/demo/run?mode=full").then().statusCode(403);
        Management.request().header("Host", "evil.example:" + Management.port()).post("/hub/connectors/demo/run?mode=full")
                .then().statusCode(403);
        Management.request().header("Host", "evil.example:" + Management.port()).get("/hub/connectors").then().statusCode(403);
        assertThat((String) Management.request().get("/hub/connectors/demo").then().extract().path("lastRun.id")).isEqualTo(before);
        // a page of the management port's own origin gets through (to the connector's own answer)
        Management.request().header("Origin", "http://127.0.0.1:" + Management.port()).post("/hub/connectors/idle/run")
                .then().statusCode(409);
    }

    @Test
    void secretsAppearNowhere() {
        // a run whose error text repeats the secret (Jackson quotes the bad input)
        DemoPages pages = new DemoPages(config.dataDir().resolve("demo-input"));
        pages.clear();
        pages.writeRaw(1, "[{\"id\": " + TestHub.DEMO_TOKEN + "}]");
        Map<String, Object> failed = HubRuns.runToEnd("demo", "full");
        assertThat(failed).containsEntry("status", "FAILED");
        assertThat((String) failed.get("error")).contains("****");
        for (String path : new String[] { "/hub/connectors", "/hub/connectors/demo", "/q/health", "/q/metrics" }) {
            assertThat(Management.request().get(path).asString()).as(path).doesNotContain(TestHub.DEMO_TOKEN);
        }
    }
}

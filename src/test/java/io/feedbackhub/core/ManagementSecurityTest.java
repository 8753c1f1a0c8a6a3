package io.feedbackhub.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;

import io.feedbackhub.testing.Management;
import io.feedbackhub.testing.ManagementToken;
import io.feedbackhub.testing.TestHub;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/** With {@code hub.management.token} set: nothing on the management port but health without it. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(ManagementToken.class)
class ManagementSecurityTest {

    static final String CONTEXT = "org.apache.camel:context=feedback-hub,type=context,name=\"feedback-hub\"";
    static final String DEMO_RUN = "org.apache.camel:context=feedback-hub,type=routes,name=\"demo-run\"";

    @Inject
    CamelContext camel;

    @Test
    void everythingButHealthNeedsTheToken() {
        List<String> paths = List.of("/hub/connectors", "/hub/connectors/demo", "/q/metrics", "/q/jolokia/version",
                "/q/jolokia/read/" + DEMO_RUN + "/State", "/q/nosuch");
        for (String path : paths) {
            Management.anonymous().get(path).then().statusCode(401)
                    .header("WWW-Authenticate", startsWith("Bearer"));
            Management.anonymous().header("Authorization", "Bearer " + ManagementToken.TOKEN + "x").get(path).then().statusCode(401);
            Management.anonymous().header("Authorization", ManagementToken.TOKEN).get(path).then().statusCode(401);
            Management.anonymous().header("Authorization", basic("hub", "wrong-" + ManagementToken.TOKEN)).get(path).then().statusCode(401);
        }
        for (String path : paths.subList(0, 5)) {
            Management.request().get(path).then().statusCode(200);
            // Hawtio's connect dialog sends the token as the password of Basic auth
            Management.anonymous().header("Authorization", basic("anyone", ManagementToken.TOKEN)).get(path).then().statusCode(200);
        }
        for (String path : List.of("/q/health", "/q/health/ready", "/q/health/live")) {
            Management.anonymous().get(path).then().statusCode(200);
        }
    }

    /** The status page's files load without the token (its script asks for it) and hold no data. */
    @Test
    void theStatusPageLoadsWithoutTheTokenAndGivesNothingAway() throws Exception {
        String before = lastRun();
        for (String path : List.of("/hub/", "/hub/status.js", "/hub/status.css")) {
            Response page = Management.anonymous().get(path);
            assertThat(page.statusCode()).as(path).isEqualTo(200);
            assertThat(page.header("Content-Security-Policy")).as(path).contains("default-src 'none'", "frame-ancestors 'none'");
            assertThat(page.body().asString()).as(path).doesNotContain("Test connector").doesNotContain("\"demo\"");
            assertThat(post(path, null, null, "").statusCode()).as(path).isEqualTo(401);
        }
        Management.anonymous().get("/hub/connectors").then().statusCode(401);
        assertThat(lastRun()).isEqualTo(before);
    }

    @Test
    void aRequestThatOnlyPassesThroughHealthStillNeedsTheToken() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String path : List.of("/q/health/../metrics", "/q/health/%2E%2E/metrics", "/q/health/..%2Fmetrics")) {
            HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + Management.port() + path)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(path).isNotEqualTo(200);
            assertThat(answer.body()).as(path).doesNotContain("jvm_");
        }
    }

    @Test
    void aRunWithoutTheTokenOrAsAFormStartsNothing() throws Exception {
        String before = lastRun();
        assertThat(post("/hub/connectors/demo/run?mode=full", null, null, "").statusCode()).isEqualTo(401);
        String bearer = "Bearer " + ManagementToken.TOKEN;
        for (String type : List.of("application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "text/plain;charset=UTF-8")) {
            assertThat(post("/hub/connectors/demo/run?mode=full", bearer, type, "").statusCode()).as(type).isEqualTo(415);
            assertThat(post("/hub/connectors/demo/run?mode=full", bearer, type, "mode=full").statusCode()).as(type).isEqualTo(415);
            assertThat(post("/q/jolokia", bearer, type, "{\"type\":\"version\"}").statusCode()).as(type).isEqualTo(415);
        }
        // curl -X POST sends no content type: the way a run is asked for
        assertThat(post("/hub/connectors/idle/run", bearer, null, "").statusCode()).isEqualTo(409);
        assertThat(lastRun()).isEqualTo(before);
        Management.request().get("/hub/connectors/demo").then().body("running", equalTo(false));
    }

    @Test
    void runsBookmarksAndPauseNeedTheToken() throws Exception {
        for (String path : List.of("/hub/connectors/demo/runs", "/hub/runs/any", "/hub/connectors/demo/state")) {
            Management.anonymous().get(path).then().statusCode(401);
        }
        Management.request().body("\"4\"").put("/hub/connectors/demo/state/items/page").then().statusCode(200);
        Management.anonymous().body("\"9\"").put("/hub/connectors/demo/state/items/page").then().statusCode(401);
        Management.anonymous().delete("/hub/connectors/demo/state/items/page").then().statusCode(401);
        Management.anonymous().delete("/hub/connectors/demo/state/items").then().statusCode(401);
        assertThat(post("/hub/connectors/demo/pause", null, null, "").statusCode()).isEqualTo(401);
        assertThat(post("/hub/connectors/demo/resume", null, null, "").statusCode()).isEqualTo(401);
        // a cross-site form cannot set one either
        Management.request().contentType("text/plain").body("\"9\"").put("/hub/connectors/demo/state/items/page").then().statusCode(415);
        Management.request().get("/hub/connectors/demo/state").then().statusCode(200).body("streams.items.page", equalTo("4"));
        Management.request().get("/hub/connectors/demo").then().body("paused", equalTo(false));
    }

    @Test
    void jolokiaStopsRemovesAndWritesNothing() {
        for (String mbean : List.of(DEMO_RUN, CONTEXT)) {
            for (String operation : List.of("stop()", "suspend()", "remove()", "restart()")) {
                exec(mbean, operation).then().statusCode(200).body("status", equalTo(403));
            }
        }
        Management.request().contentType("application/json")
                .body("{\"type\":\"write\",\"mbean\":" + quoted(CONTEXT) + ",\"attribute\":\"Tracing\",\"value\":true}")
                .post("/q/jolokia").then().body("status", equalTo(403));
        assertThat(camel.getRouteController().getRouteStatus("demo-run")).isEqualTo(ServiceStatus.Started);
        assertThat(camel.getStatus()).isEqualTo(ServiceStatus.Started);
        assertThat(camel.isTracing()).isFalse();
        // what an operator watches stays readable
        Management.request().get("/q/jolokia/read/" + DEMO_RUN + "/ExchangesTotal").then().body("status", equalTo(200));
    }

    @Test
    void jolokiaShowsNoJvmArgumentsSystemPropertiesOrSecrets() {
        for (String attribute : List.of("InputArguments", "SystemProperties")) {
            Management.request().get("/q/jolokia/read/java.lang:type=Runtime/" + attribute).then().body("status", equalTo(403));
        }
        Management.request().get("/q/jolokia/read/java.lang:type=Runtime/Uptime").then().body("status", equalTo(200));
        List<Response> answers = List.of(
                Management.request().get("/q/jolokia/read/java.lang:type=Runtime"),
                Management.request().get("/q/jolokia/read/java.lang:*"),
                Management.request().get("/q/jolokia/read/org.apache.camel:*"),
                Management.request().get("/q/jolokia/list"),
                Management.request().get("/q/jolokia/search/*:*"),
                Management.request().get("/q/jolokia/version"));
        for (Response answer : answers) {
            assertThat(answer.asString()).doesNotContain(TestHub.DEMO_TOKEN).doesNotContain(ManagementToken.TOKEN)
                    .doesNotContain("-Xmx").doesNotContain("java.home");
        }
    }

    /** A POST as curl or a browser's form sends it: exactly these headers, nothing added. */
    private static HttpResponse<String> post(String path, String authorization, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + Management.port() + path))
                .POST(body.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String lastRun() {
        return Management.request().get("/hub/connectors/demo").then().statusCode(200).extract().path("lastRun.id");
    }

    private static Response exec(String mbean, String operation) {
        return Management.request().contentType("application/json")
                .body("{\"type\":\"exec\",\"mbean\":" + quoted(mbean) + ",\"operation\":\"" + operation + "\"}").post("/q/jolokia");
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\"", "\\\"") + "\"";
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}

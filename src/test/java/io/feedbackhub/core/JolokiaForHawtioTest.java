package io.feedbackhub.core;

import static org.assertj.core.api.Assertions.assertThat;

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

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.testing.DemoPages;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.Management;
import io.feedbackhub.testing.ManagementToken;
import io.feedbackhub.testing.TestHub;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What Hawtio's Camel tab asks of Jolokia, in requests shaped as jolokia.js sends them: a POST of a
 * JSON array as {@code text/json}, Basic auth from the connect dialog, Hawtio's processing parameters.
 */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(ManagementToken.class)
class JolokiaForHawtioTest {

    static final String PATH = "/q/jolokia/?maxDepth=7&maxCollectionSize=50000&ignoreErrors=true&canonicalNaming=false";
    static final String CONTEXT = "org.apache.camel:context=feedback-hub,type=context,name=\"feedback-hub\"";
    static final String DEMO_RUN = "org.apache.camel:context=feedback-hub,type=routes,name=\"demo-run\"";
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    CamelContext camel;

    @Inject
    HubConfig config;

    private static boolean demoRan;

    /** Statistics to show: one run through the demo route. */
    private void demoHasRun() {
        if (!demoRan) {
            DemoPages pages = new DemoPages(config.dataDir().resolve("demo-input"));
            pages.clear();
            pages.write(1, 2, 1);
            assertThat(HubRuns.runToEnd("demo", "full")).containsEntry("status", "SUCCEEDED");
            demoRan = true;
        }
    }

    @Test
    void listsRoutesAndTheirProcessorsAndReadsTheirStatistics() throws Exception {
        demoHasRun();
        JsonNode answers = hawtio("["
                + "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=routes,*\"},"
                + "{\"type\":\"search\",\"mbean\":\"org.apache.camel:type=processors,*\"},"
                + "{\"type\":\"read\",\"mbean\":" + quoted(DEMO_RUN) + ",\"attribute\":[\"State\",\"ExchangesTotal\",\"ExchangesCompleted\",\"MeanProcessingTime\"]},"
                + "{\"type\":\"read\",\"mbean\":\"org.apache.camel:context=feedback-hub,type=processors,*\",\"attribute\":[\"RouteId\",\"ProcessorId\",\"ExchangesCompleted\"]},"
                + "{\"type\":\"list\",\"path\":\"org.apache.camel\"}]");
        assertThat(answers).allSatisfy(answer -> assertThat(answer.path("status").asInt()).as(answer.toString()).isEqualTo(200));
        assertThat(texts(answers.get(0).path("value"))).contains(DEMO_RUN);
        assertThat(answers.get(1).path("value")).isNotEmpty();
        JsonNode route = answers.get(2).path("value");
        assertThat(route.path("State").asText()).isEqualTo("Started");
        assertThat(route.path("ExchangesCompleted").asLong()).isPositive();
        // per-step counters: a processor MBean for each step of the route, counting what passed it
        List<JsonNode> steps = answers.get(3).path("value").findParents("RouteId").stream()
                .filter(step -> step.path("RouteId").asText().equals("demo-run")).toList();
        assertThat(steps).hasSizeGreaterThan(5).anySatisfy(step -> assertThat(step.path("ExchangesCompleted").asLong()).isPositive());
        assertThat(answers.get(4).path("value").toString()).contains("type=processors").contains("dumpRoutesStatsAsXml");
    }

    @Test
    void dumpsRoutesAndTheirStatisticsWithSecretsMasked() throws Exception {
        demoHasRun();
        JsonNode answers = hawtio("["
                + "{\"type\":\"exec\",\"mbean\":" + quoted(CONTEXT) + ",\"operation\":\"dumpRoutesAsXml()\"},"
                + "{\"type\":\"exec\",\"mbean\":" + quoted(CONTEXT) + ",\"operation\":\"dumpRoutesAsXml(boolean,boolean)\",\"arguments\":[true,false]},"
                + "{\"type\":\"exec\",\"mbean\":" + quoted(CONTEXT) + ",\"operation\":\"dumpRoutesStatsAsXml\",\"arguments\":[true,true]},"
                + "{\"type\":\"exec\",\"mbean\":" + quoted(DEMO_RUN) + ",\"operation\":\"dumpRouteStatsAsXml(boolean,boolean)\",\"arguments\":[true,true]},"
                + "{\"type\":\"exec\",\"mbean\":" + quoted(DEMO_RUN) + ",\"operation\":\"dumpRouteAsXml(boolean)\",\"arguments\":[true]}]");
        assertThat(answers).allSatisfy(answer -> assertThat(answer.path("status").asInt()).as(answer.toString()).isEqualTo(200));
        String routes = answers.get(0).path("value").asText();
        assertThat(routes).contains("<route").contains("id=\"demo-run\"").contains("id=\"demo-hook\"");
        String resolved = answers.get(1).path("value").asText();
        assertThat(resolved).contains("http://127.0.0.1:1/hooks/****").doesNotContain(TestHub.DEMO_TOKEN);
        String stats = answers.get(2).path("value").asText();
        assertThat(stats).contains("<routeStat").contains("id=\"demo-run\"").contains("<processorStat");
        assertThat(answers.get(3).path("value").asText()).contains("<routeStat").contains("<processorStat");
        assertThat(answers.get(4).path("value").asText()).contains("id=\"demo-run\"");
        assertThat(answers.toString()).doesNotContain(TestHub.DEMO_TOKEN).doesNotContain(ManagementToken.TOKEN);
    }

    @Test
    void stillChangesNothingAndNeedsTheToken() throws Exception {
        JsonNode answers = hawtio("["
                + "{\"type\":\"exec\",\"mbean\":" + quoted(DEMO_RUN) + ",\"operation\":\"stop()\"},"
                + "{\"type\":\"exec\",\"mbean\":" + quoted(CONTEXT) + ",\"operation\":\"sendStringBody(java.lang.String,java.lang.String)\",\"arguments\":[\"direct:demo-hook\",\"x\"]},"
                + "{\"type\":\"exec\",\"mbean\":" + quoted(DEMO_RUN) + ",\"operation\":\"updateRouteFromXml\",\"arguments\":[\"<route/>\"]},"
                + "{\"type\":\"write\",\"mbean\":" + quoted(CONTEXT) + ",\"attribute\":\"Tracing\",\"value\":true}]");
        assertThat(answers).allSatisfy(answer -> assertThat(answer.path("status").asInt()).as(answer.toString()).isEqualTo(403));
        assertThat(camel.getRouteController().getRouteStatus("demo-run")).isEqualTo(ServiceStatus.Started);
        String body = "[{\"type\":\"version\"}]";
        assertThat(post(null, "text/json", body).statusCode()).isEqualTo(401);
        assertThat(post(basic("hawtio", "not-the-token"), "text/json", body).statusCode()).isEqualTo(401);
        assertThat(post(basic("hawtio", ManagementToken.TOKEN), "text/plain", body).statusCode()).isEqualTo(415);
    }

    /** POSTs a bulk request as jolokia.js does for Hawtio, with the token as the connection's password. */
    private static JsonNode hawtio(String body) throws Exception {
        HttpResponse<String> answer = post(basic("hawtio", ManagementToken.TOKEN), "text/json", body);
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        return JSON.readTree(answer.body());
    }

    private static HttpResponse<String> post(String authorization, String contentType, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + Management.port() + PATH))
                .header("Content-Type", contentType).header("Accept", "application/json, text/javascript, */*; q=0.01")
                .header("X-Requested-With", "XMLHttpRequest").POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> texts(JsonNode array) {
        return JSON.convertValue(array, JSON.getTypeFactory().constructCollectionType(List.class, String.class));
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\"", "\\\"") + "\"";
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }
}

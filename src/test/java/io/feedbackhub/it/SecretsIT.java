package io.feedbackhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.feedbackhub.testing.DemoPages;
import io.feedbackhub.testing.HubProcess;

/**
 * A secret that an error text repeats is masked in every log line the packaged hub writes; the
 * management port needs its token and shows no secret, not even one passed as a {@code -D} flag.
 */
class SecretsIT {

    static final String SECRET = "itS3cretApiTokenValue";
    static final String MANAGEMENT_TOKEN = "itManagementToken-0123456789";
    static final String FLAG_SECRET = "itFlagS3cret-qualtrics";
    static final String WOOTRIC_PASSWORD = "itWootricPassw0rd";
    static final String WRITE_KEY = "itSecretsWriteKey";
    static final String RELAY_JOURNAL = "org.apache.camel:context=feedback-hub,type=routes,name=\"segment-journal\"";
    static final String CONTEXT = "org.apache.camel:context=feedback-hub,type=context,name=\"feedback-hub\"";

    @TempDir
    Path data;

    @Test
    void aSecretRepeatedByAnErrorIsMaskedInTheLog() {
        new DemoPages(data.resolve("demo-input")).writeRaw(1, "[{\"id\": " + SECRET + "}]");
        try (HubProcess hub = HubProcess.create(data, Map.of("HUB_DEMO_API_TOKEN", SECRET)).start()
                .awaitReady(Duration.ofSeconds(60))) {
            assertThat(hub.post("/hub/connectors/demo/run?mode=full").statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> hub.get("/hub/connectors/demo").body().contains("FAILED"));
            await().atMost(Duration.ofSeconds(5)).until(() -> hub.output().contains("failed: catalog"));
            assertThat(hub.get("/hub/connectors/demo").body()).contains("****").doesNotContain(SECRET);
            hub.stop();
            assertThat(hub.output()).contains("Unrecognized token '****'").doesNotContain(SECRET);
        }
    }

    @Test
    void theManagementPortNeedsItsTokenAndShowsNoSecret() {
        Map<String, String> env = Map.of(
                "HUB_MANAGEMENT_TOKEN", MANAGEMENT_TOKEN,
                // extra JVM flags, as the Dockerfile suggests passing them
                "JAVA_TOOL_OPTIONS", "-Dhub.qualtrics.api-token=" + FLAG_SECRET,
                "HUB_DEMO_API_TOKEN", SECRET,
                "HUB_SEGMENT_ENABLED", "true",
                "HUB_SEGMENT_WRITE_KEYS", WRITE_KEY,
                "HUB_WOOTRIC_BASE_URL", "http://127.0.0.1:9",
                "HUB_WOOTRIC_USERNAME", "hub@example.com",
                "HUB_WOOTRIC_PASSWORD", WOOTRIC_PASSWORD);
        try (HubProcess hub = HubProcess.create(data, env).start().awaitReady(Duration.ofSeconds(60))) {
            for (String path : List.of("/hub/connectors", "/q/metrics", "/q/jolokia/version",
                    "/q/jolokia/read/java.lang:type=Runtime/InputArguments", "/q/jolokia/read/" + RELAY_JOURNAL.replace("\"", "%22") + "/State")) {
                assertThat(hub.send(HttpRequest.newBuilder().GET(), path).statusCode()).as(path).isEqualTo(401);
                assertThat(hub.get(path).statusCode()).as(path).isEqualTo(200);
            }
            assertThat(hub.send(HttpRequest.newBuilder().GET(), "/q/health/ready").statusCode()).isEqualTo(200);
            assertThat(hub.send(HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.noBody()), "/hub/connectors/demo/run?mode=full")
                    .statusCode()).isEqualTo(401);

            // no operation stops the relay or the context
            for (String mbean : List.of(RELAY_JOURNAL, CONTEXT)) {
                assertThat(jolokia(hub, "{\"type\":\"exec\",\"mbean\":" + quoted(mbean) + ",\"operation\":\"stop()\"}"))
                        .contains("\"status\":403");
            }
            assertThat(hub.get("/q/jolokia/read/" + RELAY_JOURNAL.replace("\"", "%22") + "/State").body()).contains("\"value\":\"Started\"");
            assertThat(hub.get("/q/jolokia/read/java.lang:type=Runtime/InputArguments").body()).contains("\"status\":403");

            List<String> answers = new ArrayList<>();
            for (String path : List.of("/q/jolokia/read/java.lang:type=Runtime", "/q/jolokia/read/java.lang:type=Runtime/SystemProperties",
                    "/q/jolokia/read/java.lang:*", "/q/jolokia/read/org.apache.camel:*", "/q/jolokia/list", "/q/jolokia/search/*:*",
                    "/q/jolokia/search/org.apache.camel:*", "/q/jolokia/version", "/hub/connectors", "/q/metrics")) {
                answers.add(hub.get(path).body());
            }
            answers.add(jolokia(hub, "[{\"type\":\"list\"},{\"type\":\"search\",\"mbean\":\"*:*\"},"
                    + "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":[\"InputArguments\",\"SystemProperties\"]},"
                    + "{\"type\":\"read\",\"mbean\":\"org.apache.camel:type=endpoints,*\"}]"));
            // Hawtio's Camel tab: the routes, resolved, and their statistics
            String dumps = jolokia(hub, "text/json", "[{\"type\":\"exec\",\"mbean\":" + quoted(CONTEXT)
                    + ",\"operation\":\"dumpRoutesAsXml(boolean,boolean)\",\"arguments\":[true,false]},"
                    + "{\"type\":\"exec\",\"mbean\":" + quoted(CONTEXT) + ",\"operation\":\"dumpRoutesStatsAsXml\",\"arguments\":[true,true]}]");
            assertThat(dumps).contains("segment-journal").contains("hooks/****").contains("processorStat").doesNotContain("\"status\":403");
            answers.add(dumps);
            assertThat(answers).allSatisfy(answer -> assertThat(answer).doesNotContain(FLAG_SECRET).doesNotContain(SECRET)
                    .doesNotContain(WOOTRIC_PASSWORD).doesNotContain(WRITE_KEY).doesNotContain(MANAGEMENT_TOKEN));
            assertThat(answers.get(4)).contains("segment-journal");
        }
    }

    private static String jolokia(HubProcess hub, String body) {
        return jolokia(hub, "application/json", body);
    }

    private static String jolokia(HubProcess hub, String contentType, String body) {
        HttpResponse<String> answer = hub.send(HttpRequest.newBuilder().header("Authorization", "Bearer " + MANAGEMENT_TOKEN)
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body)), "/q/jolokia/");
        assertThat(answer.statusCode()).isEqualTo(200);
        return answer.body();
    }

    private static String quoted(String value) {
        return "\"" + value.replace("\"", "\\\"") + "\"";
    }
}

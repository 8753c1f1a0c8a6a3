package io.feedbackhub.segment;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.MessageBuilder;
import com.segment.analytics.messages.PageMessage;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.testing.FakeWootricServer;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.Management;
import io.feedbackhub.testing.SegmentClient;
import io.feedbackhub.testing.SegmentEnabled;
import io.feedbackhub.testing.TestFiles;
import io.feedbackhub.testing.TestHub;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.specification.RequestSpecification;

/** The relay's intake: Segment's own client, auth, limits, journal before the 200, dedupe. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(SegmentEnabled.class)
@WithTestResource(FakeWootricServer.class)
class SegmentIntakeTest {

    @Inject
    HubConfig config;

    @Inject
    CamelContext camel;

    static int port() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    static RequestSpecification relay() {
        return given().baseUri("http://127.0.0.1").port(port()).contentType("application/json");
    }

    List<JsonNode> table(String table) {
        return HubRuns.table(config.dataDir(), table);
    }

    List<String> ids(String table) {
        return table(table).stream().map(r -> r.path("messageId").asText()).toList();
    }

    long journalled() throws Exception {
        return journalLines().size();
    }

    /** Every line of every journal file: pending, being written (hidden) and in done/. */
    List<String> journalLines() throws Exception {
        Path journal = config.dataDir().resolve("journal").resolve("segment");
        if (!Files.isDirectory(journal)) {
            return List.of();
        }
        while (true) {
            try (Stream<Path> files = Files.walk(journal)) {
                return files.filter(p -> p.toString().endsWith(".jsonl")).flatMap(p -> lines(p).stream()).toList();
            } catch (java.io.UncheckedIOException e) {
                if (!(e.getCause() instanceof java.nio.file.NoSuchFileException)) {
                    throw e;
                }
                // a file went to delivery (renamed visible, or moved to done/) between the listing and the read
            }
        }
    }

    static long hiddenFiles(Path dir) throws java.io.IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith(".")).count();
        }
    }

    static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Camel's route policy on the journal step cost the intake a quarter of its CPU: its requests are counted by the HTTP server metrics instead. */
    @Test
    void intakeRequestsAreCountedByStatusNotByTheRoutePolicy() {
        relay().auth().preemptive().basic(SegmentEnabled.WRITE_KEY, "")
                .body("{\"batch\":[{\"type\":\"identify\",\"userId\":\"metrics-u1\",\"traits\":{\"email\":\"m1@example.com\"}}]}")
                .post("/v1/batch").then().statusCode(200);
        relay().auth().preemptive().basic("not-a-write-key", "").body("{\"batch\":[]}").post("/v1/batch").then().statusCode(401);
        String metrics = Management.request().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).containsPattern("http_server_requests_seconds_count\\{.*status=\"200\".*uri=\"/v1/batch\".*\\} [1-9]")
                .containsPattern("http_server_requests_seconds_count\\{.*status=\"401\".*uri=\"/v1/batch\".*\\} [1-9]")
                .doesNotContain("routeId=\"segment-journal\"")
                .containsPattern("camel_exchanges_total\\{.*routeId=\"segment-deliver\"");
    }

    @Test
    void segmentsJavaClientGetsSuccessAndEveryEventLandsOnce() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        int users = 30;
        List<MessageBuilder<?, ?>> messages = new java.util.ArrayList<>();
        for (int i = 0; i < users; i++) {
            messages.add(IdentifyMessage.builder().userId(run + "-u" + i)
                    .traits(Map.of("email", "user" + i + "@example.com", "createdAt", "2018-08-03T15:28:46.493Z", "plan", "Pro")));
            messages.add(PageMessage.builder("Pricing").userId(run + "-u" + i)
                    .properties(Map.of("url", "https://example.com/pricing", "title", "Pricing")));
        }
        SegmentClient.send("http://127.0.0.1:" + port(), SegmentEnabled.WRITE_KEY, messages);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(table("segment_events").stream().filter(e -> e.path("userId").asText().startsWith(run))).hasSize(2 * users);
            assertThat(table("segment_pages").stream().filter(e -> e.path("userId").asText().startsWith(run))).hasSize(users);
        });
        JsonNode identify = table("segment_events").stream()
                .filter(e -> e.path("userId").asText().equals(run + "-u7") && e.path("type").asText().equals("identify"))
                .findFirst().orElseThrow();
        assertThat(identify.path("traits").path("email").asText()).isEqualTo("user7@example.com");
        assertThat(identify.path("context").path("library").path("name").asText()).isEqualTo("analytics-java");
        assertThat(identify.has("writeKey")).isFalse();
        JsonNode visit = table("segment_pages").stream().filter(e -> e.path("userId").asText().equals(run + "-u7"))
                .findFirst().orElseThrow();
        assertThat(visit.path("url").asText()).isEqualTo("https://example.com/pricing");
        assertThat(visit.path("name").asText()).isEqualTo("Pricing");
    }

    @Test
    void everyEndpointTakesBasicAuthOrABodyKeyWithOrWithoutTrailingSlash() {
        for (String path : List.of("/v1/identify", "/v1/identify/", "/v1/page", "/v1/track/")) {
            String id = UUID.randomUUID().toString();
            relay().auth().preemptive().basic(SegmentEnabled.OTHER_KEY, "")
                    .body("{\"userId\":\"basic\",\"messageId\":\"" + id + "\",\"event\":\"Clicked\",\"traits\":{}}")
                    .post(path).then().statusCode(200).body("success", equalTo(true));
            await().atMost(Duration.ofSeconds(10)).until(() -> ids("segment_events").contains(id));
        }
        String id = UUID.randomUUID().toString();
        relay().body("{\"writeKey\":\"" + SegmentEnabled.WRITE_KEY + "\",\"batch\":[{\"type\":\"identify\",\"anonymousId\":\"a1\",\"messageId\":\""
                + id + "\"}]}").post("/v1/import/").then().statusCode(200).body("success", equalTo(true));
        await().atMost(Duration.ofSeconds(10)).until(() -> ids("segment_events").contains(id));
    }

    @Test
    void badRequestsAreRefusedAndNothingIsJournalled() throws Exception {
        long before = journalled();
        String identify = "{\"type\":\"identify\",\"userId\":\"x\"}";
        relay().body(identify).post("/v1/identify").then().statusCode(401).body("success", equalTo(false));
        relay().auth().preemptive().basic("wrong-key", "").body(identify).post("/v1/identify").then().statusCode(401)
                .body("error", containsString("unknown write key"));
        relay().auth().preemptive().basic(SegmentEnabled.WRITE_KEY, "").body("{\"userId\": ").post("/v1/identify")
                .then().statusCode(400).body("error", containsString("invalid JSON"));
        String big = "{\"userId\":\"x\",\"traits\":{\"blob\":\"" + "a".repeat(33 * 1024) + "\"}}";
        relay().auth().preemptive().basic(SegmentEnabled.WRITE_KEY, "").body(big).post("/v1/identify")
                .then().statusCode(413).body("error", containsString("at most 32 KB"));
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 20; i++) {
            batch.append(i > 0 ? "," : "").append("{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\",\"properties\":{\"p\":\"")
                    .append("b".repeat(30 * 1024)).append("\"}}");
        }
        relay().auth().preemptive().basic(SegmentEnabled.WRITE_KEY, "").body(batch.append("]}").toString()).post("/v1/batch")
                .then().statusCode(413).body("error", containsString("at most 512 KB"));
        relay().auth().preemptive().basic(SegmentEnabled.WRITE_KEY, "").body("{\"traits\":{}}").post("/v1/identify")
                .then().statusCode(400).body("error", equalTo("no_user_anon_id"));
        assertThat(journalled()).isEqualTo(before);
    }

    @Test
    void inABatchTheValidMessagesAreTakenAndTheRestDeadLettered() {
        String good = UUID.randomUUID().toString();
        String bad = UUID.randomUUID().toString();
        relay().auth().preemptive().basic(SegmentEnabled.WRITE_KEY, "")
                .body("{\"batch\":[{\"type\":\"identify\",\"userId\":\"u9\",\"messageId\":\"" + good + "\"},"
                        + "{\"type\":\"identify\",\"messageId\":\"" + bad + "\",\"traits\":{\"email\":\"x@example.com\"}}],"
                        + "\"context\":{\"library\":{\"name\":\"batch-lib\"}}}")
                .post("/v1/batch").then().statusCode(200).body("success", equalTo(true));
        await().atMost(Duration.ofSeconds(10)).until(() -> ids("segment_events").contains(good));
        JsonNode letter = table("segment_dead_letters").stream().filter(l -> l.path("id").asText().equals(bad)).findFirst().orElseThrow();
        assertThat(letter.path("reason").asText()).isEqualTo("no_user_anon_id");
        assertThat(ids("segment_events")).doesNotContain(bad);
        JsonNode event = table("segment_events").stream().filter(e -> e.path("messageId").asText().equals(good)).findFirst().orElseThrow();
        assertThat(event.path("context").path("library").path("name").asText()).isEqualTo("batch-lib");
    }

    @Test
    void noWriteKeyIsStoredInTheJournalAndMessagesWithoutIdKeepTheirPlace() throws Exception {
        String marker = UUID.randomUUID().toString();
        relay().body("{\"writeKey\":\"" + SegmentEnabled.WRITE_KEY + "\",\"batch\":["
                + "{\"type\":\"track\",\"event\":\"" + marker + "\",\"userId\":\"k1\",\"writeKey\":\"" + SegmentEnabled.OTHER_KEY + "\"},"
                + "{\"type\":\"track\",\"event\":\"" + marker + "\",\"userId\":\"k2\",\"writeKey\":\"x\"}]}")
                .post("/v1/batch").then().statusCode(200).body("success", equalTo(true));
        await().atMost(Duration.ofSeconds(10)).until(() -> table("segment_events").stream()
                .filter(e -> e.path("event").asText().equals(marker)).count() == 2);

        List<String> entries = journalLines();
        String entry = null;
        for (String line : entries) {
            assertThat(line).doesNotContain(SegmentEnabled.WRITE_KEY).doesNotContain(SegmentEnabled.OTHER_KEY);
            if (line.contains(marker)) {
                entry = line;
            }
        }
        assertThat(entry).isNotNull();
        JsonNode stored = new com.fasterxml.jackson.databind.ObjectMapper().readTree(entry);
        assertThat(stored.path("body").path("batch")).hasSize(2);
        assertThat(stored.path("body").path("batch").get(1).path("writeKey").asText()).isEmpty();
        // a message without a messageId gets one from the entry and its place, the same on any redelivery
        List<String> ids = table("segment_events").stream().filter(e -> e.path("event").asText().equals(marker))
                .map(e -> e.path("messageId").asText()).sorted().toList();
        String entryId = stored.path("id").asText();
        assertThat(ids).containsExactly("hub-" + entryId + "-0", "hub-" + entryId + "-1");
    }

    @Test
    void aPrettyPrintedBatchIsOneEntryAndEveryMessageIsDelivered() {
        String marker = UUID.randomUUID().toString();
        relay().auth().preemptive().basic(SegmentEnabled.WRITE_KEY, "")
                .body("{\n  \"batch\": [\r\n    {\"type\": \"track\", \"event\": \"" + marker + "\", \"userId\": \"p1\"},\n"
                        + "    {\"type\": \"track\", \"event\": \"" + marker + "\", \"userId\": \"p2\",\n"
                        + "     \"properties\": {\"note\": \"two\\nlines\"}}\n  ]\n}\n")
                .post("/v1/batch").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> table("segment_events").stream()
                .filter(e -> e.path("event").asText().equals(marker)).count() == 2);
        assertThat(table("segment_events").stream().filter(e -> e.path("userId").asText().equals("p2"))
                .map(e -> e.path("properties").path("note").asText())).contains("two\nlines");
    }

    @Test
    void oddButValidBatchesAreDeliveredAndWhatDeliveryCouldNotReadIsRefused() throws Exception {
        String marker = UUID.randomUUID().toString();
        byte[] bom = ("\uFEFF{\"batch\":[{\"type\":\"track\",\"event\":\"" + marker + "\",\"userId\":\"bom\"}]}")
                .getBytes(StandardCharsets.UTF_8);
        relay().auth().preemptive().basic(SegmentEnabled.WRITE_KEY, "").body(bom).post("/v1/batch").then().statusCode(200);
        // two identifies of one user, the second without traits, and a null context beside a batch context
        relay().auth().preemptive().basic(SegmentEnabled.WRITE_KEY, "").body("{\"context\":{\"ip\":\"1.2.3.4\"},\"batch\":["
                + "{\"type\":\"identify\",\"userId\":\"" + marker + "\",\"traits\":null,\"context\":null},"
                + "{\"type\":\"identify\",\"userId\":\"" + marker + "\"},"
                + "{\"type\":\"track\",\"event\":\"" + marker + "\",\"userId\":\"ctx\",\"context\":\"text\"}]}")
                .post("/v1/batch").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> table("segment_events").stream()
                .filter(e -> e.path("event").asText().equals(marker) || e.path("userId").asText().equals(marker)).count() == 4);

        long before = journalled();
        relay().auth().preemptive().basic(SegmentEnabled.WRITE_KEY, "")
                .body("{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\"}]}".getBytes(StandardCharsets.UTF_16LE))
                .post("/v1/batch").then().statusCode(400).body("error", containsString("UTF-8"));
        relay().auth().preemptive().basic(SegmentEnabled.WRITE_KEY, "")
                .body("{\"batch\":[{\"type\":\"identify\",\"userId\":\"a\"}],\"batch\":[]}")
                .post("/v1/batch").then().statusCode(400).body("error", containsString("two"));
        String deep = "{\"batch\":[{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\",\"properties\":"
                + "[".repeat(995) + "]".repeat(995) + "}]}";
        relay().auth().preemptive().basic(SegmentEnabled.WRITE_KEY, "").body(deep).post("/v1/batch").then().statusCode(400);
        assertThat(journalled()).isEqualTo(before);
    }

    @Test
    void aBatchThatIsNotWholeJsonIsRefused() throws Exception {
        long before = journalled();
        for (String body : List.of("{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\"}]} {}",
                "{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\"}", "{\"batch\":{}}", "[]",
                "{\"batch\":[{\"type\":\"identify\",\"userId\":\"u\",}]}")) {
            relay().auth().preemptive().basic(SegmentEnabled.WRITE_KEY, "").body(body).post("/v1/batch")
                    .then().statusCode(400).body("success", equalTo(false));
        }
        assertThat(journalled()).isEqualTo(before);
    }

    @Test
    void aMessageSentTwiceLandsOnce() {
        String id = UUID.randomUUID().toString();
        String body = "{\"userId\":\"twice\",\"messageId\":\"" + id + "\",\"traits\":{}}";
        for (int i = 0; i < 2; i++) {
            relay().auth().preemptive().basic(SegmentEnabled.WRITE_KEY, "").body(body).post("/v1/identify").then().statusCode(200);
        }
        String marker = UUID.randomUUID().toString();
        relay().auth().preemptive().basic(SegmentEnabled.WRITE_KEY, "")
                .body("{\"userId\":\"twice\",\"messageId\":\"" + marker + "\",\"traits\":{}}").post("/v1/identify").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> ids("segment_events").contains(marker));
        assertThat(ids("segment_events").stream().filter(id::equals)).hasSize(1);
    }

    @Test
    void whenTheJournalCannotTakeARequestTheClientIsToldToRetry() throws Exception {
        Path journal = config.dataDir().resolve("journal").resolve("segment");
        // a file the journal holds open (for at most a second after an earlier test's request) takes
        // appends wherever its directory went: block the directory once that file went to delivery
        await().atMost(Duration.ofSeconds(10)).until(() -> !Files.isDirectory(journal) || hiddenFiles(journal) == 0);
        try (var blocked = TestFiles.blockDirectory(journal)) {
            relay().auth().preemptive().basic(SegmentEnabled.WRITE_KEY, "")
                    .body("{\"userId\":\"u\",\"traits\":{}}").post("/v1/identify")
                    .then().statusCode(503).header("Retry-After", "5").body("success", equalTo(false));
        }
    }

    /** Intake sends from the event loop: with the journal route stopped it must answer at once, not wait for a consumer. */
    @Test
    void withTheJournalRouteStoppedTheClientIsToldToRetryAtOnce() throws Exception {
        camel.getRouteController().stopRoute("segment-journal");
        try {
            relay().config(RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                            .setParam("http.socket.timeout", 5000)))
                    .auth().preemptive().basic(SegmentEnabled.WRITE_KEY, "")
                    .body("{\"userId\":\"u\",\"traits\":{}}").post("/v1/identify")
                    .then().statusCode(503).header("Retry-After", "5").body("success", equalTo(false));
        } finally {
            camel.getRouteController().startRoute("segment-journal");
        }
        relay().auth().preemptive().basic(SegmentEnabled.WRITE_KEY, "")
                .body("{\"userId\":\"u\",\"traits\":{}}").post("/v1/identify").then().statusCode(200);
    }
}

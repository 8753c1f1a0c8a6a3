package io.feedbackhub.segment;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.testing.FakeWootricServer;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.RawUpload;
import io.feedbackhub.testing.SegmentEnabled;
import io.feedbackhub.testing.SegmentSmallLimits;
import io.feedbackhub.testing.TestHub;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;

/**
 * What the relay refuses before a body costs memory (a wrong key, a body past its limit, too much
 * in flight, a slow body, a full journal), and its Wootric user cache bounded by bytes.
 */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(SegmentEnabled.class)
@WithTestResource(FakeWootricServer.class)
@WithTestResource(SegmentSmallLimits.class)
class SegmentAdmissionTest {

    /** Long for an answer that comes at once, short against one that waits for a body never sent. */
    static final Duration PROMPT = Duration.ofSeconds(10);
    static final String GOOD = RawUpload.basic(SegmentEnabled.WRITE_KEY);

    @Inject
    HubConfig config;

    @Inject
    SegmentAdmission admission;

    static int port() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    @AfterEach
    void healthyWootric() {
        FakeWootricServer.fake.failWhen = request -> false;
    }

    static Response post(String path, String body) {
        return given().baseUri("http://127.0.0.1").port(port()).contentType("application/json").auth().preemptive()
                .basic(SegmentEnabled.WRITE_KEY, "").body(body).post(path);
    }

    @Test
    void aWrongOrMissingKeyAndATooLongBodyAreRefusedBeforeTheBodyIsSent() {
        // a full-size batch under a wrong key: the 401 comes without a byte of the body
        try (RawUpload upload = RawUpload.start(port(), "/v1/batch", 500_000, Map.of("Authorization", RawUpload.basic("wrong-key")))) {
            String head = upload.head(PROMPT);
            assertThat(head).startsWith("HTTP/1.1 401");
            assertThat(upload.closedByHub(PROMPT)).as("the connection is closed, the body never read").isTrue();
        }
        // 9 MB without any credential: too long for any endpoint, refused on its Content-Length
        try (RawUpload upload = RawUpload.start(port(), "/v1/batch", 9_000_000, Map.of())) {
            assertThat(upload.status(PROMPT)).isEqualTo(413);
        }
        try (RawUpload upload = RawUpload.start(port(), "/v1/identify", 40_000, Map.of("Authorization", GOOD))) {
            assertThat(upload.status(PROMPT)).isEqualTo(413);
        }
        try (RawUpload upload = RawUpload.start(port(), "/v1/nothing", 100, Map.of("Authorization", GOOD))) {
            assertThat(upload.status(PROMPT)).isEqualTo(404);
        }
    }

    @Test
    void aChunkedBodyPastItsEndpointsLimitIsRefusedWhileItStreams() {
        byte[] chunk = "x".repeat(8 * 1024).getBytes(StandardCharsets.US_ASCII);
        for (String path : List.of("/v1/identify", "/v1/batch")) {
            int limit = path.endsWith("batch") ? 512_000 : 32_768;
            try (RawUpload upload = RawUpload.start(port(), path, -1, Map.of("Authorization", GOOD))) {
                int sent = 0;
                while (sent <= limit && upload.send(chunk)) {
                    sent += chunk.length;
                }
                // never finished: today's relay waited for the end of the body before it looked at it
                String head = upload.head(PROMPT);
                assertThat(head).as(path).startsWith("HTTP/1.1 413");
                assertThat(head.toLowerCase()).contains("connection: close");
            }
        }
    }

    @Test
    void aBodyThatDoesNotArriveInTimeIs408() {
        try (RawUpload upload = RawUpload.start(port(), "/v1/identify", 200, Map.of("Authorization", GOOD))) {
            upload.send("{\"userId\":".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            assertThat(upload.status(Duration.ofSeconds(30))).isEqualTo(408);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(1500));
        }
        awaitNothingInFlight();
    }

    @Test
    void pastTheBytesInFlightA429WithRetryAfterAndTheRoomComesBack() {
        List<RawUpload> parked = new ArrayList<>();
        try {
            // two uploads that declare 500 KB each and send nothing hold 1,000,000 of the 1,100,000 bytes
            for (int i = 0; i < 2; i++) {
                parked.add(RawUpload.start(port(), "/v1/batch", 500_000, Map.of("Authorization", GOOD)));
            }
            await().atMost(PROMPT).until(() -> admission.inFlightBytes() == 1_000_000);
            try (RawUpload third = RawUpload.start(port(), "/v1/batch", 500_000, Map.of("Authorization", GOOD))) {
                String head = third.head(PROMPT);
                assertThat(head).startsWith("HTTP/1.1 429");
                assertThat(head).contains("Retry-After: 1");
            }
            // a small one still fits
            post("/v1/identify", "{\"userId\":\"small\",\"traits\":{}}").then().statusCode(200);
        } finally {
            parked.forEach(RawUpload::close);
        }
        // a dropped connection gives its bytes back
        awaitNothingInFlight();
        post("/v1/batch", "{\"batch\":[{\"type\":\"track\",\"event\":\"e\",\"userId\":\"u\"}]}").then().statusCode(200);
    }

    @Test
    void aFullJournalAnswers503UntilDeliveryDrainsItAndLosesNothingItTook() {
        FakeWootricServer.fake.failWhen = request -> request.startsWith("/v1/end_users");
        String run = "full-" + UUID.randomUUID().toString().substring(0, 8);
        String padding = "p".repeat(4000);
        List<String> taken = new ArrayList<>();
        Response refused = null;
        for (int i = 0; i < 100 && refused == null; i++) {
            String id = run + "-" + i;
            Response response = post("/v1/identify", "{\"userId\":\"" + id + "\",\"messageId\":\"" + id + "\",\"traits\":{\"email\":\""
                    + id + "@example.com\",\"pad\":\"" + padding + "\"}}");
            if (response.statusCode() == 200) {
                taken.add(id);
            } else {
                refused = response;
            }
        }
        assertThat(refused).as("a 503 once the journal holds 40 KB").isNotNull();
        refused.then().statusCode(503).header("Retry-After", "30").body("error", containsString("journal is full"));
        assertThat(taken.size()).isBetween(5, 15);

        FakeWootricServer.fake.failWhen = request -> false;
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(HubRuns.table(config.dataDir(), "segment_events").stream()
                .map(e -> e.path("messageId").asText()).filter(id -> id.startsWith(run + "-"))).containsExactlyInAnyOrderElementsOf(taken));
        for (String id : taken) {
            assertThat(FakeWootricServer.fake.endUserByExternalId(id)).as(id).isNotNull();
        }
        // drained: intake takes requests again
        await().atMost(Duration.ofSeconds(30)).until(() -> post("/v1/identify", "{\"userId\":\"" + run + "-after\",\"traits\":{}}")
                .statusCode() == 200);
    }

    @Test
    void theUserCacheHoldsUsersByTheirBytes() {
        String run = "heavy-" + UUID.randomUUID().toString().substring(0, 8);
        int users = 40;
        String value = "v".repeat(1000);
        StringBuilder first = new StringBuilder("{\"batch\":[");
        StringBuilder again = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < users; i++) {
            first.append(i > 0 ? "," : "").append("{\"type\":\"identify\",\"userId\":\"").append(run).append(i)
                    .append("\",\"traits\":{\"email\":\"").append(run).append(i).append("@example.com\"");
            for (int t = 0; t < 10; t++) {
                first.append(",\"trait").append(t).append("\":\"").append(value).append('"');
            }
            first.append("}}");
            again.append(i > 0 ? "," : "").append("{\"type\":\"identify\",\"userId\":\"").append(run).append(i)
                    .append("\",\"traits\":{\"seen\":\"2\"}}");
        }
        // 400 KB against a journal limit of 40 KB: each is taken once the journal is drained
        accepted("/v1/batch", first.append("]}").toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> FakeWootricServer.fake.endUserByExternalId(run + (users - 1)) != null);
        int before = FakeWootricServer.fake.requestLines.size();
        accepted("/v1/batch", again.append("]}").toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Map<String, Object> last = FakeWootricServer.fake.endUserByExternalId(run + (users - 1));
            return last.get("properties") instanceof Map<?, ?> p && "2".equals(p.get("seen"));
        });
        long lookups = List.copyOf(FakeWootricServer.fake.requestLines).subList(before, FakeWootricServer.fake.requestLines.size())
                .stream().filter(line -> line.startsWith("GET /v1/end_users/" + run) && line.contains("lookup_by_external_id")).count();
        // 40 users of about 21 KB each: 300 KB hold at most 14 of them, so most must be looked up again
        // (a cache bounded by a count of users keeps all 40)
        assertThat(lookups).isGreaterThanOrEqualTo(users - 15);
    }

    /** Posts until the relay takes it, as a client honouring Retry-After would (the journal limit is small). */
    static void accepted(String path, String body) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> post(path, body).statusCode() == 200);
    }

    private void awaitNothingInFlight() {
        await().atMost(PROMPT).until(() -> admission.inFlightBytes() == 0);
    }
}

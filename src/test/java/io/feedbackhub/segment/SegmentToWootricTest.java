package io.feedbackhub.segment;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.MessageBuilder;
import com.segment.analytics.messages.PageMessage;

import io.feedbackhub.testing.FakeWootricServer;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.SegmentClient;
import io.feedbackhub.testing.SegmentEnabled;
import io.feedbackhub.testing.TestHub;
import io.feedbackhub.testing.fake.FakeWootric;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Segment's Java client in, Wootric end users out: mapping, returning users, page visits, outages. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(SegmentEnabled.class)
@WithTestResource(FakeWootricServer.class)
class SegmentToWootricTest {

    FakeWootric fake;

    @BeforeEach
    void healthyWootric() {
        fake = FakeWootricServer.fake;
        fake.failWhen = request -> false;
        fake.slowRequests.set(0);
        fake.slowWhen = request -> true;
    }

    static int port() {
        return ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
    }

    /**
     * Delivery is one message after another: once a marker sent last has arrived, everything sent
     * before it has been dealt with. Returns how many Wootric API requests (token calls aside) came
     * since {@code from} (an index in the fake's request log), before the marker's own.
     */
    int awaitDeliveredSoFar(int from) {
        String marker = "marker-" + UUID.randomUUID();
        post("/v1/identify", "{\"userId\":\"" + marker + "\",\"traits\":{\"email\":\"" + marker + "@example.com\"}}");
        await().atMost(Duration.ofSeconds(30)).until(() -> fake.endUserByExternalId(marker) != null);
        List<String> lines = List.copyOf(fake.requestLines);
        int calls = 0;
        for (int i = from; i < lines.size(); i++) {
            if (lines.get(i).contains(marker)) {
                return calls;
            }
            calls += lines.get(i).matches("\\w+ /v1/.*") ? 1 : 0;
        }
        throw new AssertionError("the marker's look-up is not in the request log");
    }

    static void post(String path, String body) {
        given().baseUri("http://127.0.0.1").port(port()).contentType("application/json").auth().preemptive()
                .basic(SegmentEnabled.WRITE_KEY, "").body(body).post(path).then().statusCode(200);
    }

    static void send(List<? extends MessageBuilder<?, ?>> messages) {
        SegmentClient.send("http://127.0.0.1:" + port(), SegmentEnabled.WRITE_KEY, messages);
    }

    @Test
    void identifiesBecomeWootricEndUsersWithTheDocumentedMapping() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        int users = 20;
        List<IdentifyMessage.Builder> identifies = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            identifies.add(IdentifyMessage.builder().userId(run + "-" + i).traits(Map.of(
                    "email", run + i + "@example.com", "createdAt", i % 2 == 0 ? "2018-08-03T15:28:46.493Z" : "2018-08-03T15:28:46.500Z",
                    "language", "ES", "plan", "Pro", "renewal", "2015-01-01")));
        }
        send(identifies);
        await().atMost(Duration.ofSeconds(30)).until(() -> fake.endUserByExternalId(run + "-" + (users - 1)) != null);
        for (int i = 0; i < users; i++) {
            Map<String, Object> user = fake.endUserByExternalId(run + "-" + i);
            assertThat(user).as("user " + i).isNotNull();
            assertThat(user.get("email")).isEqualTo(run + i + "@example.com");
            assertThat(user.get("external_created_at")).isEqualTo(i % 2 == 0 ? 1533310126L : 1533310127L);
            assertThat(user.get("properties")).isEqualTo(Map.of("language", "ES", "plan", "Pro", "renewal_date", "1420070400"));
        }
    }

    @Test
    void aReturningUserCostsOneCallAndPagesSetTheLastPageSeen() {
        String user = "returning-" + UUID.randomUUID().toString().substring(0, 8);
        send(List.of(IdentifyMessage.builder().userId(user).traits(Map.of("email", user + "@example.com", "plan", "Lite"))));
        await().atMost(Duration.ofSeconds(20)).until(() -> fake.endUserByExternalId(user) != null);
        int before = fake.requestLines.size();
        // one request each, so nothing is coalesced: the cache alone saves the look-ups
        for (int i = 0; i < 10; i++) {
            post("/v1/identify", "{\"userId\":\"" + user + "\",\"traits\":{\"seats\":\"" + i + "\"}}");
        }
        send(List.of(PageMessage.builder("Pricing").userId(user).properties(Map.of("url", "https://example.com/pricing"))
                .timestamp(java.util.Date.from(java.time.Instant.parse("2024-05-01T10:00:00.600Z")))));
        int calls = awaitDeliveredSoFar(before);
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> properties = (Map<String, Object>) fake.endUserByExternalId(user).get("properties");
            return "https://example.com/pricing".equals(properties.get("last_page_url"));
        });
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) fake.endUserByExternalId(user).get("properties");
        assertThat(properties).containsEntry("plan", "Lite").containsEntry("seats", "9")
                .containsEntry("last_page_seen_at", "1714557601");
        assertThat(calls).as("calls for 10 identifies and a page of a known user").isEqualTo(11);
    }

    @Test
    void pagesOfAnUnknownUserCostOneLookupAndWriteNothing() {
        String nobody = "nobody-" + UUID.randomUUID();
        int before = fake.requestLines.size();
        send(List.of(PageMessage.builder("Home").userId(nobody).properties(Map.of("url", "https://example.com/"))));
        // the next page views, each its own request: Wootric's "not found" is remembered (hub.segment.unknown-user-ttl)
        for (int i = 0; i < 5; i++) {
            post("/v1/page", "{\"userId\":\"" + nobody + "\",\"name\":\"Page " + i + "\",\"properties\":{\"url\":\"https://example.com/" + i + "\"}}");
        }
        assertThat(awaitDeliveredSoFar(before)).as("one look-up for six page views, no write").isEqualTo(1);
        assertThat(fake.writes).noneMatch(w -> nobody.equals(w.get("external_id")));
    }

    @Test
    void aUserUnknownToAPageViewIsStillFoundOrCreatedByAnIdentifyAndItsPagesThenCount() {
        String later = "later-" + UUID.randomUUID().toString().substring(0, 8);
        post("/v1/page", "{\"userId\":\"" + later + "\",\"properties\":{\"url\":\"https://example.com/a\"}}");
        post("/v1/identify", "{\"userId\":\"" + later + "\",\"traits\":{\"email\":\"" + later + "@example.com\"}}");
        post("/v1/page", "{\"userId\":\"" + later + "\",\"properties\":{\"url\":\"https://example.com/b\"}}");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Map<String, Object> user = fake.endUserByExternalId(later);
            return user != null && user.get("properties") instanceof Map<?, ?> p && "https://example.com/b".equals(p.get("last_page_url"));
        });
    }

    @Test
    void eventsSentWhileWootricIsDownAllArriveOnceAfterItRecovers() {
        String run = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        fake.failWhen = request -> request.startsWith("/v1/end_users");
        List<IdentifyMessage.Builder> identifies = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            identifies.add(IdentifyMessage.builder().userId(run + "-" + i).traits(Map.of("email", run + i + "@example.com")));
        }
        send(identifies);
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> fake.endUserByExternalId(run + "-0") == null);
        fake.failWhen = request -> false;
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            for (int i = 0; i < 8; i++) {
                if (fake.endUserByExternalId(run + "-" + i) == null) {
                    return false;
                }
            }
            return true;
        });
        long created = List.copyOf(fake.writes).stream().filter(w -> w.get("_method").equals("POST") && String.valueOf(w.get("external_id")).startsWith(run)).count();
        assertThat(created).as("each user created once").isEqualTo(8);
    }

    @Test
    void aNewUserWithoutAnEmailIsADeadLetterWithItsReason() {
        String id = UUID.randomUUID().toString();
        given().baseUri("http://127.0.0.1").port(port()).contentType("application/json").auth().preemptive()
                .basic(SegmentEnabled.WRITE_KEY, "")
                .body("{\"userId\":\"no-mail-" + id + "\",\"messageId\":\"" + id + "\",\"traits\":{\"plan\":\"Pro\"}}")
                .post("/v1/identify").then().statusCode(200);
        java.nio.file.Path data = java.nio.file.Path.of(ConfigProvider.getConfig().getValue("hub.data-dir", String.class));
        await().atMost(Duration.ofSeconds(20)).until(() -> io.feedbackhub.testing.HubRuns.table(data, "segment_dead_letters").stream()
                .anyMatch(l -> l.path("id").asText().equals(id) && l.path("reason").asText().startsWith("no_email")));
    }

    @Test
    void identifiesOfOneUserInOneBatchMakeOneWrite() {
        String user = "batched-" + UUID.randomUUID().toString().substring(0, 8);
        StringBuilder batch = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 5; i++) {
            batch.append(i > 0 ? "," : "").append("{\"type\":\"identify\",\"userId\":\"").append(user)
                    .append("\",\"traits\":{\"email\":\"").append(user).append("@example.com\",\"step\":\"").append(i)
                    .append(i == 2 ? "\",\"plan\":\"Pro" : "").append("\"}}");
        }
        int before = fake.requestLines.size();
        post("/v1/batch", batch.append("]}").toString());
        int calls = awaitDeliveredSoFar(before);
        assertThat(List.copyOf(fake.writes).stream().filter(w -> user.equals(w.get("external_id")))).hasSize(1);
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) fake.endUserByExternalId(user).get("properties");
        assertThat(properties).containsEntry("step", "4").containsEntry("plan", "Pro");
        // a new user: look up by external id, by e-mail, then one create, for five identifies
        assertThat(calls).isEqualTo(3);
    }

    @Test
    void aUserFoundByEmailIsUpdatedAndGetsTheUserIdUnlessItHasAnotherSystemsId() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> plain = fake.addEndUser(1_500_000_000L, 1_500_000_000L);
        plain.put("email", run + "-plain@example.com");
        plain.put("external_id", null);
        Map<String, Object> owned = fake.addEndUser(1_500_000_000L, 1_500_000_000L);
        owned.put("email", run + "-owned@example.com");
        owned.put("external_id", "crm-" + run);

        post("/v1/identify", "{\"userId\":\"" + run + "-a\",\"traits\":{\"email\":\"" + run + "-plain@example.com\",\"plan\":\"Pro\"}}");
        post("/v1/identify", "{\"userId\":\"" + run + "-b\",\"traits\":{\"email\":\"" + run + "-owned@example.com\",\"plan\":\"Team\"}}");
        awaitDeliveredSoFar(fake.requestLines.size());

        // found by e-mail, no id of its own: updated and now found by the userId
        assertThat(fake.endUserByExternalId(run + "-a")).isNotNull().containsEntry("id", plain.get("id"));
        @SuppressWarnings("unchecked")
        Map<String, Object> plainProperties = (Map<String, Object>) fake.endUserByExternalId(run + "-a").get("properties");
        assertThat(plainProperties).containsEntry("plan", "Pro");
        // found by e-mail with another system's external_id: updated, that id kept, no second user made
        assertThat(fake.endUserByExternalId("crm-" + run)).isNotNull().containsEntry("id", owned.get("id"));
        @SuppressWarnings("unchecked")
        Map<String, Object> ownedProperties = (Map<String, Object>) fake.endUserByExternalId("crm-" + run).get("properties");
        assertThat(ownedProperties).containsEntry("plan", "Team");
        assertThat(fake.endUserByExternalId(run + "-b")).isNull();
        // no user of this run's e-mails was created (other tests' deliveries may still create theirs)
        assertThat(fake.rows("end_users").stream().filter(u -> String.valueOf(u.get("email")).startsWith(run)))
                .extracting(u -> u.get("id")).containsExactlyInAnyOrder(plain.get("id"), owned.get("id"));
    }

    @Test
    void theSameMessageIdTwiceIsOneWootricWrite() {
        String user = "retried-" + UUID.randomUUID().toString().substring(0, 8);
        String body = "{\"userId\":\"" + user + "\",\"messageId\":\"" + UUID.randomUUID()
                + "\",\"traits\":{\"email\":\"" + user + "@example.com\"}}";
        for (int i = 0; i < 2; i++) {
            // a client that resends after a lost answer
            post("/v1/identify", body);
        }
        awaitDeliveredSoFar(fake.requestLines.size());
        assertThat(List.copyOf(fake.writes).stream().filter(w -> user.equals(w.get("external_id")))).hasSize(1);
    }

    @Test
    void aMessageTheRelayCannotReadHoldsUpNothingBehindIt() {
        String odd = "odd-" + UUID.randomUUID().toString().substring(0, 8);
        post("/v1/identify", "{\"userId\":\"" + odd + "\",\"traits\":{\"email\":\"" + odd + "@example.com\",\"createdAt\":1e30}}");
        awaitDeliveredSoFar(fake.requestLines.size());
        Map<String, Object> user = fake.endUserByExternalId(odd);
        assertThat(user).isNotNull();
        assertThat(user.get("email")).isEqualTo(odd + "@example.com");
    }

    @Test
    void aCachedUserDeletedInWootricIsFoundOrCreatedAgain() {
        String user = "deleted-" + UUID.randomUUID().toString().substring(0, 8);
        post("/v1/identify", "{\"userId\":\"" + user + "\",\"traits\":{\"email\":\"" + user + "@example.com\"}}");
        await().atMost(Duration.ofSeconds(20)).until(() -> fake.endUserByExternalId(user) != null);
        fake.remove("end_users", (Long) fake.endUserByExternalId(user).get("id"));
        post("/v1/identify", "{\"userId\":\"" + user + "\",\"traits\":{\"email\":\"" + user + "@example.com\",\"plan\":\"Team\"}}");
        await().atMost(Duration.ofSeconds(20)).until(() -> fake.endUserByExternalId(user) != null);
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) fake.endUserByExternalId(user).get("properties");
        assertThat(properties).containsEntry("plan", "Team");
    }

    @Test
    void aCreateThatTimedOutAfterWootricDidItIsNotRepeated() {
        String user = "slow-create-" + UUID.randomUUID().toString().substring(0, 8);
        // Wootric creates the user but answers after the client gave up
        fake.slowWhen = request -> request.equals("POST /v1/end_users");
        fake.slowMillis = 4_000;
        fake.slowRequests.set(1);
        post("/v1/identify", "{\"userId\":\"" + user + "\",\"traits\":{\"email\":\"" + user + "@example.com\",\"plan\":\"Pro\"}}");
        awaitDeliveredSoFar(fake.requestLines.size());
        assertThat(fake.rows("end_users").stream().filter(u -> user.equals(u.get("external_id")))).hasSize(1);
        assertThat(List.copyOf(fake.writes).stream().filter(w -> user.equals(w.get("external_id")) && w.get("_method").equals("POST"))).hasSize(1);
    }

    @Test
    void theIntegrationsObjectKeepsMessagesOutOfWootricAsSegmentDoes() {
        String run = "flags-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> integrations = new LinkedHashMap<>();
        integrations.put("off", "{\"Wootric\":false}");
        integrations.put("alloff", "{\"All\":false}");
        integrations.put("wootricon", "{\"All\":false,\"Wootric\":true}");
        integrations.put("options", "{\"All\":false,\"Wootric\":{\"note\":\"options enable it\"}}");
        // Segment matches destination names case-sensitively: "wootric" is some other destination
        integrations.put("lowercase", "{\"wootric\":false}");
        integrations.put("none", null);
        int before = fake.requestLines.size();
        for (Map.Entry<String, String> c : integrations.entrySet()) {
            String user = run + "-" + c.getKey();
            post("/v1/identify", "{\"userId\":\"" + user + "\",\"messageId\":\"" + user + "\",\"traits\":{\"email\":\"" + user
                    + "@example.com\"}" + (c.getValue() == null ? "" : ",\"integrations\":" + c.getValue()) + "}");
        }
        // a page too, and the batch's own integrations object, merged into each message's (the message's keys win)
        post("/v1/page", "{\"userId\":\"" + run + "-wootricon\",\"messageId\":\"" + run + "-pageoff\",\"name\":\"Home\","
                + "\"properties\":{\"url\":\"https://example.com/off\"},\"integrations\":{\"Wootric\":false}}");
        post("/v1/batch", "{\"integrations\":{\"All\":false},\"batch\":["
                + "{\"type\":\"identify\",\"userId\":\"" + run + "-batchoff\",\"messageId\":\"" + run + "-batchoff\","
                + "\"traits\":{\"email\":\"" + run + "-batchoff@example.com\"}},"
                + "{\"type\":\"identify\",\"userId\":\"" + run + "-batchon\",\"messageId\":\"" + run + "-batchon\","
                + "\"traits\":{\"email\":\"" + run + "-batchon@example.com\"},\"integrations\":{\"Wootric\":true}},"
                // two of one user: the one kept out of Wootric is not merged into the other's write
                + "{\"type\":\"identify\",\"userId\":\"" + run + "-mixed\",\"traits\":{\"email\":\"" + run + "-mixed@example.com\","
                + "\"secret\":\"yes\"}},"
                + "{\"type\":\"identify\",\"userId\":\"" + run + "-mixed\",\"traits\":{\"email\":\"" + run + "-mixed@example.com\","
                + "\"plan\":\"Pro\"},\"integrations\":{\"Wootric\":true}}]}");
        awaitDeliveredSoFar(before);

        List<String> lines = List.copyOf(fake.requestLines);
        List<String> calls = lines.subList(before, lines.size());
        for (String off : List.of("off", "alloff", "batchoff")) {
            String user = run + "-" + off;
            assertThat(fake.endUserByExternalId(user)).as(off).isNull();
            assertThat(calls).as("no Wootric call for " + off).noneMatch(line -> line.contains(user));
        }
        for (String on : List.of("wootricon", "options", "lowercase", "none", "batchon")) {
            assertThat(fake.endUserByExternalId(run + "-" + on)).as(on).isNotNull();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> properties = (Map<String, Object>) fake.endUserByExternalId(run + "-wootricon").get("properties");
        assertThat(properties).as("the page with Wootric off set nothing").doesNotContainKey("last_page_url");
        @SuppressWarnings("unchecked")
        Map<String, Object> mixed = (Map<String, Object>) fake.endUserByExternalId(run + "-mixed").get("properties");
        assertThat(mixed).containsEntry("plan", "Pro").doesNotContainKey("secret");

        // every message is still in the catalog, the ones kept out of Wootric too
        Path data = Path.of(ConfigProvider.getConfig().getValue("hub.data-dir", String.class));
        List<String> events = HubRuns.table(data, "segment_events").stream()
                .map(e -> e.path("messageId").asText()).toList();
        for (String id : List.of("off", "alloff", "wootricon", "options", "lowercase", "none", "pageoff", "batchoff", "batchon")) {
            assertThat(events).as(id).contains(run + "-" + id);
        }
        assertThat(HubRuns.table(data, "segment_pages")).anyMatch(p -> p.path("messageId").asText().equals(run + "-pageoff"));
        assertThat(HubRuns.table(data, "segment_dead_letters")).noneMatch(l -> l.path("id").asText().startsWith(run));
    }
}

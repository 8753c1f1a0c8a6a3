package io.feedbackhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.segment.analytics.messages.IdentifyMessage;
import com.segment.analytics.messages.MessageBuilder;
import com.segment.analytics.messages.PageMessage;

import io.feedbackhub.testing.HubProcess;
import io.feedbackhub.testing.SegmentClient;
import io.feedbackhub.testing.fake.FakeWootric;

/**
 * The acceptance of the relay against the packaged hub: Segment's Java client gets success for N
 * users' identify and page while Wootric is unreachable; the hub is restarted before Wootric comes
 * back; then every user arrives, each once, with the right fields.
 */
class SegmentRelayIT {

    static final String WRITE_KEY = "itRelayWriteKey";

    @TempDir
    Path data;

    /** A port nothing listens on (yet): Wootric down until a fake starts on it. */
    private static int closedPort() throws Exception {
        try (FakeWootric gone = new FakeWootric()) {
            return gone.port();
        }
    }

    /** A relay hub delivering to a Wootric at this port. */
    private static Map<String, String> relayTo(int port) {
        return Map.of(
                "HUB_SEGMENT_ENABLED", "true",
                "HUB_SEGMENT_WRITE_KEYS", WRITE_KEY,
                "HUB_WOOTRIC_BASE_URL", "http://127.0.0.1:" + port,
                "HUB_WOOTRIC_USERNAME", FakeWootric.USERNAME,
                "HUB_WOOTRIC_PASSWORD", FakeWootric.PASSWORD,
                "HUB_WOOTRIC_RETRY_DELAY", "100ms");
    }

    @Test
    void everyEventSentDuringAnOutageArrivesOnceAfterARestart() throws Exception {
        int port = closedPort();
        Map<String, String> env = relayTo(port);
        int users = 25;
        try (HubProcess hub = HubProcess.create(data, env).start().awaitReady(Duration.ofSeconds(60))) {
            List<MessageBuilder<?, ?>> messages = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                messages.add(IdentifyMessage.builder().userId("user-" + i)
                        .traits(Map.of("email", "user" + i + "@example.com", "createdAt", "2018-08-03T15:28:46.500Z", "plan", "Pro")));
                messages.add(PageMessage.builder("Home").userId("user-" + i).properties(Map.of("url", "https://example.com/")));
            }
            SegmentClient.send("http://127.0.0.1:" + hub.publicPort(), WRITE_KEY, messages);
            hub.stop();
        }
        try (FakeWootric back = new FakeWootric(port);
                HubProcess hub = HubProcess.create(data, env).start().awaitReady(Duration.ofSeconds(60))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (int i = 0; i < users; i++) {
                    Map<String, Object> user = back.endUserByExternalId("user-" + i);
                    if (user == null || !(user.get("properties") instanceof Map<?, ?> p && p.containsKey("last_page_url"))) {
                        return false;
                    }
                }
                return true;
            });
            for (int i = 0; i < users; i++) {
                Map<String, Object> user = back.endUserByExternalId("user-" + i);
                assertThat(user.get("email")).isEqualTo("user" + i + "@example.com");
                assertThat(user.get("external_created_at")).isEqualTo(1533310127L);
                @SuppressWarnings("unchecked")
                Map<String, Object> properties = (Map<String, Object>) user.get("properties");
                assertThat(properties).containsEntry("plan", "Pro").containsEntry("last_page_url", "https://example.com/");
            }
            assertThat(back.rows("end_users")).hasSize(users);
            assertThat(back.writes.stream().filter(w -> w.get("_method").equals("POST"))).as("each user created once").hasSize(users);
            hub.stop();
        }
    }

    @Test
    void everyEventAnswered200ArrivesAfterAKillMinus9() throws Exception {
        int port = closedPort();
        Map<String, String> env = relayTo(port);
        int users = 20;
        try (HubProcess hub = HubProcess.create(data, env).start().awaitReady(Duration.ofSeconds(60))) {
            for (int i = 0; i < users; i++) {
                assertThat(identify(hub, "{\"userId\":\"killed-" + i + "\",\"traits\":{\"email\":\"killed" + i + "@example.com\"}}"))
                        .isEqualTo(200);
            }
            // at once, while the journal's file is most likely still hidden (it goes to delivery after a second)
            hub.kill();
        }
        try (FakeWootric back = new FakeWootric(port);
                HubProcess hub = HubProcess.create(data, env).start().awaitReady(Duration.ofSeconds(60))) {
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (int i = 0; i < users; i++) {
                    if (back.endUserByExternalId("killed-" + i) == null) {
                        return false;
                    }
                }
                return true;
            });
            assertThat(back.rows("end_users")).hasSize(users);
            hub.stop();
        }
        try (var files = java.nio.file.Files.list(data.resolve("journal").resolve("segment"))) {
            assertThat(files.map(f -> f.getFileName().toString())).noneMatch(name -> name.startsWith(".inflight-"));
        }
    }

    @Test
    void aMessageResentAfterARestartIsNotDeliveredAgain() throws Exception {
        try (FakeWootric wootric = new FakeWootric()) {
            Map<String, String> env = Map.of(
                    "HUB_SEGMENT_ENABLED", "true",
                    "HUB_SEGMENT_WRITE_KEYS", WRITE_KEY,
                    "HUB_WOOTRIC_BASE_URL", wootric.baseUrl(),
                    "HUB_WOOTRIC_USERNAME", FakeWootric.USERNAME,
                    "HUB_WOOTRIC_PASSWORD", FakeWootric.PASSWORD);
            String message = "{\"userId\":\"again\",\"messageId\":\"m-again-1\",\"traits\":{\"email\":\"again@example.com\"}}";
            try (HubProcess hub = HubProcess.create(data, env).start().awaitReady(Duration.ofSeconds(60))) {
                assertThat(identify(hub, message)).isEqualTo(200);
                await().atMost(Duration.ofSeconds(30)).until(() -> wootric.endUserByExternalId("again") != null);
                hub.stop();
            }
            try (HubProcess hub = HubProcess.create(data, env).start().awaitReady(Duration.ofSeconds(60))) {
                // the client never saw the first answer and sends the same message again
                assertThat(identify(hub, message)).isEqualTo(200);
                assertThat(identify(hub, "{\"userId\":\"marker\",\"traits\":{\"email\":\"marker@example.com\"}}")).isEqualTo(200);
                await().atMost(Duration.ofSeconds(30)).until(() -> wootric.endUserByExternalId("marker") != null);
                hub.stop();
            }
            assertThat(wootric.writes.stream().filter(w -> "again".equals(w.get("external_id")))).hasSize(1);
        }
    }

    private static int identify(HubProcess hub, String body) throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + hub.publicPort() + "/v1/identify"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString((WRITE_KEY + ":").getBytes()))
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
        return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}

package io.feedbackhub.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.segment.analytics.messages.IdentifyMessage;

import io.feedbackhub.testing.FakeWootricServer;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.LogCapture;
import io.feedbackhub.testing.SegmentClient;
import io.feedbackhub.testing.SegmentEnabled;
import io.feedbackhub.testing.TestHub;
import io.feedbackhub.testing.fake.FakeWootric;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A catalog that cannot be written after Wootric took a message: the catalog step is retried with
 * the delivery's growing pauses, Wootric is not written again, and nothing is lost once it heals.
 */
@QuarkusTest
@WithTestResource(SegmentCatalogOutageTest.BlockedCatalog.class)
@WithTestResource(SegmentEnabled.class)
@WithTestResource(FakeWootricServer.class)
class SegmentCatalogOutageTest {

    /** The test hub with a directory where the table file {@code segment_events.jsonl} goes: every append fails. */
    public static class BlockedCatalog extends TestHub {
        static Path blocker;

        @Override
        public Map<String, String> start() {
            Map<String, String> config = super.start();
            blocker = dataDir.resolve("catalog").resolve("segment_events.jsonl");
            try {
                Files.createDirectories(blocker);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return config;
        }
    }

    @Test
    void aCatalogOutageIsRetriedWithGrowingPausesAndWootricIsWrittenOnce() throws Exception {
        FakeWootric fake = FakeWootricServer.fake;
        String run = "outage-" + UUID.randomUUID().toString().substring(0, 8);
        int users = 5;
        List<String> wootricIds = new ArrayList<>();
        List<IdentifyMessage.Builder> identifies = new ArrayList<>();
        for (int i = 0; i < users; i++) {
            // users Wootric knows already: each identify is one look-up and one PUT
            Map<String, Object> user = fake.addEndUser(1_700_000_000L, 1_700_000_000L);
            user.put("external_id", run + "-" + i);
            wootricIds.add(String.valueOf(user.get("id")));
            identifies.add(IdentifyMessage.builder().userId(run + "-" + i).traits(Map.of("plan", "Pro" + i)));
        }

        LogCapture failedWrites = LogCapture.of(text -> text.contains("cannot write to") && text.contains("segment_events.jsonl"));
        try (failedWrites) {
            SegmentClient.send("http://127.0.0.1:" + ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class),
                    SegmentEnabled.WRITE_KEY, identifies);
            await().atMost(Duration.ofSeconds(30)).until(() -> puts(fake, wootricIds.get(0)) > 0);
            // an outage of several seconds after Wootric took the first message: four failed writes (0, 1, 3, 7 s)
            await().atMost(Duration.ofSeconds(30)).until(() -> attempts(failedWrites.times()).size() >= 4);
            assertThat(puts(fake, wootricIds.get(0))).as("PUTs of the first message during the outage").isEqualTo(1);
            Files.delete(BlockedCatalog.blocker);

            Path data = Path.of(ConfigProvider.getConfig().getValue("hub.data-dir", String.class));
            await().atMost(Duration.ofSeconds(60)).until(() -> HubRuns.table(data, "segment_events").size() >= users);
            // no late duplicate behind the last one
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> HubRuns.table(data, "segment_events").size() == users);
            List<String> recorded = HubRuns.table(data, "segment_events").stream().map(e -> e.path("userId").asText()).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < users; i++) {
                expected.add(run + "-" + i);
            }
            assertThat(recorded).as("every event in the catalog exactly once").containsExactlyInAnyOrderElementsOf(expected);
            for (int i = 0; i < users; i++) {
                assertThat(puts(fake, wootricIds.get(i))).as("PUTs of user " + i).isEqualTo(1);
            }
            assertThat(HubRuns.table(data, "segment_events")).extracting(JsonNode::toString).doesNotHaveDuplicates();
        }

        List<Instant> attempts = attempts(failedWrites.times());
        assertThat(attempts).as("failed catalog writes during a 7 s outage: a few, not one every poll").hasSizeBetween(3, 6);
        List<Long> gaps = new ArrayList<>();
        for (int i = 1; i < attempts.size(); i++) {
            gaps.add(Duration.between(attempts.get(i - 1), attempts.get(i)).toMillis());
        }
        assertThat(gaps.get(0)).as("the first pause (gaps %s)", gaps).isGreaterThanOrEqualTo(800);
        for (int i = 1; i < gaps.size(); i++) {
            assertThat(gaps.get(i)).as("pause %d grows (gaps %s)", i, gaps).isGreaterThan(gaps.get(i - 1) * 3 / 2);
        }
    }

    private static long puts(FakeWootric fake, String wootricId) {
        synchronized (fake.writes) {
            return List.copyOf(fake.writes).stream().filter(w -> "PUT".equals(w.get("_method")) && wootricId.equals(w.get("_id"))).count();
        }
    }

    /** The log may say a failure more than once: one attempt is the lines within 200 ms (in time order). */
    private static List<Instant> attempts(List<Instant> logged) {
        List<Instant> attempts = new ArrayList<>();
        for (Instant at : logged) {
            if (attempts.isEmpty() || Duration.between(attempts.get(attempts.size() - 1), at).toMillis() > 200) {
                attempts.add(at);
            }
        }
        return attempts;
    }
}

package io.feedbackhub.segment;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.testing.FakeWootricServer;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.SegmentEnabled;
import io.feedbackhub.testing.SegmentShortRetention;
import io.feedbackhub.testing.TestHub;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Delivered journal files (personal data) do not stay forever; pending ones are never touched. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(SegmentEnabled.class)
@WithTestResource(SegmentShortRetention.class)
@WithTestResource(FakeWootricServer.class)
class SegmentJournalRetentionTest {

    @Inject
    HubConfig config;

    @Test
    void deliveredJournalFilesAreDeletedAfterTheRetentionAndPendingOnesStay() throws Exception {
        Path journal = config.dataDir().resolve("journal").resolve("segment");
        Files.createDirectories(journal);
        // a pending entry the reader cannot take yet (not .jsonl) must survive any retention
        Path pending = Files.writeString(journal.resolve("kept-while-pending.txt"), "x");
        String id = UUID.randomUUID().toString();
        given().baseUri("http://127.0.0.1").port(ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class))
                .contentType("application/json").auth().preemptive().basic(SegmentEnabled.WRITE_KEY, "")
                .body("{\"userId\":\"r1\",\"messageId\":\"" + id + "\",\"event\":\"e\"}").post("/v1/track").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> HubRuns.table(config.dataDir(), "segment_events").stream()
                .anyMatch(e -> e.path("messageId").asText().equals(id)));
        await().atMost(Duration.ofSeconds(10)).until(() -> done(journal).size() == 1);
        await().atMost(Duration.ofSeconds(15)).until(() -> done(journal).isEmpty());
        assertThat(pending).exists();
        assertThat(HubRuns.table(config.dataDir(), "segment_events").stream().filter(e -> e.path("messageId").asText().equals(id)))
                .hasSize(1);
    }

    private static List<Path> done(Path journal) throws Exception {
        Path done = journal.resolve("done");
        if (!Files.isDirectory(done)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(done)) {
            return files.filter(p -> p.toString().endsWith(".jsonl")).toList();
        }
    }
}

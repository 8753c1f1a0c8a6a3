package io.feedbackhub.wootric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.state.SyncState;
import io.feedbackhub.testing.FakeWootricServer;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.Management;
import io.feedbackhub.testing.TestHub;
import io.feedbackhub.testing.WootricCatalog;
import io.feedbackhub.testing.fake.FakeWootric;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The core removal guard on Wootric's replaced tables: a source that answers 200 with nothing empties no table. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(FakeWootricServer.class)
class WootricRemovalGuardTest {

    static final long JUNE = Instant.parse("2024-06-01T00:00:00Z").getEpochSecond();
    static final List<String> STREAMS = List.of("end_users", "responses", "declines");
    static final List<String> TABLES = List.of("wootric_end_users", "wootric_responses", FakeWootricServer.DECLINES_TABLE);

    @Inject
    HubConfig config;

    @Inject
    SyncState state;

    FakeWootric fake;
    Path data;

    @BeforeEach
    void emptyServerAndCatalog() throws Exception {
        fake = FakeWootricServer.fake;
        for (String stream : STREAMS) {
            fake.rows(stream).forEach(row -> fake.remove(stream, (Long) row.get("id")));
            state.put("wootric", stream, "cursor", "");
            state.put("wootric", stream, "synced-to", "");
        }
        fake.failureRate = 0;
        fake.failWhen = request -> false;
        data = config.dataDir();
        for (String table : TABLES) {
            // emptied, not deleted: the running catalog keeps its table files open
            Path file = data.resolve("catalog").resolve(table + ".jsonl");
            if (Files.exists(file)) {
                Files.write(file, new byte[0]);
            }
        }
    }

    void seed(int users, int responses, int declines) {
        for (int i = 0; i < users; i++) {
            fake.addEndUser(JUNE + i * 3_600L, JUNE + i * 3_600L + 600);
        }
        for (int i = 0; i < responses; i++) {
            fake.addResponse("responses", JUNE + i * 1_800L, JUNE + i * 1_800L + 60);
        }
        for (int i = 0; i < declines; i++) {
            fake.addResponse("declines", JUNE + i * 7_200L, JUNE + i * 7_200L);
        }
    }

    void emptyTheSource(String... streams) {
        for (String stream : streams) {
            fake.rows(stream).forEach(row -> fake.remove(stream, (Long) row.get("id")));
        }
    }

    Map<String, byte[]> tables() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (String table : TABLES) {
            files.put(table, Files.readAllBytes(data.resolve("catalog").resolve(table + ".jsonl")));
        }
        return files;
    }

    Map<String, Optional<String>> bookmarks() {
        Map<String, Optional<String>> marks = new LinkedHashMap<>();
        STREAMS.forEach(stream -> marks.put(stream, state.get("wootric", stream, "synced-to")));
        return marks;
    }

    static Map<String, Object> confirmed(String mode) {
        String runId = Management.request().queryParam("mode", mode).queryParam("confirm-removals", "true")
                .post("/hub/connectors/wootric/run").then().statusCode(202).extract().path("runId");
        return HubRuns.awaitEnd("wootric", runId);
    }

    /** Bookmarks are run start seconds: the next run must start in a later one to tell them apart. */
    static void afterThisSecond() {
        long second = Instant.now().getEpochSecond();
        await().atMost(Duration.ofSeconds(2)).until(() -> Instant.now().getEpochSecond() > second);
    }

    @Test
    void aFullRunThatFindsNothingIsHeldAndAppliedOnlyWhenConfirmed() throws Exception {
        seed(60, 40, 12);
        assertThat(HubRuns.runToEnd("wootric", "full")).containsEntry("status", "SUCCEEDED");
        Map<String, byte[]> before = tables();
        Map<String, Optional<String>> marks = bookmarks();
        assertThat(WootricCatalog.current(data, "wootric_end_users")).hasSize(60);

        // a wrong account token: every list answers 200 with []
        emptyTheSource("end_users", "responses", "declines");
        afterThisSecond();
        Map<String, Object> held = HubRuns.runToEnd("wootric", "full");

        assertThat(held).containsEntry("status", "FAILED");
        assertThat((String) held.get("error")).startsWith("HELD by the mass-removal guard, nothing of this run was applied")
                .contains(FakeWootricServer.DECLINES_TABLE + ": 12 rows would become 0 (100 % removed), more than hub.wootric.max-removal-percent=50")
                .contains("wootric_end_users: 60 rows would become 0 (100 % removed), more than hub.wootric.max-removal-percent=50")
                .contains("wootric_responses: 40 rows would become 0 (100 % removed)")
                .contains("POST /hub/connectors/wootric/run?mode=full&confirm-removals=true");
        // the run's own page names the guard's reason, apart from the error
        Management.request().get("/hub/runs/" + held.get("id")).then().statusCode(200)
                .body("status", org.hamcrest.Matchers.equalTo("FAILED"))
                .body("held", org.hamcrest.Matchers.containsString("wootric_end_users: 60 rows would become 0 (100 % removed)"))
                .body("held", org.hamcrest.Matchers.containsString(FakeWootricServer.DECLINES_TABLE + ": 12 rows would become 0"));
        Map<String, byte[]> after = tables();
        TABLES.forEach(table -> assertThat(after.get(table)).as(table).isEqualTo(before.get(table)));
        assertThat(WootricCatalog.current(data, "wootric_end_users")).hasSize(60);
        assertThat(bookmarks()).isEqualTo(marks);
        try (var staging = Files.list(data.resolve("catalog").resolve(".staging"))) {
            assertThat(staging).isEmpty();
        }

        afterThisSecond();
        Map<String, Object> applied = confirmed("full");
        assertThat(applied.get("status")).as(String.valueOf(applied.get("error"))).isEqualTo("SUCCEEDED");
        assertThat((List<?>) applied.get("notes")).anySatisfy(note -> assertThat((String) note)
                .contains("confirm-removals=true").contains("wootric_end_users: 60 rows would become 0"));
        TABLES.forEach(table -> assertThat(HubRuns.table(data, table)).as(table).isEmpty());
        assertThat(bookmarks()).allSatisfy((stream, mark) -> assertThat(mark).isPresent().isNotEqualTo(marks.get(stream)));
    }

    @Test
    void aRemovalWithinTheLimitIsAppliedWithoutConfirmation() {
        seed(100, 20, 0);
        assertThat(HubRuns.runToEnd("wootric", "full")).containsEntry("status", "SUCCEEDED");
        // 10 % of the end users deleted at the source, and half of the responses: the limit, not more
        fake.rows("end_users").stream().limit(10).forEach(row -> fake.remove("end_users", (Long) row.get("id")));
        fake.rows("responses").stream().limit(10).forEach(row -> fake.remove("responses", (Long) row.get("id")));

        Map<String, Object> run = HubRuns.runToEnd("wootric", "full");
        assertThat(run.get("status")).as(String.valueOf(run.get("error"))).isEqualTo("SUCCEEDED");
        assertThat(run.get("notes")).isEqualTo(List.of());
        assertThat(WootricCatalog.current(data, "wootric_end_users")).hasSize(90);
        assertThat(WootricCatalog.current(data, "wootric_responses")).hasSize(10);
        WootricCatalog.assertMirrors(data, "wootric_end_users", fake, "end_users");
        WootricCatalog.assertMirrors(data, "wootric_responses", fake, "responses");
    }

    @Test
    void aFullTableStreamOfAnIncrementalRunIsGuardedToo() throws Exception {
        seed(20, 0, 12);
        assertThat(HubRuns.runToEnd("wootric", "incremental")).containsEntry("status", "SUCCEEDED");
        byte[] declines = Files.readAllBytes(data.resolve("catalog").resolve(FakeWootricServer.DECLINES_TABLE + ".jsonl"));
        Optional<String> declinesMark = state.get("wootric", "declines", "synced-to");

        emptyTheSource("declines");
        afterThisSecond();
        Map<String, Object> held = HubRuns.runToEnd("wootric", "incremental");

        assertThat(held).containsEntry("status", "FAILED");
        assertThat((String) held.get("error")).contains(FakeWootricServer.DECLINES_TABLE + ": 12 rows would become 0")
                .contains("run?mode=incremental&confirm-removals=true");
        assertThat(Files.readAllBytes(data.resolve("catalog").resolve(FakeWootricServer.DECLINES_TABLE + ".jsonl"))).isEqualTo(declines);
        assertThat(state.get("wootric", "declines", "synced-to")).isEqualTo(declinesMark);

        afterThisSecond();
        assertThat(confirmed("incremental")).containsEntry("status", "SUCCEEDED");
        assertThat(HubRuns.table(data, FakeWootricServer.DECLINES_TABLE)).isEmpty();
        // an empty table stays empty without a word: there is nothing left to remove
        afterThisSecond();
        assertThat(HubRuns.runToEnd("wootric", "incremental")).containsEntry("status", "SUCCEEDED");
    }
}

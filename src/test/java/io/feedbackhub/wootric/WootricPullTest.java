package io.feedbackhub.wootric;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.state.SyncState;
import io.feedbackhub.testing.FakeWootricServer;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.TestHub;
import io.feedbackhub.testing.WootricCatalog;
import io.feedbackhub.testing.fake.FakeWootric;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The wootric connector against a fake Wootric: the catalog mirrors the server exactly. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(FakeWootricServer.class)
class WootricPullTest {

    static final long JUNE = Instant.parse("2024-06-01T00:00:00Z").getEpochSecond();
    static final long DAY = 86_400;

    @Inject
    HubConfig config;

    @Inject
    SyncState state;

    FakeWootric fake;
    Path data;

    @BeforeEach
    void emptyServerAndCatalog() throws Exception {
        fake = FakeWootricServer.fake;
        for (String stream : List.of("end_users", "responses", "declines")) {
            fake.rows(stream).forEach(row -> fake.remove(stream, (Long) row.get("id")));
            state.put("wootric", stream, "cursor", "");
            state.put("wootric", stream, "synced-to", "");
        }
        fake.failureRate = 0;
        fake.failWhen = request -> false;
        fake.tooManyRequests.set(0);
        fake.rateLimit = 0;
        fake.rateWindowMillis = 60_000;
        fake.served500.set(0);
        fake.served429.set(0);
        fake.apiRequests.set(0);
        fake.slowRequests.set(0);
        data = config.dataDir();
        for (String table : List.of("wootric_end_users", "wootric_responses", FakeWootricServer.DECLINES_TABLE)) {
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

    /** End users updated from {@code outage} on cannot be listed: every such request gets a 500. */
    void failEndUsersFrom(long outage) {
        java.util.regex.Pattern updatedFrom = java.util.regex.Pattern.compile("updated%5Bgte%5D=(\\d+)");
        fake.failWhen = request -> {
            java.util.regex.Matcher gte = updatedFrom.matcher(request);
            return request.startsWith("/v1/end_users") && gte.find() && Long.parseLong(gte.group(1)) >= outage;
        };
    }

    static void afterThisSecond() {
        long second = Instant.now().getEpochSecond();
        await().atMost(Duration.ofSeconds(2)).until(() -> Instant.now().getEpochSecond() > second);
    }

    void assertCatalogMirrorsServer() {
        WootricCatalog.assertMirrors(data, "wootric_end_users", fake, "end_users");
        WootricCatalog.assertMirrors(data, "wootric_responses", fake, "responses");
        WootricCatalog.assertMirrors(data, FakeWootricServer.DECLINES_TABLE, fake, "declines");
    }

    @Test
    void aFullSyncThenAnIncrementalMirrorTheServer() {
        seed(180, 260, 12);
        Map<String, Object> full = HubRuns.runToEnd("wootric", "full");
        assertThat(full).containsEntry("status", "SUCCEEDED").containsEntry("records", 180 + 260 + 12);
        // 180 users in 4 pages, 260 responses in 6, 12 declines in 1: no request wasted
        assertThat(full).containsEntry("requests", 4 + 6 + 1);
        assertCatalogMirrorsServer();

        // new and changed records on the server, stamped as Wootric would: with the time of the change
        long now = Instant.now().getEpochSecond();
        List<Map<String, Object>> users = fake.rows("end_users");
        fake.touch("end_users", (Long) users.get(5).get("id"), now, "email", "renamed@example.com");
        fake.touch("end_users", (Long) users.get(170).get("id"), now, "properties", Map.of("persona", "Team"));
        fake.addEndUser(now, now);
        // a response re-tagged after creation: found by the look-back
        fake.addResponse("responses", now - 2 * DAY, now);
        // a run reads up to the second it starts in; changes of that very second go to the next run
        afterThisSecond();
        Map<String, Object> incremental0 = HubRuns.runToEnd("wootric", "incremental");
        assertThat(incremental0).containsEntry("status", "SUCCEEDED");
        long recent = (Long) fake.rows("responses").get(fake.rows("responses").size() - 1).get("id");
        fake.touch("responses", recent, Instant.now().getEpochSecond(), "tags", List.of("PRICING"));
        // back-dated on creation (the API allows created_at), but updated now
        fake.addResponse("responses", Instant.now().getEpochSecond() - 1, Instant.now().getEpochSecond());

        afterThisSecond();
        Map<String, Object> incremental = HubRuns.runToEnd("wootric", "incremental");
        // the two changed responses, and the 12 declines re-read whole (FULL_TABLE)
        assertThat(incremental).containsEntry("status", "SUCCEEDED").containsEntry("records", 2 + 12);
        assertCatalogMirrorsServer();
    }

    @Test
    void fourThousandEndUsersUpdatedInOneSecondAllArrive() {
        long crowded = JUNE + 10 * DAY;
        for (int i = 0; i < 4_000; i++) {
            fake.addEndUser(JUNE + i * 7L, crowded);
        }
        seed(60, 40, 0);
        Map<String, Object> run = HubRuns.runToEnd("wootric", "full");
        assertThat(run).containsEntry("status", "SUCCEEDED").containsEntry("records", 4_060 + 40);
        assertCatalogMirrorsServer();
        assertThat(fake.requestLines).noneMatch(line -> line.contains("page=31"));
    }

    @Test
    void moreThan1500ResponsesAndDeclinesInOneSecondAreReadPerEndUserAndAResumeRepeatsNone() {
        long crowded = JUNE + 20 * DAY;
        List<Long> users = new java.util.ArrayList<>();
        for (int i = 0; i < 500; i++) {
            users.add((Long) fake.addEndUser(JUNE + i * 60L, JUNE + i * 60L).get("id"));
        }
        for (int i = 0; i < 1_700; i++) {
            fake.addResponse("responses", crowded, crowded + i % 3).put("end_user_id", users.get(i % 400));
        }
        for (int i = 0; i < 1_560; i++) {
            fake.addResponse("declines", crowded, crowded).put("end_user_id", users.get(i % 390));
        }
        for (int i = 0; i < 60; i++) {
            fake.addResponse("responses", crowded - 3_600 + i, crowded + 3_600 + i).put("end_user_id", users.get(450));
        }
        // the per-user reads of one end user fail for good: the run stops inside the crowded second
        long failing = users.get(300);
        fake.failWhen = request -> request.startsWith("/v1/end_users/" + failing + "/responses");
        Map<String, Object> failed = HubRuns.runToEnd("wootric", "incremental");
        assertThat(failed).containsEntry("status", "FAILED");
        assertThat(fake.requestLines).anyMatch(line -> line.startsWith("GET /v1/end_users/" + users.get(0) + "/responses?"));

        fake.failWhen = request -> false;
        afterThisSecond();
        Map<String, Object> resumed = HubRuns.runToEnd("wootric", "incremental");
        assertThat(resumed).containsEntry("status", "SUCCEEDED");
        // nothing lost and no version twice, across the cut and the per-user reads
        assertCatalogMirrorsServer();
    }

    @Test
    void aRunThroughInjected500sAndA429StormStillMirrorsTheServer() {
        seed(700, 900, 30);
        fake.failureRate = 0.10;
        fake.tooManyRequests.set(6);
        Map<String, Object> run = HubRuns.runToEnd("wootric", "full");
        assertThat(run).containsEntry("status", "SUCCEEDED").containsEntry("records", 700 + 900 + 30);
        assertCatalogMirrorsServer();
        assertThat(fake.served500.get()).isPositive();
        assertThat(fake.served429.get()).isEqualTo(6);
        // every retry is a request: the run log counts each one the server saw
        assertThat((Integer) run.get("requests")).isEqualTo(fake.apiRequests.get())
                .isGreaterThanOrEqualTo(14 + 18 + 1 + 6 + fake.served500.get());
    }

    @Test
    void aWholeRunThroughRandom500sCompletesWithFewExtraRequests() {
        seed(7_000, 4_000, 300);
        Map<String, Object> clean = HubRuns.runToEnd("wootric", "full");
        assertThat(clean).containsEntry("status", "SUCCEEDED");
        int cleanRequests = (Integer) clean.get("requests");

        fake.failureRate = 0.05;
        Map<String, Object> faulty = HubRuns.runToEnd("wootric", "full");
        assertThat(faulty).as("seed %d", fake.seed).containsEntry("status", "SUCCEEDED").containsEntry("records", 7_000 + 4_000 + 300);
        assertCatalogMirrorsServer();
        // many more 500s than one request may retry (hub.wootric.retries = 6): each request has its own budget
        assertThat(fake.served500.get()).isGreaterThan(6);
        assertThat((Integer) faulty.get("requests")).as("requests through 5 %% 500s vs %d clean", cleanRequests)
                .isLessThanOrEqualTo((int) (1.07 * cleanRequests));
    }

    @Test
    void rowsThatBecomeVisibleLateAreReadByTheNextRunsMargin() {
        seed(120, 80, 0);
        assertThat(HubRuns.runToEnd("wootric", "incremental")).containsEntry("status", "SUCCEEDED");
        long now = Instant.now().getEpochSecond();
        // committed at the source only after that run had read past them (hub.wootric.margin is 5 min)
        fake.addEndUser(now - 120, now - 90);
        fake.addResponse("responses", now - 60, now - 60);
        afterThisSecond();
        Map<String, Object> next = HubRuns.runToEnd("wootric", "incremental");
        assertThat(next).containsEntry("status", "SUCCEEDED").containsEntry("records", 2);
        assertCatalogMirrorsServer();
    }

    @Test
    void responsePropertiesAreTextAndEveryDatetimeIsUtc() {
        seed(3, 3, 0);
        assertThat(HubRuns.runToEnd("wootric", "full")).containsEntry("status", "SUCCEEDED");
        JsonNode user = HubRuns.table(data, "wootric_end_users").get(0);
        assertThat(user.path("external_created_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(user.path("properties").isObject()).isTrue();
        JsonNode response = HubRuns.table(data, "wootric_responses").get(0);
        assertThat(response.path("end_user").path("properties").isTextual()).isTrue();
        assertThat(response.path("end_user").path("properties").asText()).contains("\"purchase_date\":1473177881");
        assertThat(response.path("created_at").asText()).endsWith("Z");
        assertCatalogMirrorsServer();
    }

    @Test
    void aRateLimitIsRespectedBySlowingDown() {
        seed(400, 400, 0);
        fake.rateLimit = 8;
        fake.rateWindowMillis = 1_000;
        Map<String, Object> run = HubRuns.runToEnd("wootric", "full");
        assertThat(run).containsEntry("status", "SUCCEEDED");
        assertCatalogMirrorsServer();
        assertThat(fake.served429.get()).as("429s despite pacing").isLessThanOrEqualTo(2);
    }

    @Test
    void aFailedRunResumesWhereItStoppedWithoutSkippingOrRepeating() {
        seed(500, 120, 0);
        // end users past the 197th (four full pages: 50 + 3 x 49 new) are down for good
        long outage = JUNE + 196 * 3_600L + 600;
        failEndUsersFrom(outage);
        Map<String, Object> failed = HubRuns.runToEnd("wootric", "incremental");
        assertThat(failed).containsEntry("status", "FAILED").containsEntry("records", 197);
        assertThat((String) failed.get("error")).contains("Wootric answered 500");
        assertThat(WootricCatalog.current(data, "wootric_end_users")).hasSize(197);

        fake.failWhen = request -> false;
        afterThisSecond();
        Map<String, Object> resumed = HubRuns.runToEnd("wootric", "incremental");
        assertThat(resumed).containsEntry("status", "SUCCEEDED").containsEntry("records", 500 - 197 + 120);
        assertCatalogMirrorsServer();
    }

    /**
     * The very first run (no complete run before it) is cut off; the resumed one completes; the run
     * after re-reads the margin, which holds what the cut-off run wrote: it writes none of it again.
     * In a cluster whose leader is killed again and again, runs are resumed many times before one
     * completes: 5,000 of 7,870 end users were written twice before this held.
     */
    @Test
    void theRunAfterAResumedFirstRunWritesNothingTheCutOffRunWrote() {
        long now = Instant.now().getEpochSecond();
        // updated within the last few minutes: all in the 5-minute margin of the runs below
        for (int i = 0; i < 300; i++) {
            fake.addEndUser(now - 200 + i / 2, now - 200 + i / 2);
        }
        failEndUsersFrom(now - 200 + 60);
        Map<String, Object> cutOff = HubRuns.runToEnd("wootric", "incremental");
        assertThat(cutOff).containsEntry("status", "FAILED");
        int written = (Integer) cutOff.get("records");
        assertThat(written).isPositive().isLessThan(300);

        fake.failWhen = request -> false;
        afterThisSecond();
        assertThat(HubRuns.runToEnd("wootric", "incremental")).containsEntry("status", "SUCCEEDED").containsEntry("records", 300 - written);
        afterThisSecond();
        assertThat(HubRuns.runToEnd("wootric", "incremental")).as("the run after the resumed one")
                .containsEntry("status", "SUCCEEDED").containsEntry("records", 0);
        assertCatalogMirrorsServer();
    }

    @Test
    void aRunCutOffBetweenAPageAndItsBookmarkDoesNotWriteThatPageTwice() {
        seed(500, 0, 0);
        long outage = JUNE + 196 * 3_600L + 600;
        failEndUsersFrom(outage);
        assertThat(HubRuns.runToEnd("wootric", "incremental")).containsEntry("status", "FAILED").containsEntry("records", 197);
        // as if a kill -9 had come after page 4 was in the catalog but before its bookmark: back to page 3's
        com.fasterxml.jackson.databind.node.ObjectNode lastOfPage3 =
                (com.fasterxml.jackson.databind.node.ObjectNode) HubRuns.table(data, "wootric_end_users").get(147);
        state.put("wootric", "end_users", "cursor",
                WootricDates.epochSecond(lastOfPage3, "updated_at") + ":" + lastOfPage3.path("id").asText());

        fake.failWhen = request -> false;
        afterThisSecond();
        Map<String, Object> resumed = HubRuns.runToEnd("wootric", "incremental");
        assertThat(resumed).containsEntry("status", "SUCCEEDED").containsEntry("records", 500 - 197);
        assertCatalogMirrorsServer();
    }

    @Test
    void anExpiredTokenIsRenewedOnceAndTheRunGoesOn() {
        seed(60, 60, 0);
        assertThat(HubRuns.runToEnd("wootric", "full")).containsEntry("status", "SUCCEEDED");
        int grants = fake.grants.size();
        fake.expireTokens();
        afterThisSecond();
        fake.addEndUser(Instant.now().getEpochSecond() - 1, Instant.now().getEpochSecond() - 1);
        afterThisSecond();
        assertThat(HubRuns.runToEnd("wootric", "incremental")).containsEntry("status", "SUCCEEDED").containsEntry("records", 1);
        assertThat(fake.grants.subList(grants, fake.grants.size())).containsExactly("refresh_token");
        assertCatalogMirrorsServer();
    }

    @Test
    void answersSlowerThanTheTimeoutAreRetried() {
        seed(120, 80, 0);
        fake.slowMillis = 4_000;
        fake.slowRequests.set(2);
        Map<String, Object> run = HubRuns.runToEnd("wootric", "full");
        assertThat(run).containsEntry("status", "SUCCEEDED");
        // declines 1 page, end users 3, responses 2, and the two requests that timed out
        assertThat((Integer) run.get("requests")).isEqualTo(1 + 3 + 2 + 2);
        assertCatalogMirrorsServer();
    }
}

package io.feedbackhub.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.run.ConnectorRuns;
import io.feedbackhub.testing.DemoPages;
import io.feedbackhub.testing.FreshHub;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.Management;
import io.feedbackhub.testing.TestHub;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Run history, one run by id, bookmarks read and set between runs, pause and resume: on the demo connector. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(FreshHub.class)
class RunsAndBookmarksApiTest {

    @Inject
    HubConfig config;

    @Inject
    ConnectorRuns runs;

    DemoPages pages;

    @BeforeEach
    void twoPagesAndADeadLetter() {
        pages = new DemoPages(config.dataDir().resolve("demo-input"));
        pages.clear();
        pages.write(1, 2, 1);
        pages.write(2, 3, 1);
        pages.writeDeadLetters(2, "2-x");
    }

    @AfterEach
    void resumed() {
        Management.request().post("/hub/connectors/demo/resume").then().statusCode(200);
    }

    @Test
    void runsAreListedNewestFirstWithRecordsByTableAndDeadLetters() {
        String full = (String) HubRuns.runToEnd("demo", "full").get("id");
        String incremental = (String) HubRuns.runToEnd("demo", "incremental").get("id");

        JsonPath history = Management.request().get("/hub/connectors/demo/runs?limit=2").then().statusCode(200)
                .body("", hasSize(2)).extract().jsonPath();
        assertThat(history.getList("id")).containsExactly(incremental, full);
        assertThat(history.getInt("[0].records")).as("nothing after the bookmark").isZero();
        Management.request().get("/hub/runs/" + full).then().statusCode(200)
                .body("id", equalTo(full)).body("connector", equalTo("demo"))
                .body("status", equalTo("SUCCEEDED")).body("mode", equalTo("full")).body("trigger", equalTo("manual"))
                .body("startedAt", notNullValue()).body("finishedAt", notNullValue())
                .body("requests", equalTo(2)).body("records", equalTo(6))
                .body("tables.demo_items", equalTo(5)).body("tables.demo_dead_letters", equalTo(1))
                .body("deadLetters.demo_dead_letters", equalTo(1)).body("deadLetters.demo_items", nullValue())
                .body("error", nullValue()).body("held", nullValue());
        // without a limit: the default (20), which holds both
        List<String> all = Management.request().get("/hub/connectors/demo/runs").then().statusCode(200).extract().jsonPath().getList("id");
        assertThat(all).startsWith(incremental, full);
        assertThat(Instant.parse(history.getString("[0].startedAt"))).isAfterOrEqualTo(Instant.parse(history.getString("[1].startedAt")));
    }

    @Test
    void aFailedRunShowsItsErrorWithItsCause() {
        pages.writeRaw(2, "[{\"id\": oops}]");
        Map<String, Object> failed = HubRuns.runToEnd("demo", "full");
        assertThat(failed).containsEntry("status", "FAILED");
        Management.request().get("/hub/runs/" + failed.get("id")).then().statusCode(200)
                .body("error", containsString("is not valid JSON"))
                .body("causes[0]", containsString("Unrecognized token 'oops'"))
                .body("tables.demo_items", equalTo(2));
    }

    @Test
    void badRequestsForRunsAreRefusedPrecisely() {
        for (String limit : List.of("0", "-1", "abc", "201", "")) {
            Management.request().get("/hub/connectors/demo/runs?limit=" + limit).then().statusCode(400)
                    .body("error", containsString("limit is a whole number from 1 to 200"));
        }
        Management.request().get("/hub/connectors/demo/runs?limit=200").then().statusCode(200);
        Management.request().get("/hub/connectors/nosuch/runs").then().statusCode(404).body("error", containsString("nosuch"));
        Management.request().get("/hub/runs/no-such-run").then().statusCode(404).body("error", containsString("no-such-run"));
    }

    @Test
    void aBookmarkIsShownSetAndResetAndTheNextRunReadsFromIt() {
        HubRuns.runToEnd("demo", "full");
        Management.request().get("/hub/connectors/demo/state").then().statusCode(200)
                .body("connector", equalTo("demo")).body("streams.items.page", equalTo("2"));

        // back to after page 1: the next incremental run reads page 2 again
        Management.request().body("\"1\"").put("/hub/connectors/demo/state/items/page").then().statusCode(200)
                .body("streams.items.page", equalTo("1"));
        assertThat(HubRuns.runToEnd("demo", "incremental")).containsEntry("records", 4);

        // {"value": ...} is taken too; reset: from page 1
        Management.request().body("{\"value\": \"7\"}").put("/hub/connectors/demo/state/items/page").then().statusCode(200)
                .body("streams.items.page", equalTo("7"));
        Management.request().delete("/hub/connectors/demo/state/items/page").then().statusCode(200)
                .body("streams.items", nullValue());
        Management.request().delete("/hub/connectors/demo/state/items/page").then().statusCode(404);
        assertThat(HubRuns.runToEnd("demo", "incremental")).containsEntry("records", 6);

        // a whole stream at once
        Management.request().body("\"x\"").put("/hub/connectors/demo/state/items/other.mark").then().statusCode(200)
                .body("streams.items.'other.mark'", equalTo("x")).body("streams.items.page", equalTo("2"));
        Management.request().delete("/hub/connectors/demo/state/items").then().statusCode(200).body("streams.items", nullValue());
        Management.request().delete("/hub/connectors/demo/state/items").then().statusCode(404);
        Management.request().get("/hub/connectors/nosuch/state").then().statusCode(404);
    }

    @Test
    void badBookmarksAreRefusedWithAPreciseMessage() {
        Management.request().body("\"3\"").put("/hub/connectors/demo/state/items/page").then().statusCode(200);
        record Bad(String path, String body, String error) {
        }
        for (Bad bad : List.of(
                new Bad("items/pa ge", "\"1\"", "a bookmark name is letters, digits, '_', '-' and '.': 'pa ge'"),
                new Bad("it.ems/page", "\"1\"", "a stream name is letters, digits, '_' and '-': 'it.ems'"),
                new Bad("items/page", "\"a\\nb\"", "one line of text"),
                new Bad("items/page", "\"\"", "not empty"),
                new Bad("items/page", "\"" + "9".repeat(4097) + "\"", "at most 4096 characters"),
                new Bad("items/page", "3", "the body is the bookmark's value as JSON"),
                new Bad("items/page", "{\"value\": 3}", "the body is the bookmark's value as JSON"),
                new Bad("items/page", "not json", "the body is the bookmark's value as JSON"),
                new Bad("items/page", "", "the body is the bookmark's value as JSON"))) {
            Management.request().body(bad.body()).put("/hub/connectors/demo/state/" + bad.path()).then()
                    .statusCode(400).body("error", containsString(bad.error()));
        }
        Management.request().get("/hub/connectors/demo/state").then().body("streams.items", equalTo(Map.of("page", "3")));
    }

    @Test
    void bookmarksDoNotChangeWhileARunGoesOn() {
        // 40 pages, 150 ms apart: the run lasts 6 s at least
        for (int page = 3; page <= 40; page++) {
            pages.write(page, 1, 1);
        }
        Management.request().body("\"0\"").put("/hub/connectors/demo/state/items/page").then().statusCode(200);
        String runId = HubRuns.start("demo", "incremental");
        Management.request().body("\"5\"").put("/hub/connectors/demo/state/items/page").then().statusCode(409)
                .body("error", containsString("demo is running (run " + runId + ")"));
        Management.request().delete("/hub/connectors/demo/state/items/page").then().statusCode(409);
        Management.request().delete("/hub/connectors/demo/state/items").then().statusCode(409);
        Map<String, Object> done = HubRuns.awaitEnd("demo", runId);
        assertThat(done).containsEntry("status", "SUCCEEDED").containsEntry("records", 44);
        Management.request().get("/hub/connectors/demo/state").then().body("streams.items.page", equalTo("40"));
    }

    @Test
    void aPausedConnectorSkipsItsScheduleAndRefusesManualRunsUntilResumed() throws Exception {
        String before = HubRuns.runToEnd("demo", "full").get("id").toString();
        Management.request().post("/hub/connectors/demo/pause").then().statusCode(200).body("paused", equalTo(true));
        Management.request().get("/hub/connectors/demo").then().body("paused", equalTo(true));
        Management.request().post("/hub/connectors/demo/run?mode=full").then().statusCode(409)
                .body("error", containsString("demo is paused: POST /hub/connectors/demo/resume"));
        // what the connector's Quartz route calls
        runs.scheduled("demo", "incremental");
        runs.scheduled("demo", "full");
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> assertThat(
                Management.request().get("/hub/connectors/demo").jsonPath().getString("lastRun.id")).isEqualTo(before));
        // kept in the sync state, so a restart does not resume it
        assertThat(Files.readString(config.dataDir().resolve("state").resolve("sync-state.properties"), StandardCharsets.UTF_8))
                .contains("demo\\:paused=true");

        Management.request().post("/hub/connectors/demo/resume").then().statusCode(200).body("paused", equalTo(false));
        Management.request().get("/hub/connectors").then().body("find { it.name == 'demo' }.paused", equalTo(false));
        assertThat(HubRuns.runToEnd("demo", "incremental")).containsEntry("status", "SUCCEEDED");
        Management.request().post("/hub/connectors/nosuch/pause").then().statusCode(404);
    }
}

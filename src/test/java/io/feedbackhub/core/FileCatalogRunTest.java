package io.feedbackhub.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.state.SyncState;
import io.feedbackhub.testing.DemoPages;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.TestHub;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The file catalog and sync state through real runs of the demo test connector. */
@QuarkusTest
@WithTestResource(TestHub.class)
class FileCatalogRunTest {

    @Inject
    HubConfig config;

    @Inject
    SyncState state;

    DemoPages pages;
    Path dataDir;

    @BeforeEach
    void freshInput() throws Exception {
        dataDir = config.dataDir();
        pages = new DemoPages(dataDir.resolve("demo-input"));
        pages.clear();
        // every test starts from an empty table and no bookmark: a full run over no pages
        Map<String, Object> reset = HubRuns.runToEnd("demo", "full");
        assertThat(reset.get("status")).isEqualTo("SUCCEEDED");
        state.put("demo", "items", "page", "0");
    }

    @Test
    void incrementalRunsAppendNewPagesAndContinueAfterTheBookmark() {
        List<String> expected = new ArrayList<>(pages.write(1, 3, 1));
        expected.addAll(pages.write(2, 2, 1));

        Map<String, Object> first = HubRuns.runToEnd("demo", "incremental");
        assertThat(first).containsEntry("status", "SUCCEEDED").containsEntry("mode", "incremental")
                .containsEntry("records", 5).containsEntry("requests", 2).containsEntry("error", null);
        assertThat(first.get("finishedAt")).isNotNull();
        assertThat(HubRuns.ids(HubRuns.table(dataDir, "demo_items"))).containsExactlyElementsOf(expected);
        assertThat(state.get("demo", "items", "page")).contains("2");

        expected.addAll(pages.write(3, 4, 1));
        Map<String, Object> second = HubRuns.runToEnd("demo", "incremental");
        assertThat(second).containsEntry("status", "SUCCEEDED").containsEntry("records", 4);
        List<JsonNode> table = HubRuns.table(dataDir, "demo_items");
        assertThat(HubRuns.ids(table)).containsExactlyElementsOf(expected);
        assertThat(table).allSatisfy(record -> {
            assertThat(record.path("_synced_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            assertThat(record.path("name").asText()).endsWith("– ünïcode");
        });
        assertThat(state.get("demo", "items", "page")).contains("3");
    }

    @Test
    void fullRunReplacesTheTableWhole() {
        pages.write(1, 3, 1);
        pages.write(2, 3, 1);
        HubRuns.runToEnd("demo", "incremental");
        // the source changes: page 2 shrinks, records get a new version
        List<String> current = new ArrayList<>(pages.write(1, 3, 2));
        current.addAll(pages.write(2, 1, 2));

        Map<String, Object> full = HubRuns.runToEnd("demo", "full");
        assertThat(full).containsEntry("status", "SUCCEEDED").containsEntry("mode", "full").containsEntry("records", 4);
        List<JsonNode> table = HubRuns.table(dataDir, "demo_items");
        assertThat(HubRuns.ids(table)).containsExactlyElementsOf(current);
        assertThat(table).allSatisfy(record -> assertThat(record.path("version").asInt()).isEqualTo(2));
        assertThat(state.get("demo", "items", "page")).contains("2");
    }

    @Test
    void failedFullRunLeavesTheOldTableAndBookmarkUntouched() throws Exception {
        pages.write(1, 3, 1);
        pages.write(2, 3, 1);
        HubRuns.runToEnd("demo", "full");
        Path table = dataDir.resolve("catalog").resolve("demo_items.jsonl");
        byte[] before = Files.readAllBytes(table);

        pages.write(1, 3, 2);
        pages.write(2, 3, 2);
        pages.writeRaw(3, "[{\"id\":\"3-1\"}, {\"id\": " + TestHub.DEMO_TOKEN + "}]");
        pages.write(4, 3, 2);

        Map<String, Object> failed = HubRuns.runToEnd("demo", "full");
        assertThat(failed).containsEntry("status", "FAILED");
        assertThat((String) failed.get("error")).contains("not valid JSON").doesNotContain(TestHub.DEMO_TOKEN);
        assertThat(Files.readAllBytes(table)).isEqualTo(before);
        assertThat(state.get("demo", "items", "page")).contains("2");
        try (var staging = Files.list(dataDir.resolve("catalog").resolve(".staging"))) {
            assertThat(staging).isEmpty();
        }
    }
}

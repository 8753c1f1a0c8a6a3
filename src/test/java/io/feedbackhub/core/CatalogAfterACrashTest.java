package io.feedbackhub.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.testing.DemoPages;
import io.feedbackhub.testing.FreshHub;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.TestHub;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** What a crash can leave in a catalog table (a last line cut short) is repaired before the table grows again. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(FreshHub.class)
class CatalogAfterACrashTest {

    @Inject
    HubConfig config;

    @Test
    void aLineCutShortByACrashIsDroppedBeforeTheNextAppend() throws Exception {
        Path table = config.dataDir().resolve("catalog").resolve("demo_items.jsonl");
        Files.createDirectories(table.getParent());
        // as a power cut in the middle of an append leaves it: a whole line, then half of one
        Files.writeString(table, "{\"id\":\"0-1\",\"_synced_at\":\"2026-01-01T00:00:00Z\"}\n{\"id\":\"0-2\",\"na", StandardCharsets.UTF_8);
        new DemoPages(config.dataDir().resolve("demo-input")).write(1, 2, 1);

        assertThat(HubRuns.runToEnd("demo", "incremental")).containsEntry("status", "SUCCEEDED");

        ObjectMapper json = new ObjectMapper();
        List<String> lines = Files.readAllLines(table, StandardCharsets.UTF_8);
        List<String> ids = lines.stream().map(line -> {
            try {
                return json.readTree(line).path("id").asText();
            } catch (Exception notJson) {
                throw new AssertionError("a line that is not JSON: " + line, notJson);
            }
        }).toList();
        assertThat(ids).containsExactly("0-1", "1-1", "1-2");
    }
}

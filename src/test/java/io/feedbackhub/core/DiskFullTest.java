package io.feedbackhub.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.testing.DemoPages;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.SmallDisk;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A disk that fills up in the middle of a run, for real (a small tmpfs): nothing half-written stays. */
@QuarkusTest
@WithTestResource(SmallDisk.class)
class DiskFullTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    HubConfig config;

    @Test
    void anAppendThatMeetsAFullDiskIsCutBackAndTheNextRunCompletesTheTable() throws Exception {
        Assumptions.assumeTrue(SmallDisk.missing == null, () -> "this test needs " + SmallDisk.missing);
        DemoPages pages = new DemoPages(config.dataDir().resolve("demo-input"));
        List<String> ids = new ArrayList<>();
        for (int page = 1; page <= 4; page++) {
            ids.addAll(pages.write(page, 400, 1));
        }
        // room for a page and a half of the catalog's ~40 KB pages
        Path filler = SmallDisk.fillLeaving(60_000);
        Map<String, Object> failed = HubRuns.runToEnd("demo", "incremental");
        assertThat(failed).containsEntry("status", "FAILED");
        assertThat((String) failed.get("error")).contains("No space left on device");
        Path table = config.dataDir().resolve("catalog").resolve("demo_items.jsonl");
        assertThat(Files.size(table)).as("some pages went in before the disk was full").isPositive();
        assertEveryLineIsARecord(table);

        Files.delete(filler);
        assertThat(HubRuns.runToEnd("demo", "incremental")).containsEntry("status", "SUCCEEDED");
        assertThat(assertEveryLineIsARecord(table)).containsExactlyElementsOf(ids);
        assertEveryLineIsARecord(config.dataDir().resolve("runs").resolve("runs.jsonl"));
    }

    private static List<String> assertEveryLineIsARecord(Path file) throws Exception {
        List<String> ids = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            try {
                ids.add(JSON.readTree(line).path("id").asText());
            } catch (Exception notJson) {
                throw new AssertionError(file.getFileName() + " holds a line that is not JSON: "
                        + line.substring(0, Math.min(200, line.length())), notJson);
            }
        }
        return ids;
    }
}

package io.feedbackhub.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.run.ConnectorRuns;
import io.feedbackhub.core.run.Run;
import io.feedbackhub.testing.DemoPages;
import io.feedbackhub.testing.FreshHub;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.Management;
import io.feedbackhub.testing.TestHub;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** A full sync that falls due while an incremental run is going waits for it, instead of being skipped. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(FreshHub.class)
class QueuedFullSyncTest {

    @Inject
    HubConfig config;

    @Inject
    ConnectorRuns runs;

    @Test
    void aFullSyncDueDuringAnIncrementalRunFollowsIt() {
        DemoPages pages = new DemoPages(config.dataDir().resolve("demo-input"));
        for (int page = 1; page <= 8; page++) {
            pages.write(page, 3, 1);
        }
        // 150 ms a page: the incremental run takes over a second
        Run incremental = runs.start("demo", "incremental", "manual");
        runs.scheduled("demo", "full");
        // a second incremental firing meanwhile is skipped, as before
        runs.scheduled("demo", "incremental");
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Map<String, Object> last = Management.request().get("/hub/connectors/demo").jsonPath().getMap("lastRun");
            return !incremental.id().equals(last.get("id")) && "SUCCEEDED".equals(last.get("status"));
        });
        Map<String, Object> after = Management.request().get("/hub/connectors/demo").jsonPath().getMap("lastRun");
        assertThat(after).containsEntry("mode", "full").containsEntry("trigger", "schedule").containsEntry("records", 24);
        assertThat(incremental.status()).isEqualTo(Run.Status.SUCCEEDED);
        assertThat(HubRuns.table(config.dataDir(), "demo_items")).hasSize(24);
    }
}

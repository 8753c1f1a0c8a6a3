package io.feedbackhub.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.testing.DemoPages;
import io.feedbackhub.testing.HeadlessChromium;
import io.feedbackhub.testing.HubProcess;

/**
 * The status page (/hub/ on the management port) of the packaged hub in headless Chromium, as an
 * operator uses it: it asks for the token, says so when the token is wrong, then shows the
 * connectors with their last runs and dead letters, and its Run button starts a run that then
 * appears with its status. The README's screenshot is taken here (target/status-page.png).
 */
class StatusPageIT {

    static final ObjectMapper JSON = new ObjectMapper();
    static final Duration WAIT = Duration.ofSeconds(30);
    static final String TOKEN = "status-page-token-0123456789";
    static final Pattern STARTED = Pattern.compile("Run of demo started: ([0-9a-f-]{36})");

    @TempDir
    Path data;

    @Test
    void anOperatorSignsInSeesTheRunsAndRunsAConnector() throws Exception {
        DemoPages pages = new DemoPages(data.resolve("demo-input"));
        pages.write(1, 3, 1);
        pages.writeDeadLetters(1, "1-3");
        try (HubProcess hub = HubProcess.create(data, Map.of("HUB_MANAGEMENT_TOKEN", TOKEN)).start()
                .awaitReady(Duration.ofSeconds(60))) {
            String first = JSON.readTree(hub.post("/hub/connectors/demo/run?mode=full").body()).path("runId").asText();
            await().atMost(WAIT).until(() -> hub.get("/hub/runs/" + first).body().contains("\"SUCCEEDED\""));

            try (HeadlessChromium chromium = HeadlessChromium.start()) {
                chromium.open("http://127.0.0.1:" + hub.managementPort() + "/hub/");
                String asked = chromium.awaitText(WAIT, "the token prompt", text -> text.contains("needs its management token"));
                // the page itself holds no data
                assertThat(asked).doesNotContain("demo").doesNotContain(first);

                chromium.typeAndEnter("#token", "not-the-" + TOKEN);
                assertThat(chromium.awaitText(WAIT, "the 401 message", text -> text.contains("401 Unauthorized")))
                        .contains("refused this token").doesNotContain(first);

                chromium.typeAndEnter("#token", TOKEN);
                String seen = chromium.awaitText(WAIT, "the connectors", text -> text.contains(first));
                assertThat(seen).contains("demo", "enabled", "not running", "schedule: 0 0 4 1 1 ? 2099", "wootric", "disabled")
                        .doesNotContain("needs its management token").doesNotContain("Management token");
                assertThat(row(seen, first)).contains("SUCCEEDED", "full", "manual", "1 in demo_dead_letters");

                pages.write(2, 2, 1);
                chromium.click("button[data-connector=demo][data-mode=incremental]");
                Matcher started = STARTED.matcher(chromium.awaitText(WAIT, "the run id", text -> STARTED.matcher(text).find()));
                assertThat(started.find()).isTrue();
                String second = started.group(1);
                String after = chromium.awaitText(WAIT, "the new run, succeeded", text -> row(text, second).contains("SUCCEEDED"));
                assertThat(row(after, second)).contains("incremental", "manual");
                assertThat(JSON.readTree(hub.get("/hub/runs/" + second).body()).path("records").asInt()).isEqualTo(2);
                chromium.screenshot(Path.of("target", "status-page.png"));
            }
        }
    }
    /** The line of the page's text (a table row) that names the run. */
    private static String row(String text, String runId) {
        return text.lines().filter(line -> line.contains(runId) && !line.contains("started:")).findFirst().orElse("");
    }
}

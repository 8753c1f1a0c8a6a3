package io.feedbackhub.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.feedbackhub.testing.DemoPages;
import io.feedbackhub.testing.HeadlessChromium;
import io.feedbackhub.testing.Management;
import io.feedbackhub.testing.ManagementToken;
import io.feedbackhub.testing.TestHub;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The status page (/hub/ on the management port) in headless Chromium, as an operator uses it: it
 * asks for the token, says so when the token is wrong, then shows the connectors with their last
 * runs and dead letters, and its Run button starts a run that then appears with its status.
 */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(ManagementToken.class)
class StatusPageTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final Pattern STARTED = Pattern.compile("Run of demo started: ([0-9a-f-]{36})");

    @Test
    void anOperatorSignsInSeesTheRunsAndRunsAConnector() {
        DemoPages pages = new DemoPages(Path.of(ConfigProvider.getConfig().getValue("hub.demo.input-dir", String.class)));
        pages.clear();
        pages.write(1, 3, 1);
        pages.writeDeadLetters(1, "1-3");
        String first = Management.request().post("/hub/connectors/demo/run?mode=full").then().statusCode(202).extract().path("runId");
        await().atMost(WAIT).untilAsserted(() -> Management.request().get("/hub/runs/" + first).then().body("status", equalTo("SUCCEEDED")));

        try (HeadlessChromium chromium = HeadlessChromium.start()) {
            chromium.open("http://127.0.0.1:" + Management.port() + "/hub/");
            String asked = chromium.awaitText(WAIT, "the token prompt", text -> text.contains("needs its management token"));
            // the page itself holds no data
            assertThat(asked).doesNotContain("demo").doesNotContain(first);

            chromium.typeAndEnter("#token", "not-the-" + ManagementToken.TOKEN);
            assertThat(chromium.awaitText(WAIT, "the 401 message", text -> text.contains("401 Unauthorized")))
                    .contains("refused this token").doesNotContain(first);

            chromium.typeAndEnter("#token", ManagementToken.TOKEN);
            String seen = chromium.awaitText(WAIT, "the connectors", text -> text.contains(first));
            assertThat(seen).contains("demo", "Test connector reading pages from files", "enabled", "not running",
                    "schedule: 0 0 4 1 1 ? 2099", "wootric", "disabled")
                    .doesNotContain("needs its management token").doesNotContain("Management token");
            assertThat(row(seen, first)).contains("SUCCEEDED", "full", "manual", "1 in demo_dead_letters");

            pages.write(2, 2, 1);
            chromium.click("button[data-connector=demo][data-mode=incremental]");
            Matcher started = STARTED.matcher(chromium.awaitText(WAIT, "the run id", text -> STARTED.matcher(text).find()));
            assertThat(started.find()).isTrue();
            String second = started.group(1);
            String after = chromium.awaitText(WAIT, "the new run, succeeded", text -> row(text, second).contains("SUCCEEDED"));
            assertThat(row(after, second)).contains("incremental", "manual");
            Management.request().get("/hub/runs/" + second).then().body("records", equalTo(2));
            chromium.screenshot(Path.of("target", "status-page.png"));
        }
    }

    /** The line of the page's text (a table row) that names the run. */
    private static String row(String text, String runId) {
        return text.lines().filter(line -> line.contains(runId) && !line.contains("started:")).findFirst().orElse("");
    }
}

package io.feedbackhub.core.metrics;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.testing.DemoPages;
import io.feedbackhub.testing.FakeWootricServer;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.Management;
import io.feedbackhub.testing.SegmentEnabled;
import io.feedbackhub.testing.TestHub;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The operator's metrics on {@code /q/metrics}, after runs of the demo connector and relay
 * events: their values, and that every metric the Grafana dashboard in {@code deploy/grafana}
 * queries is there.
 */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(SegmentEnabled.class)
@WithTestResource(FakeWootricServer.class)
class MetricsDashboardTest {

    static final Path DASHBOARD = Path.of("deploy/grafana/feedback-hub.json");
    /** PromQL words that are not metric names. */
    static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or",
            "unless", "offset");

    static Path data() {
        return Path.of(ConfigProvider.getConfig().getValue("hub.data-dir", String.class));
    }

    static String scrape() {
        return Management.request().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    /** The sum of a metric's samples whose labels include all of {@code labels} (name="value" pairs); 0 if none. */
    static double value(String metrics, String name, String... labels) {
        double sum = 0;
        for (String line : metrics.lines().toList()) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                String head = line.substring(0, line.lastIndexOf(' '));
                boolean all = true;
                for (String label : labels) {
                    all &= head.contains(label);
                }
                if (all) {
                    sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        return sum;
    }

    static void identify(String body) {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        given().baseUri("http://127.0.0.1").port(port).contentType("application/json").auth().preemptive()
                .basic(SegmentEnabled.WRITE_KEY, "").body(body).post("/v1/identify").then().statusCode(200);
    }

    static void batch(String body) {
        int port = ConfigProvider.getConfig().getValue("quarkus.http.test-port", Integer.class);
        given().baseUri("http://127.0.0.1").port(port).contentType("application/json").auth().preemptive()
                .basic(SegmentEnabled.WRITE_KEY, "").body(body).post("/v1/batch").then().statusCode(200);
    }

    /** The metric names in the dashboard's PromQL expressions. */
    static Set<String> dashboardMetrics() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Files.readString(DASHBOARD));
        Set<String> names = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                names.addAll(metricNames(target.path("expr").asText()));
            }
        }
        return names;
    }

    /** Identifiers that are neither functions, keywords, label names (in matchers, by/without) nor durations. */
    static Set<String> metricNames(String expr) {
        String bare = expr.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"") // string literals
                .replaceAll("\\{[^}]*\\}", "") // label matchers
                .replaceAll("\\[[^\\]]*\\]", "") // ranges
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", ""); // label lists
        Set<String> names = new TreeSet<>();
        Matcher token = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*(\\s*\\()?").matcher(bare);
        while (token.find()) {
            String name = token.group().replaceAll("\\s*\\($", "");
            if (token.group(1) == null && !KEYWORDS.contains(name) && !name.matches("(?i)inf|nan")) {
                names.add(name);
            }
        }
        return names;
    }

    @Test
    void theDashboardQueriesOnlyMetricsTheHubServesAndTheyCountWhatHappened() throws IOException {
        String before = scrape();
        // two runs of the demo connector, each reading one page (so each advances the stream's bookmark)
        DemoPages pages = new DemoPages(data().resolve("demo-input"));
        pages.write(1, 3, 1);
        HubRuns.runToEnd("demo", "full");
        pages.write(2, 2, 1);
        java.util.Map<String, Object> last = HubRuns.runToEnd("demo", "incremental");
        assertThat(last).containsEntry("status", "SUCCEEDED");
        // relay events: one a new user without an e-mail (Wootric cannot take it), one refused in a batch, one delivered
        String user = "metrics-user-" + UUID.randomUUID();
        identify("{\"userId\":\"" + user + "\",\"traits\":{\"plan\":\"Pro\"}}");
        batch("{\"batch\":[{\"type\":\"identify\",\"traits\":{\"email\":\"nobody@example.com\"}},"
                + "{\"type\":\"identify\",\"userId\":\"" + user + "-ok\",\"traits\":{\"email\":\"ok@example.com\"}}]}");
        await().atMost(Duration.ofSeconds(30)).until(() -> HubRuns.table(data(), "segment_dead_letters").size() >= 2
                && FakeWootricServer.fake.endUserByExternalId(user + "-ok") != null);

        String after = await().atMost(Duration.ofSeconds(10)).until(MetricsDashboardTest::scrape,
                metrics -> value(metrics, "hub_journal_entries", "journal=\"segment\"") == 0);
        // the run duration histogram counts each run once
        assertThat(value(after, "hub_connector_run_duration_seconds_count", "connector=\"demo\"")
                - value(before, "hub_connector_run_duration_seconds_count", "connector=\"demo\"")).isEqualTo(2);
        assertThat(value(after, "hub_connector_run_duration_seconds_count", "connector=\"demo\"", "mode=\"full\"", "status=\"SUCCEEDED\""))
                .isEqualTo(1);
        assertThat(value(after, "hub_connector_run_duration_seconds_bucket", "connector=\"demo\"", "mode=\"full\"", "le=\"+Inf\""))
                .isEqualTo(1);
        // the demo connector waits hub.demo.page-delay (150 ms) before each page
        assertThat(value(after, "hub_connector_run_duration_seconds_sum", "connector=\"demo\"")).isGreaterThan(0.15);
        // the last success: when the incremental run ended, for the connector and its stream
        long ended = Instant.parse((String) last.get("finishedAt")).getEpochSecond();
        assertThat(value(after, "hub_connector_last_success_timestamp_seconds", "connector=\"demo\"")).isEqualTo(ended);
        assertThat(value(after, "hub_stream_last_success_timestamp_seconds", "connector=\"demo\"", "stream=\"items\""))
                .isEqualTo(ended);
        // dead letters: by the code their reason starts with, as many as the table got
        assertThat(value(after, "hub_dead_letters_total", "connector=\"segment\"", "reason=\"no_email\"")
                - value(before, "hub_dead_letters_total", "connector=\"segment\"", "reason=\"no_email\"")).isEqualTo(1);
        assertThat(value(after, "hub_dead_letters_total", "connector=\"segment\"", "reason=\"no_user_anon_id\"")
                - value(before, "hub_dead_letters_total", "connector=\"segment\"", "reason=\"no_user_anon_id\"")).isEqualTo(1);
        assertThat(value(after, "hub_dead_letters_total", "connector=\"segment\"")).isEqualTo(
                HubRuns.table(data(), "segment_dead_letters").size());
        // no user data in any tag
        assertThat(after).doesNotContain(user);

        Set<String> queried = dashboardMetrics();
        assertThat(queried).contains("hub_connector_run_duration_seconds_bucket", "hub_connector_last_success_timestamp_seconds",
                "hub_stream_last_success_timestamp_seconds", "hub_dead_letters_total", "hub_journal_entries",
                "hub_journal_oldest_entry_age_seconds");
        Set<String> served = new TreeSet<>();
        after.lines().filter(line -> !line.startsWith("#") && !line.isBlank()).forEach(line -> served.add(line.split("[{ ]", 2)[0]));
        assertThat(served).as("metrics on /q/metrics").containsAll(queried);
    }

    @Test
    void theJournalShowsItsDepthAndItsOldestEntryWhileWootricIsDown() {
        await().atMost(Duration.ofSeconds(30)).until(() -> value(scrape(), "hub_journal_entries", "journal=\"segment\"") == 0);
        FakeWootricServer.fake.failWhen = request -> true;
        try {
            String user = "down-" + UUID.randomUUID();
            for (int i = 0; i < 3; i++) {
                identify("{\"userId\":\"" + user + "-" + i + "\",\"traits\":{\"email\":\"d" + i + "@example.com\"}}");
            }
            String during = await().atMost(Duration.ofSeconds(20)).pollDelay(Duration.ofSeconds(2)).until(MetricsDashboardTest::scrape,
                    metrics -> value(metrics, "hub_journal_oldest_entry_age_seconds", "journal=\"segment\"") >= 2);
            assertThat(value(during, "hub_journal_entries", "journal=\"segment\"")).isEqualTo(3);
        } finally {
            FakeWootricServer.fake.failWhen = request -> false;
        }
        String drained = await().atMost(Duration.ofSeconds(90)).until(MetricsDashboardTest::scrape,
                metrics -> value(metrics, "hub_journal_entries", "journal=\"segment\"") == 0);
        assertThat(value(drained, "hub_journal_oldest_entry_age_seconds", "journal=\"segment\"")).isZero();
    }

    @Test
    void metricNamesAreReadOffPromQl() {
        assertThat(metricNames("histogram_quantile(0.95, sum by (connector, le) (rate(hub_x_bucket{a=\"b\"}[1h])))"))
                .containsExactly("hub_x_bucket");
        assertThat(metricNames("time() - max by (connector) (hub_y) / on (c) group_left hub_z")).containsExactly("hub_y", "hub_z");
    }
}

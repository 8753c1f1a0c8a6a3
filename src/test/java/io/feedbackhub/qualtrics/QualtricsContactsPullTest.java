package io.feedbackhub.qualtrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.testing.FakeQualtricsServer;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.TestHub;
import io.feedbackhub.testing.fake.FakeQualtrics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The contacts pull against the fake Qualtrics: paging, details, faults, the loop guard. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(FakeQualtricsServer.class)
class QualtricsContactsPullTest {

    @Inject
    HubConfig config;

    FakeQualtrics fake = FakeQualtricsServer.fake;

    @BeforeEach
    void reset() throws Exception {
        fake.clearFaults();
        fake.loopAfterPages = -1;
        fake.pageSizes = n -> -1;
        fake.notice = null;
        // each test's directory replaces an empty table, not the last test's (the removal guard would hold it)
        Path table = config.dataDir().resolve("catalog").resolve(QualtricsContactsPull.TABLE + ".jsonl");
        if (Files.exists(table)) {
            Files.write(table, new byte[0]);
        }
    }

    List<JsonNode> table() {
        return HubRuns.table(config.dataDir(), QualtricsContactsPull.TABLE);
    }

    @Test
    void twoThousandFiveHundredContactsOverOddPagesLandExactlyOnce() {
        fake.clearContacts();
        IntStream.range(0, 2500).forEach(i -> fake.addContact("ext-" + i, "c" + i + "@example.com"));
        int[] odd = {87, 79, 77};
        fake.pageSizes = n -> odd[n % odd.length];
        // a 429 without and one with Retry-After, a 500 and a 503 on the way: retried, nothing lost
        fake.inject(FakeQualtrics.Fault.tooMany("GET", "/contacts", null), FakeQualtrics.Fault.status("GET", "/contacts", 500),
                FakeQualtrics.Fault.status("GET", "/contacts", 503), FakeQualtrics.Fault.tooMany("GET", "/contacts", "1"));
        long started = System.nanoTime();

        Map<String, Object> run = HubRuns.runToEnd("qualtrics", "full");

        assertThat(run.get("status")).as(String.valueOf(run.get("error"))).isEqualTo("SUCCEEDED");
        List<JsonNode> rows = table();
        assertThat(rows).hasSize(2500);
        assertThat(rows.stream().map(r -> r.path("contactId").asText()).distinct())
                .containsExactlyInAnyOrderElementsOf(fake.contacts().stream().map(c -> c.path("contactId").asText()).toList());
        JsonNode first = rows.get(0);
        JsonNode source = fake.contact(first.path("contactId").asText());
        assertThat(first.path("extRef").asText()).isEqualTo(source.path("extRef").asText());
        // details: embedded data and dates (epoch ms at Qualtrics, ISO-8601 UTC in the catalog)
        assertThat(first.path("embeddedData").path("source").asText()).isEqualTo(source.path("extRef").asText());
        assertThat(first.path("creationDate").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        assertThat(first.path("_synced_at").isTextual()).isTrue();
        assertThat(fake.served429.get()).isGreaterThanOrEqualTo(2);
        assertThat(System.nanoTime() - started).as("Retry-After: 1 was waited for").isGreaterThan(1_000_000_000L);
        assertThat(((Number) run.get("requests")).intValue()).isGreaterThanOrEqualTo(2500 + 31);
    }

    @Test
    void waitsForTheRateLimitLeaveTheRequestAllItsRetries() {
        fake.clearContacts();
        IntStream.range(0, 30).forEach(i -> fake.addContact("wait-" + i, "w" + i + "@example.com"));
        // one request answered 429 six times and then 500 five times (hub.qualtrics.retries): the
        // waits are no failed attempts, so the sixth try still goes out
        List<FakeQualtrics.Fault> faults = new java.util.ArrayList<>();
        IntStream.range(0, 6).forEach(i -> faults.add(FakeQualtrics.Fault.tooMany("GET", "/contacts", "0")));
        IntStream.range(0, 5).forEach(i -> faults.add(FakeQualtrics.Fault.status("GET", "/contacts", 500)));
        fake.inject(faults.toArray(FakeQualtrics.Fault[]::new));
        int served429 = fake.served429.get();

        Map<String, Object> run = HubRuns.runToEnd("qualtrics", "full");

        assertThat(run.get("status")).as(String.valueOf(run.get("error"))).isEqualTo("SUCCEEDED");
        assertThat(table()).hasSize(30);
        assertThat(fake.served429.get() - served429).isEqualTo(6);
    }

    @Test
    void aLoopingNextPageFailsTheRunAndLeavesTheTableWhole() {
        fake.clearContacts();
        IntStream.range(0, 250).forEach(i -> fake.addContact("loop-" + i, "l" + i + "@example.com"));
        assertThat(HubRuns.runToEnd("qualtrics", "full").get("status")).isEqualTo("SUCCEEDED");
        assertThat(table()).hasSize(250);

        fake.addContact("loop-new", "new@example.com");
        fake.loopAfterPages = 2;
        Map<String, Object> run = HubRuns.runToEnd("qualtrics", "full");

        assertThat(run.get("status")).isEqualTo("FAILED");
        assertThat((String) run.get("error")).contains("same nextPage");
        assertThat(table()).hasSize(250);
    }

    @Test
    void aRejectedCallFailsTheRunWithQualtricsErrorCodeAndRequestId() {
        fake.inject(FakeQualtrics.Fault.status("GET", "/contacts", 400));
        Map<String, Object> run = HubRuns.runToEnd("qualtrics", "full");
        assertThat(run.get("status")).isEqualTo("FAILED");
        assertThat((String) run.get("error")).contains("400 - Bad Request").contains("SERVER_400").contains("requestId");
    }
}

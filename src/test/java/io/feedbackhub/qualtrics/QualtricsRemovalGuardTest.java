package io.feedbackhub.qualtrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import io.feedbackhub.testing.Management;
import io.feedbackhub.testing.TestHub;
import io.feedbackhub.testing.fake.FakeQualtrics;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The core removal guard on qualtrics_contacts: a wrong directory that answers 200 with no contact empties nothing. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(FakeQualtricsServer.class)
class QualtricsRemovalGuardTest {

    @Inject
    HubConfig config;

    FakeQualtrics fake = FakeQualtricsServer.fake;
    Path table;

    @BeforeEach
    void emptyDirectoryAndTable() throws Exception {
        fake.clearFaults();
        fake.clearContacts();
        table = config.dataDir().resolve("catalog").resolve(QualtricsContactsPull.TABLE + ".jsonl");
        if (Files.exists(table)) {
            // emptied, not deleted: the running catalog keeps its table files open
            Files.write(table, new byte[0]);
        }
    }

    List<JsonNode> rows() {
        return HubRuns.table(config.dataDir(), QualtricsContactsPull.TABLE);
    }

    /** Deleted at the source through Qualtrics' own API. */
    void deleteAtTheSource(String contactId) throws Exception {
        HttpRequest delete = HttpRequest.newBuilder(URI.create(fake.baseUrl() + "/API/v3/directories/" + FakeQualtrics.DIRECTORY
                + "/contacts/" + contactId)).header("X-API-TOKEN", FakeQualtrics.API_TOKEN).DELETE().build();
        assertThat(HttpClient.newHttpClient().send(delete, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    }

    @Test
    void aPullThatFindsNoContactIsHeldAndAppliedOnlyWhenConfirmed() throws Exception {
        IntStream.range(0, 40).forEach(i -> fake.addContact("guard-" + i, "g" + i + "@example.com"));
        assertThat(HubRuns.runToEnd("qualtrics", "full").get("status")).isEqualTo("SUCCEEDED");
        assertThat(rows()).hasSize(40);
        byte[] before = Files.readAllBytes(table);

        fake.clearContacts();
        Map<String, Object> held = HubRuns.runToEnd("qualtrics", "incremental");

        assertThat(held.get("status")).isEqualTo("FAILED");
        assertThat((String) held.get("error")).startsWith("HELD by the mass-removal guard")
                .contains("qualtrics_contacts: 40 rows would become 0 (100 % removed), more than hub.qualtrics.max-removal-percent=50")
                .contains("POST /hub/connectors/qualtrics/run?mode=incremental&confirm-removals=true");
        assertThat(Files.readAllBytes(table)).isEqualTo(before);

        String runId = Management.request().queryParam("mode", "full").queryParam("confirm-removals", "true")
                .post("/hub/connectors/qualtrics/run").then().statusCode(202).extract().path("runId");
        Map<String, Object> applied = HubRuns.awaitEnd("qualtrics", runId);
        assertThat(applied.get("status")).as(String.valueOf(applied.get("error"))).isEqualTo("SUCCEEDED");
        assertThat((List<?>) applied.get("notes")).anySatisfy(note -> assertThat((String) note).contains("qualtrics_contacts: 40 rows"));
        assertThat(rows()).isEmpty();
    }

    @Test
    void aRemovalWithinTheLimitIsApplied() throws Exception {
        IntStream.range(0, 40).forEach(i -> fake.addContact("few-" + i, "f" + i + "@example.com"));
        assertThat(HubRuns.runToEnd("qualtrics", "full").get("status")).isEqualTo("SUCCEEDED");
        for (JsonNode contact : fake.contacts().subList(0, 4)) {
            deleteAtTheSource(contact.path("contactId").asText());
        }

        Map<String, Object> run = HubRuns.runToEnd("qualtrics", "full");
        assertThat(run.get("status")).as(String.valueOf(run.get("error"))).isEqualTo("SUCCEEDED");
        assertThat(rows()).extracting(row -> row.path("contactId").asText())
                .containsExactlyInAnyOrderElementsOf(fake.contacts().stream().map(c -> c.path("contactId").asText()).toList())
                .hasSize(36);
    }
}

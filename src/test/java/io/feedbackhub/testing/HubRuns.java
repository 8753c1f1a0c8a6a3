package io.feedbackhub.testing;

import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.notNullValue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.restassured.path.json.JsonPath;

/** Runs connectors through the management API and reads what they left in the file catalog. */
public final class HubRuns {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HubRuns() {
    }

    public static String start(String connector, String mode) {
        return Management.request().queryParam("mode", mode).post("/hub/connectors/" + connector + "/run")
                .then().statusCode(202).body("runId", notNullValue()).extract().path("runId");
    }

    /** Starts a run and waits for it to end; returns its lastRun object. */
    public static Map<String, Object> runToEnd(String connector, String mode) {
        return awaitEnd(connector, start(connector, mode));
    }

    public static Map<String, Object> awaitEnd(String connector, String runId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonPath view = Management.request().get("/hub/connectors/" + connector).jsonPath();
            return runId.equals(view.getString("lastRun.id")) && !"RUNNING".equals(view.getString("lastRun.status"));
        });
        return Management.request().get("/hub/connectors/" + connector).jsonPath().getMap("lastRun");
    }

    public static List<JsonNode> table(Path dataDir, String table) {
        Path file = dataDir.resolve("catalog").resolve(table + ".jsonl");
        List<JsonNode> records = new ArrayList<>();
        if (!Files.exists(file)) {
            return records;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                records.add(JSON.readTree(line));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
    }

    public static List<String> ids(List<JsonNode> records) {
        return records.stream().map(r -> r.path("id").asText()).toList();
    }
}

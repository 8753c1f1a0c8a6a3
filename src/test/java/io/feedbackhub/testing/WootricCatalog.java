package io.feedbackhub.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

import io.feedbackhub.testing.fake.FakeWootric;

/** Compares what the file catalog holds for a Wootric stream with what the fake server holds. */
public final class WootricCatalog {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> DATES = List.of("created_at", "updated_at", "last_surveyed", "last_seen_at", "external_created_at");

    private WootricCatalog() {
    }

    /**
     * The fake's row as the catalog should hold it: same fields, datetimes (unix seconds in the fake)
     * as UTC ISO-8601, nested ones too, and a response's end_user.properties as JSON text.
     */
    public static JsonNode expected(Map<String, Object> row) {
        ObjectNode record = JSON.valueToTree(row);
        datesAsIso(record);
        if (record.get("end_user") instanceof ObjectNode endUser && endUser.get("properties") instanceof ObjectNode properties) {
            endUser.put("properties", properties.toString());
        }
        try {
            // parsed back, so that numbers have the node types parsing gives (1001 an int, not a long)
            return JSON.readTree(record.toString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void datesAsIso(ObjectNode record) {
        record.fields().forEachRemaining(field -> {
            if (DATES.contains(field.getKey()) && field.getValue().isIntegralNumber()) {
                field.setValue(TextNode.valueOf(Instant.ofEpochSecond(field.getValue().asLong()).toString()));
            } else if (field.getValue() instanceof ObjectNode nested && !field.getKey().equals("properties")) {
                datesAsIso(nested);
            }
        });
    }

    /** The catalog's current state of a table: the last version of each id. */
    public static Map<Long, JsonNode> current(Path dataDir, String table) {
        Map<Long, JsonNode> byId = new LinkedHashMap<>();
        for (JsonNode record : HubRuns.table(dataDir, table)) {
            ObjectNode copy = record.deepCopy();
            copy.remove("_synced_at");
            byId.put(copy.path("id").asLong(), copy);
        }
        return byId;
    }

    /** Asserts the table equals the fake's stream, by id and content, and holds no version twice. */
    public static void assertMirrors(Path dataDir, String table, FakeWootric fake, String stream) {
        List<JsonNode> lines = HubRuns.table(dataDir, table);
        Map<String, Long> versions = lines.stream().collect(Collectors.groupingBy(
                r -> r.path("id").asText() + "@" + r.path("updated_at").asText(), Collectors.counting()));
        assertThat(versions.entrySet()).as(table + ": a version written twice").allSatisfy(v -> assertThat(v.getValue()).isEqualTo(1L));
        assertThat(lines).as(table + ": records without _synced_at").allSatisfy(r -> assertThat(r.path("_synced_at").isTextual()).isTrue());
        Map<Long, JsonNode> current = current(dataDir, table);
        Map<Long, JsonNode> expected = fake.rows(stream).stream()
                .collect(Collectors.toMap(r -> (Long) r.get("id"), WootricCatalog::expected, (a, b) -> a, LinkedHashMap::new));
        assertThat(current.keySet()).as(table + " ids").containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((id, row) -> assertThat(current.get(id)).as(table + " record " + id).isEqualTo(row));
    }
}

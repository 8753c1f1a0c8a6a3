package io.feedbackhub.core.catalog;

import java.io.IOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Reads a catalog message into a {@link RecordBatch}, refusing what the catalog cannot store. */
@ApplicationScoped
public class CatalogInput {

    private static final Pattern TABLE_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,199}");

    @Inject
    ObjectMapper json;

    public RecordBatch read(Exchange exchange) {
        String table = exchange.getMessage().getHeader(Catalog.TABLE, String.class);
        if (table == null || !TABLE_NAME.matcher(table).matches()) {
            throw new IllegalArgumentException("catalog: header " + Catalog.TABLE
                    + " must name a table (letters, digits, '_', '-', '.'), not " + table);
        }
        RecordBatch.Mode mode = RecordBatch.Mode.parse(exchange.getMessage().getHeader(Catalog.TABLE_MODE, "append", String.class));
        String key = exchange.getMessage().getHeader(Catalog.RECORD_KEY, String.class);
        String keyField = exchange.getMessage().getHeader(Catalog.KEY_FIELD, "id", String.class);
        Object body = exchange.getMessage().getBody();
        String syncedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();

        List<CatalogRecord> records = new ArrayList<>();
        if (body instanceof Collection<?> many) {
            for (Object one : many) {
                records.add(record(table, toJson(table, one), null, keyField, syncedAt));
            }
        } else if (body != null) {
            JsonNode node = toJson(table, body);
            if (node.isArray()) {
                for (JsonNode one : node) {
                    records.add(record(table, one, null, keyField, syncedAt));
                }
            } else {
                records.add(record(table, node, key, keyField, syncedAt));
            }
        }
        return new RecordBatch(table, mode, records);
    }

    private CatalogRecord record(String table, JsonNode node, String key, String keyField, String syncedAt) {
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException("catalog: a record of " + table + " must be a JSON object, not " + node.getNodeType());
        }
        String id = key != null ? key : object.path(keyField).asText(null);
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("catalog: a record of " + table + " has no key (header "
                    + Catalog.RECORD_KEY + " or field '" + keyField + "')");
        }
        if (!object.has(Catalog.SYNCED_AT)) {
            object.put(Catalog.SYNCED_AT, syncedAt);
        }
        return new CatalogRecord(id, object);
    }

    private JsonNode toJson(String table, Object body) {
        try {
            if (body instanceof JsonNode node) {
                return node.deepCopy();
            }
            if (body instanceof String text) {
                return json.readTree(text);
            }
            if (body instanceof byte[] bytes) {
                return json.readTree(bytes);
            }
            return json.valueToTree(body);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("catalog: a record of " + table + " is not valid JSON: " + e.getMessage(), e);
        }
    }
}

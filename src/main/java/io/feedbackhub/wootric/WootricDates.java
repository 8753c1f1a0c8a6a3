package io.feedbackhub.wootric;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * Wootric's datetimes come in several shapes ({@code 2018-01-02 23:03:41 -0800},
 * {@code 2014-12-01 18:36:59}, {@code 2015-02-12T06:29:27.000-08:00}, {@code 2015-04-20 04:46:51-08:00});
 * the catalog holds them as UTC ISO-8601.
 */
public final class WootricDates {

    static final List<String> FIELDS = List.of("created_at", "updated_at", "last_surveyed", "last_seen_at", "external_created_at");
    private static final Pattern DATETIME = Pattern.compile(
            "(\\d{4}-\\d\\d-\\d\\d)[T ](\\d\\d:\\d\\d:\\d\\d)(\\.\\d+)?\\s*(Z|[+-]\\d\\d:?\\d\\d)?");

    private WootricDates() {
    }

    public static Instant parse(String text) {
        Matcher m = DATETIME.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a Wootric datetime: " + text);
        }
        LocalDateTime local = LocalDateTime.parse(m.group(1) + "T" + m.group(2) + (m.group(3) == null ? "" : m.group(3)));
        String offset = m.group(4);
        if (offset == null || offset.equals("Z")) {
            return local.toInstant(ZoneOffset.UTC);
        }
        String normalised = offset.contains(":") ? offset : offset.substring(0, 3) + ":" + offset.substring(3);
        return OffsetDateTime.of(local, ZoneOffset.of(normalised)).toInstant();
    }

    /**
     * Rewrites every datetime the record carries as UTC ISO-8601, in nested objects too: the
     * documented fields, any other {@code *_at} field, and the unix seconds of
     * {@code external_created_at}. A {@code properties} hash is the customer's own data and is left as it is.
     */
    public static ObjectNode normalise(ObjectNode record) {
        for (var fields = record.fields(); fields.hasNext();) {
            var field = fields.next();
            JsonNode value = field.getValue();
            String name = field.getKey();
            if (value instanceof ObjectNode nested && !name.equals("properties")) {
                normalise(nested);
            } else if (FIELDS.contains(name) || name.endsWith("_at")) {
                if (value.isTextual() && !value.asText().isBlank()) {
                    field.setValue(TextNode.valueOf(parse(value.asText()).toString()));
                } else if (value.isIntegralNumber()) {
                    field.setValue(TextNode.valueOf(Instant.ofEpochSecond(value.asLong()).toString()));
                }
            }
        }
        return record;
    }

    /** The whole second of a normalised datetime field. */
    public static long epochSecond(JsonNode record, String field) {
        JsonNode value = record.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("a Wootric record has no " + field + ": " + record.path("id"));
        }
        return Instant.parse(value.asText()).getEpochSecond();
    }
}

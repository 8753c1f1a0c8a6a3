package io.feedbackhub.segment;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An {@code identify} message as Wootric end-user fields (form parameters), following Segment's
 * own Wootric integration (shared/docs/segment-tracking-api.md §4.1 and §6):
 * <ul>
 * <li>{@code email}: traits.email, else the userId when it is an e-mail address;</li>
 * <li>{@code external_id}: the userId;</li>
 * <li>{@code external_created_at}: traits.createdAt (or created) by the new-date rules, rounded to the second;</li>
 * <li>{@code phone_number}: traits.phone;</li>
 * <li>{@code properties[k]}: every other trait ({@code language} included) as text; a date value
 * becomes {@code properties[k_date]} in unix seconds; objects and arrays as JSON.</li>
 * </ul>
 */
public final class IdentifyMapping {

    private static final Set<String> FIELDS = Set.of("email", "createdAt", "created", "id", "phone");
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private IdentifyMapping() {
    }

    public static Map<String, String> fields(JsonNode message) {
        JsonNode traits = message.path("traits");
        Map<String, String> fields = new LinkedHashMap<>();
        String userId = text(message.path("userId"));
        String email = text(traits.path("email"));
        if (email == null && userId != null && EMAIL.matcher(userId).matches()) {
            email = userId;
        }
        put(fields, "email", email);
        put(fields, "external_id", userId);
        JsonNode created = traits.has("createdAt") ? traits.path("createdAt") : traits.path("created");
        SegmentDates.epochSeconds(created).ifPresent(seconds -> fields.put("external_created_at", String.valueOf(seconds)));
        put(fields, "phone_number", text(traits.path("phone")));
        fields.putAll(properties(traits));
        return fields;
    }

    /** The traits that become {@code properties[...]}. */
    public static Map<String, String> properties(JsonNode traits) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = traits.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> trait = it.next();
            String key = trait.getKey();
            JsonNode value = trait.getValue();
            if (FIELDS.contains(key) || value.isNull()) {
                continue;
            }
            if (value.isTextual() && SegmentDates.iso(value.asText().trim()).isPresent()) {
                String dateKey = key.endsWith("_date") ? key : key + "_date";
                properties.put("properties[" + dateKey + "]", String.valueOf(SegmentDates.epochSeconds(value).orElseThrow()));
            } else {
                properties.put("properties[" + key + "]", value.isValueNode() ? value.asText() : value.toString());
            }
        }
        return properties;
    }

    private static void put(Map<String, String> fields, String name, String value) {
        if (value != null && !value.isBlank()) {
            fields.put(name, value);
        }
    }

    private static String text(JsonNode value) {
        return value == null || value.isMissingNode() || value.isNull() ? null : value.asText();
    }
}

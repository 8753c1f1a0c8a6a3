package io.feedbackhub.segment;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Checks a Segment Tracking API request (path, write key, size limits, JSON, identities) and turns
 * it into one journal entry: {@code {"receivedAt", "messages":[...], "rejected":[{"reason","message"}]}}.
 * Nothing is journaled for a request it refuses.
 */
@ApplicationScoped
@Named("segmentIntake")
public class SegmentIntake {

    private static final Pattern PATH = Pattern.compile("/v1/(identify|track|page|screen|group|alias|batch|import)/?");
    private static final Set<String> TYPES = Set.of("identify", "track", "page", "screen", "group", "alias");

    @Inject
    SegmentConfig config;

    @Inject
    ObjectMapper json;

    public String read(Exchange exchange) {
        String path = exchange.getMessage().getHeader(Exchange.HTTP_PATH, String.class);
        Matcher m = PATH.matcher(path == null ? "" : path);
        if (!m.matches()) {
            throw new SegmentRejected(404, "no such endpoint: " + path);
        }
        String call = m.group(1);
        boolean batch = call.equals("batch") || call.equals("import");
        byte[] body = exchange.getMessage().getBody(byte[].class);
        if (body == null || body.length == 0) {
            throw new SegmentRejected(400, "the request has no body");
        }
        int limit = batch ? config.maxBatchBytes() : config.maxMessageBytes();
        if (body.length > limit) {
            throw new SegmentRejected(400, (batch ? "a batch" : "a message") + " may hold at most " + limit / 1000
                    + " KB; this one holds " + body.length + " bytes");
        }
        JsonNode request;
        try {
            request = json.readTree(body);
        } catch (java.io.IOException e) {
            throw new SegmentRejected(400, "invalid JSON: " + firstLine(e.getMessage()));
        }
        if (!(request instanceof ObjectNode object)) {
            throw new SegmentRejected(400, "the body must be a JSON object");
        }
        checkWriteKey(exchange.getMessage().getHeader("Authorization", String.class), object.path("writeKey").asText(null));

        String receivedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        ObjectNode entry = json.createObjectNode().put("receivedAt", receivedAt);
        ArrayNode messages = entry.putArray("messages");
        ArrayNode rejected = entry.putArray("rejected");
        if (batch) {
            JsonNode items = object.path("batch");
            if (!items.isArray()) {
                throw new SegmentRejected(400, "a batch body needs a \"batch\" array");
            }
            // in a body no bigger than one message may be, no message can be too big
            boolean sizeChecks = body.length > config.maxMessageBytes();
            for (JsonNode item : items) {
                take(item, null, object.path("context"), receivedAt, messages, rejected, sizeChecks);
            }
        } else {
            take(object, call, null, receivedAt, messages, rejected, false);
            if (!rejected.isEmpty()) {
                throw new SegmentRejected(400, rejected.get(0).path("reason").asText());
            }
        }
        return entry.toString();
    }

    private void take(JsonNode item, String type, JsonNode batchContext, String receivedAt, ArrayNode messages, ArrayNode rejected,
            boolean sizeCheck) {
        if (!(item instanceof ObjectNode message)) {
            rejected.addObject().put("reason", "not_an_object").set("message", item);
            return;
        }
        message.remove("writeKey");
        if (type != null) {
            message.put("type", type);
        }
        String reason = problem(message, sizeCheck);
        if (reason != null) {
            rejected.addObject().put("reason", reason).set("message", message);
            return;
        }
        if (batchContext instanceof ObjectNode shared) {
            ObjectNode context = message.with("context");
            for (Iterator<Map.Entry<String, JsonNode>> it = shared.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                if (!context.has(field.getKey())) {
                    context.set(field.getKey(), field.getValue());
                }
            }
        }
        if (!message.path("messageId").isTextual() || message.path("messageId").asText().isBlank()) {
            message.put("messageId", "hub-" + UUID.randomUUID());
        }
        message.put("receivedAt", receivedAt);
        messages.add(message);
    }

    private String problem(ObjectNode message, boolean sizeCheck) {
        String type = message.path("type").asText("");
        if (!TYPES.contains(type)) {
            return "unknown_type";
        }
        if (blank(message.path("userId")) && blank(message.path("anonymousId"))) {
            return "no_user_anon_id";
        }
        if (type.equals("track") && blank(message.path("event"))) {
            return "no_event";
        }
        try {
            if (sizeCheck && json.writeValueAsBytes(message).length > config.maxMessageBytes()) {
                return "message_too_large";
            }
        } catch (JsonProcessingException e) {
            return "invalid_message";
        }
        return null;
    }

    private static boolean blank(JsonNode value) {
        return value.isMissingNode() || value.isNull() || value.asText().isBlank();
    }

    /** The write key from HTTP Basic (username part) or, as analytics-java 3.4-3.5.4 sends it, the body. */
    private void checkWriteKey(String authorization, String bodyKey) {
        String key = bodyKey;
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                key = colon < 0 ? decoded : decoded.substring(0, colon);
            } catch (IllegalArgumentException e) {
                throw new SegmentRejected(401, "the Authorization header is not valid Basic auth");
            }
        }
        if (key == null || key.isEmpty()) {
            throw new SegmentRejected(401, "no write key: send it as the Basic auth username or as writeKey in the body");
        }
        byte[] given = key.getBytes(StandardCharsets.UTF_8);
        boolean known = false;
        for (String configured : config.writeKeys().orElse(List.of())) {
            // compares every key in full, so the time taken says nothing about which one nearly matched
            known |= MessageDigest.isEqual(configured.trim().getBytes(StandardCharsets.UTF_8), given);
        }
        if (!known) {
            throw new SegmentRejected(401, "unknown write key");
        }
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}

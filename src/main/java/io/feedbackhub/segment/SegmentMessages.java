package io.feedbackhub.segment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Segment's rules for a single message, and the reading of a journal entry back into its messages.
 * Intake applies the rules to a single call before answering (a bad one is a 400); a batch is
 * journaled as received, since it is answered 200 whatever its messages hold, and its messages are
 * checked here at delivery, where the bad ones become dead letters.
 */
@ApplicationScoped
class SegmentMessages {

    static final Set<String> TYPES = Set.of("identify", "track", "page", "screen", "group", "alias");
    /** Segment's name for the Wootric destination, as the {@code integrations} object names it (case-sensitive, as Segment matches it). */
    static final String WOOTRIC = "Wootric";

    /** An entry's messages, ready to deliver, and the ones Segment's rules refuse, with the reason. */
    record Entry(String receivedAt, List<ObjectNode> messages, List<ObjectNode> rejected) {
    }

    @Inject
    ObjectMapper json;

    @Inject
    SegmentConfig config;

    /** Why Segment would refuse the message, or null. */
    static String problem(ObjectNode message) {
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
        return null;
    }

    /**
     * Whether the message's {@code integrations} object lets it go to Wootric, as Segment decides:
     * a {@code "Wootric"} flag wins (any value but {@code false} enables, an options object too);
     * without one, {@code "All": false} keeps it out; no object or no flags lets it through.
     */
    static boolean forWootric(JsonNode message) {
        JsonNode integrations = message.path("integrations");
        JsonNode flag = integrations.get(WOOTRIC);
        if (flag != null && !flag.isNull()) {
            return !flag.equals(BooleanNode.FALSE);
        }
        JsonNode all = integrations.get("All");
        return all == null || !all.equals(BooleanNode.FALSE);
    }

    /**
     * Reads an entry written by {@link SegmentIntake}. A message without a messageId gets one made of
     * the entry's id and its place in the entry, so a redelivered entry gives it the same id again.
     */
    Entry read(byte[] raw) throws IOException {
        JsonNode entry;
        try {
            entry = json.readTree(raw);
        } catch (IOException unreadable) {
            // intake checked it, so this is damage (or a bug): one dead letter, never an entry retried for ever
            ObjectNode damaged = json.createObjectNode().put("entry", new String(raw, java.nio.charset.StandardCharsets.UTF_8));
            return new Entry("", List.of(), List.of(rejection("unreadable_entry: " + unreadable.getMessage(), damaged, "",
                    "unreadable-" + java.util.UUID.nameUUIDFromBytes(raw))));
        }
        String id = entry.path("id").asText();
        String receivedAt = entry.path("receivedAt").asText();
        String call = entry.path("call").asText();
        JsonNode body = entry.path("body");
        List<ObjectNode> messages = new ArrayList<>();
        List<ObjectNode> rejected = new ArrayList<>();
        if (call.equals("batch") || call.equals("import")) {
            // in an entry no bigger than one message may be, no message can be too big
            boolean sizeCheck = raw.length > config.maxMessageBytes();
            int place = 0;
            for (JsonNode item : body.path("batch")) {
                take(item, body.path("context"), body.path("integrations"), id + "-" + place++, receivedAt, sizeCheck, messages, rejected);
            }
        } else {
            take(body, null, null, id + "-0", receivedAt, false, messages, rejected);
        }
        return new Entry(receivedAt, messages, rejected);
    }

    private void take(JsonNode item, JsonNode batchContext, JsonNode batchIntegrations, String place, String receivedAt,
            boolean sizeCheck, List<ObjectNode> messages, List<ObjectNode> rejected) {
        if (!(item instanceof ObjectNode message)) {
            rejected.add(rejection("not_an_object", item, receivedAt, "hub-" + place));
            return;
        }
        message.remove("writeKey");
        String reason = problem(message);
        if (reason == null && sizeCheck && tooLarge(message)) {
            reason = "message_too_large";
        }
        if (reason != null) {
            rejected.add(rejection(reason, message, receivedAt, "hub-" + place));
            return;
        }
        // the batch's context and integrations are merged into each message's, whose own keys win
        merge(message, "context", batchContext);
        merge(message, "integrations", batchIntegrations);
        if (blank(message.path("messageId"))) {
            message.put("messageId", "hub-" + place);
        }
        message.put("receivedAt", receivedAt);
        messages.add(message);
    }

    private static void merge(ObjectNode message, String name, JsonNode batchLevel) {
        if (!(batchLevel instanceof ObjectNode shared)) {
            return;
        }
        if (!(message.get(name) instanceof ObjectNode)) {
            // one that is null or not an object gives way to the batch's
            message.putObject(name);
        }
        ObjectNode own = (ObjectNode) message.get(name);
        for (Iterator<Map.Entry<String, JsonNode>> it = shared.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!own.has(field.getKey())) {
                own.set(field.getKey(), field.getValue());
            }
        }
    }

    private boolean tooLarge(ObjectNode message) {
        try {
            return json.writeValueAsBytes(message).length > config.maxMessageBytes();
        } catch (JsonProcessingException e) {
            return true;
        }
    }

    /** A refused message; {@code id} names it in the dead letters, the same on every redelivery of its entry. */
    private ObjectNode rejection(String reason, JsonNode message, String receivedAt, String fallbackId) {
        String messageId = message.path("messageId").asText("");
        ObjectNode rejection = json.createObjectNode().put("reason", reason).put("receivedAt", receivedAt)
                .put("id", messageId.isBlank() ? fallbackId : messageId);
        rejection.set("message", message);
        return rejection;
    }

    private static boolean blank(JsonNode value) {
        return value.isMissingNode() || value.isNull() || value.asText().isBlank();
    }
}

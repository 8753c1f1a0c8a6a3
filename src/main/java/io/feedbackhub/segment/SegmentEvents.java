package io.feedbackhub.segment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.spi.IdempotentRepository;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.feedbackhub.core.catalog.Catalog;

/** Reads a journal entry back into its messages, and shapes them for the catalog tables. */
@ApplicationScoped
@Named("segmentEvents")
public class SegmentEvents {

    static final String REJECTED = "segmentRejected";
    static final String MESSAGE = "segmentMessage";
    static final String COALESCED = "segmentCoalesced";

    @Inject
    ObjectMapper json;

    @Inject
    SegmentMessages entries;

    @Inject
    @Named("segmentSeen")
    IdempotentRepository seen;

    /**
     * The entry's accepted messages as the body; its rejected ones in the {@link #REJECTED} property,
     * and its identifies coalesced per user in {@link #COALESCED}.
     */
    public List<ObjectNode> messages(Exchange exchange) throws IOException {
        SegmentMessages.Entry entry = entries.read(exchange.getMessage().getBody(byte[].class));
        exchange.setProperty(COALESCED, coalesce(entry.messages()));
        exchange.setProperty(REJECTED, entry.rejected());
        return entry.messages();
    }

    /**
     * Several identifies of one user in one request make one Wootric write: the first carries the
     * traits of all (later ones win) and the others are recorded but not sent. Returns, by messageId,
     * the identify to send in a message's place: the merged one, or null for one merged away.
     */
    Map<String, ObjectNode> coalesce(List<ObjectNode> messages) {
        Map<String, ObjectNode> firstByUser = new HashMap<>();
        Map<String, ObjectNode> instead = new HashMap<>();
        for (ObjectNode message : messages) {
            String userId = message.path("userId").asText("");
            // a message delivered before (the request was resent) takes no part: it is not sent again;
            // nor does one its integrations keep out of Wootric
            if (!message.path("type").asText().equals("identify") || userId.isEmpty() || !SegmentMessages.forWootric(message)
                    || seen.contains(message.path("messageId").asText())) {
                continue;
            }
            ObjectNode first = firstByUser.get(userId);
            if (first == null) {
                firstByUser.put(userId, message);
                continue;
            }
            String firstId = first.path("messageId").asText();
            if (firstId.equals(message.path("messageId").asText())) {
                continue; // the same message twice in one request: the idempotent consumer drops the second
            }
            ObjectNode merged = instead.computeIfAbsent(firstId, id -> first.deepCopy());
            if (message.path("traits") instanceof ObjectNode traits) {
                if (!(merged.get("traits") instanceof ObjectNode)) {
                    merged.putObject("traits");
                }
                ((ObjectNode) merged.get("traits")).setAll(traits.deepCopy());
            }
            instead.put(message.path("messageId").asText(), null);
        }
        return instead;
    }

    /** One message for segment_events, keyed by messageId; kept in {@link #MESSAGE} for the later steps. */
    public void event(Exchange exchange) {
        ObjectNode message = exchange.getMessage().getBody(ObjectNode.class);
        exchange.setProperty(MESSAGE, message);
        exchange.getMessage().setHeader("messageId", message.path("messageId").asText());
        exchange.getMessage().setHeader("segmentType", message.path("type").asText());
        headers(exchange, "segment_events", "messageId");
    }

    /** A page message as a page visit for segment_pages. */
    public ObjectNode visit(Exchange exchange) {
        ObjectNode message = exchange.getProperty(MESSAGE, ObjectNode.class);
        JsonNode properties = message.path("properties");
        JsonNode page = message.path("context").path("page");
        ObjectNode visit = json.createObjectNode();
        visit.put("messageId", message.path("messageId").asText());
        visit.put("userId", text(message.path("userId")));
        visit.put("anonymousId", text(message.path("anonymousId")));
        visit.put("name", text(message.path("name")));
        for (String field : List.of("url", "path", "title", "referrer")) {
            visit.put(field, text(properties.has(field) ? properties.path(field) : page.path(field)));
        }
        visit.put("timestamp", text(message.has("timestamp") ? message.path("timestamp") : message.path("receivedAt")));
        headers(exchange, "segment_pages", "messageId");
        return visit;
    }

    /** A message Wootric can never take, with the reason, for segment_dead_letters. */
    public ObjectNode deadLetter(Exchange exchange) {
        ObjectNode message = exchange.getProperty(MESSAGE, ObjectNode.class);
        ObjectNode letter = json.createObjectNode();
        letter.put("id", message.path("messageId").asText());
        letter.put("reason", exchange.getProperty(WootricRelay.UNDELIVERABLE, String.class));
        letter.put("receivedAt", message.path("receivedAt").asText());
        letter.set("message", message);
        headers(exchange, "segment_dead_letters", "id");
        return letter;
    }

    /** The rejected messages of the entry, for segment_dead_letters. */
    public List<ObjectNode> deadLetters(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<ObjectNode> rejected = exchange.getProperty(REJECTED, List.class);
        List<ObjectNode> letters = new ArrayList<>();
        for (ObjectNode r : rejected) {
            ObjectNode letter = json.createObjectNode();
            letter.put("id", r.path("id").asText());
            letter.put("reason", r.path("reason").asText());
            letter.put("receivedAt", r.path("receivedAt").asText());
            letter.set("message", r.path("message"));
            letters.add(letter);
        }
        headers(exchange, "segment_dead_letters", "id");
        return letters;
    }

    private static String text(JsonNode value) {
        return value.isMissingNode() || value.isNull() ? null : value.asText();
    }

    private static void headers(Exchange exchange, String table, String keyField) {
        exchange.getMessage().setHeader(Catalog.TABLE, table);
        exchange.getMessage().setHeader(Catalog.KEY_FIELD, keyField);
        exchange.getMessage().removeHeader(Catalog.TABLE_MODE);
    }
}

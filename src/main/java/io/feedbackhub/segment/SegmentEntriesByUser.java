package io.feedbackhub.segment;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * On the Kafka journal, an accepted request becomes one record per user, keyed by the user
 * ({@code userId}, else {@code anonymousId}): the topic's partitions are shared out among the
 * members delivering from it, and one user's events all land in one partition, so they are
 * delivered in the order they came, whichever member delivers them. A batch of several users is
 * split into one entry per user (the batch's other fields with that user's messages, in order);
 * messages without either id stay together under no key. The file journal keeps requests whole:
 * one process delivers it in order.
 */
@ApplicationScoped
@Named("segmentEntriesByUser")
public class SegmentEntriesByUser {

    @Inject
    ObjectMapper json;

    /** The records to send, as messages whose {@link KafkaConstants#KEY} header is the user. */
    public List<Message> split(Exchange exchange) throws IOException {
        byte[] raw = exchange.getMessage().getBody(byte[].class);
        JsonNode entry = json.readTree(raw);
        JsonNode body = entry.path("body");
        String call = entry.path("call").asText();
        if (!(call.equals("batch") || call.equals("import")) || !body.path("batch").isArray()) {
            return List.of(record(exchange, user(body), raw));
        }
        Map<String, ArrayNode> byUser = new LinkedHashMap<>();
        for (JsonNode message : body.path("batch")) {
            byUser.computeIfAbsent(user(message), key -> json.createArrayNode()).add(message);
        }
        if (byUser.size() <= 1) {
            return List.of(record(exchange, byUser.keySet().stream().findFirst().orElse(null), raw));
        }
        List<Message> records = new ArrayList<>(byUser.size());
        int part = 0;
        for (Map.Entry<String, ArrayNode> user : byUser.entrySet()) {
            ObjectNode own = ((ObjectNode) entry).deepCopy();
            // a part's own id: a message without a messageId is named after its entry and place
            own.put("id", entry.path("id").asText() + "." + part++);
            ((ObjectNode) own.path("body")).set("batch", user.getValue());
            records.add(record(exchange, user.getKey(), json.writeValueAsBytes(own)));
        }
        return records;
    }

    private static String user(JsonNode message) {
        for (String field : List.of("userId", "anonymousId")) {
            JsonNode id = message.path(field);
            if ((id.isTextual() || id.isNumber()) && !id.asText().isEmpty()) {
                return id.asText();
            }
        }
        return null;
    }

    private static Message record(Exchange exchange, String user, byte[] entry) {
        Message record = new DefaultMessage(exchange);
        record.setHeader(KafkaConstants.KEY, user);
        record.setBody(entry);
        return record;
    }
}

package io.feedbackhub.segment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Checks a Segment Tracking API request (path, write key, size limits, JSON, identities) and turns
 * it into one journal entry, {@code {"id","receivedAt","call","body"}}. Nothing is journaled for a
 * request it refuses.
 *
 * <p>A batch is the hot path: it is checked with a streaming parse and journaled as received
 * (write keys blanked), since building and re-serialising a tree per request cost more CPU than the
 * rest of the intake together. Its messages are checked at delivery ({@link SegmentMessages}).
 */
@ApplicationScoped
@Named("segmentIntake")
public class SegmentIntake {

    private static final Pattern PATH = Pattern.compile("/v1/(identify|track|page|screen|group|alias|batch|import)/?");
    private static final String WRITE_KEY = "writeKey";

    @Inject
    SegmentConfig config;

    /**
     * The intake's parser, one nesting level shallower than the default: the journal entry wraps the
     * body in one more object, and delivery must be able to read every entry intake accepted.
     */
    private final ObjectMapper json;

    @Inject
    public SegmentIntake(ObjectMapper mapper) {
        this.json = mapper.copy();
        json.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(StreamReadConstraints.DEFAULT_MAX_DEPTH - 8).build());
    }

    public byte[] read(Exchange exchange) {
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
        String authorization = exchange.getMessage().getHeader("Authorization", String.class);
        body = utf8(body);
        byte[] entry = batch ? batch(call, body, authorization) : single(call, body, authorization);
        // nothing of the request but its body goes on: no Authorization header in a Kafka journal record
        exchange.getMessage().removeHeaders("*");
        return entry;
    }

    /**
     * The body as UTF-8 without a BOM: the entry embeds its bytes as they are, so a BOM or a UTF-16/32
     * body (which Jackson alone would accept) could not be read back at delivery.
     */
    private static byte[] utf8(byte[] body) {
        if (body.length >= 3 && (body[0] & 0xFF) == 0xEF && (body[1] & 0xFF) == 0xBB && (body[2] & 0xFF) == 0xBF) {
            body = Arrays.copyOfRange(body, 3, body.length);
        }
        for (int i = 0; i < Math.min(4, body.length); i++) {
            if (body[i] == 0 || (body[i] & 0xFF) == 0xFE || (body[i] & 0xFF) == 0xFF) {
                throw new SegmentRejected(400, "the body must be JSON in UTF-8");
            }
        }
        return body;
    }

    private byte[] single(String call, byte[] body, String authorization) {
        JsonNode request;
        try {
            request = json.readTree(body);
        } catch (IOException e) {
            throw invalidJson(e);
        }
        if (!(request instanceof ObjectNode message)) {
            throw new SegmentRejected(400, "the body must be a JSON object");
        }
        checkWriteKey(authorization, message.path(WRITE_KEY).asText(null));
        message.remove(WRITE_KEY);
        message.put("type", call);
        String problem = SegmentMessages.problem(message);
        if (problem != null) {
            throw new SegmentRejected(400, problem);
        }
        try {
            return entry(call, json.writeValueAsBytes(message), List.of());
        } catch (JsonProcessingException e) {
            throw new SegmentRejected(400, "the message cannot be written as JSON: " + e.getOriginalMessage());
        }
    }

    /** Checks that the whole body is JSON with a batch array, and finds every write key in it. */
    private byte[] batch(String call, byte[] body, String authorization) {
        String bodyKey = null;
        boolean hasBatch = false;
        List<long[]> keys = new ArrayList<>(1);
        try (JsonParser parser = json.getFactory().createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new SegmentRejected(400, "the body must be a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals(WRITE_KEY) && value == JsonToken.VALUE_STRING) {
                    bodyKey = parser.getText();
                    keys.add(span(parser));
                } else if (field.equals("batch")) {
                    if (hasBatch) {
                        // a parser keeps only the last of two: the first one's events would be lost after a 200
                        throw new SegmentRejected(400, "the body has two \"batch\" arrays");
                    }
                    if (value != JsonToken.START_ARRAY) {
                        throw new SegmentRejected(400, "a batch body needs a \"batch\" array");
                    }
                    hasBatch = true;
                    messages(parser, keys);
                } else {
                    parser.skipChildren();
                }
            }
            if (parser.nextToken() != null) {
                throw new SegmentRejected(400, "invalid JSON: content after the end of the body");
            }
        } catch (IOException e) {
            throw invalidJson(e);
        }
        if (!hasBatch) {
            throw new SegmentRejected(400, "a batch body needs a \"batch\" array");
        }
        checkWriteKey(authorization, bodyKey);
        return entry(call, body, keys);
    }

    /** Reads through the batch array, noting where its messages carry a write key of their own. */
    private static void messages(JsonParser parser, List<long[]> keys) throws IOException {
        while (parser.nextToken() != JsonToken.END_ARRAY) {
            if (parser.currentToken() != JsonToken.START_OBJECT) {
                parser.skipChildren();
                continue;
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                if (parser.nextToken() == JsonToken.VALUE_STRING && field.equals(WRITE_KEY)) {
                    parser.finishToken();
                    keys.add(span(parser));
                } else {
                    parser.skipChildren();
                }
            }
        }
    }

    /** Where the current string token lies in the body, quotes included. */
    private static long[] span(JsonParser parser) {
        long from = parser.currentTokenLocation().getByteOffset();
        long to = parser.currentLocation().getByteOffset();
        if (from < 0 || to <= from) {
            throw new SegmentRejected(400, "the body must be JSON in UTF-8");
        }
        return new long[] {from, to};
    }

    /**
     * The journal entry, one line: the body as it came (checked to be valid JSON), with its line
     * breaks turned into spaces (JSON strings cannot hold a raw one, so only whitespace changes) and
     * every write key in it overwritten by an empty string padded with spaces, so no key is stored.
     */
    private static byte[] entry(String call, byte[] body, List<long[]> keys) {
        String receivedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        byte[] head = ("{\"id\":\"" + UUID.randomUUID() + "\",\"receivedAt\":\"" + receivedAt + "\",\"call\":\"" + call + "\",\"body\":")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] entry = Arrays.copyOf(head, head.length + body.length + 1);
        System.arraycopy(body, 0, entry, head.length, body.length);
        for (int i = head.length; i < entry.length - 1; i++) {
            if (entry[i] == '\n' || entry[i] == '\r') {
                entry[i] = ' ';
            }
        }
        entry[entry.length - 1] = '}';
        for (long[] key : keys) {
            int from = head.length + (int) key[0];
            int to = head.length + (int) key[1];
            Arrays.fill(entry, from, to, (byte) ' ');
            entry[from] = '"';
            entry[from + 1] = '"';
        }
        return entry;
    }

    private static SegmentRejected invalidJson(IOException e) {
        String message = e instanceof JsonProcessingException parse ? parse.getOriginalMessage() : e.getMessage();
        return new SegmentRejected(400, "invalid JSON: " + firstLine(message));
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

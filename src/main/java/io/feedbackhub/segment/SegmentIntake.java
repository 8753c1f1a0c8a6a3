package io.feedbackhub.segment;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;

/**
 * Checks a Segment Tracking API request (path, write key, size limits, JSON, identities) and turns
 * it into one journal entry, {@code {"id","receivedAt","call","body"}}. Nothing is journaled for a
 * request it refuses. The request got here past {@link SegmentAdmission}, which refused it if its
 * Basic key, size, the journal's room or the relay's memory said no, before reading its body.
 *
 * <p>A batch is the hot path: it is checked with a streaming parse and journaled as received
 * (write keys blanked), since building and re-serialising a tree per request cost more CPU than the
 * rest of the intake together. Its messages are checked at delivery ({@link SegmentMessages}).
 */
@ApplicationScoped
public class SegmentIntake {

    private static final String WRITE_KEY = "writeKey";

    @Inject
    SegmentConfig config;

    @Inject
    SegmentWriteKeys keys;

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

    /** The call a relay path names ({@code /v1/batch} or {@code /v1/batch/}: batch), or null. */
    static String call(String path) {
        if (path == null) {
            return null;
        }
        return switch (path) {
            case "/v1/identify", "/v1/identify/" -> "identify";
            case "/v1/track", "/v1/track/" -> "track";
            case "/v1/page", "/v1/page/" -> "page";
            case "/v1/screen", "/v1/screen/" -> "screen";
            case "/v1/group", "/v1/group/" -> "group";
            case "/v1/alias", "/v1/alias/" -> "alias";
            case "/v1/batch", "/v1/batch/" -> "batch";
            case "/v1/import", "/v1/import/" -> "import";
            default -> null;
        };
    }

    static boolean isBatch(String call) {
        return call.equals("batch") || call.equals("import");
    }

    /** A slice of a byte array: the request body as received, without a copy. */
    private record Bytes(byte[] array, int offset, int length) {
    }

    /**
     * The journal entry of a request to {@code call} (one of {@link #call(String)}'s), or a
     * {@link SegmentRejected}. {@code keyChecked}: its Basic write key passed {@link SegmentAdmission}
     * already; otherwise the body's key is checked here.
     */
    byte[] entry(String call, Buffer received, String authorization, boolean keyChecked) {
        boolean batch = isBatch(call);
        Bytes body = body(received);
        if (body.length() == 0) {
            throw new SegmentRejected(400, "the request has no body");
        }
        int limit = batch ? config.maxBatchBytes() : config.maxMessageBytes();
        if (body.length() > limit) {
            // SegmentAdmission refuses it while it arrives; this holds for any other caller
            throw new SegmentRejected(413, (batch ? "a batch" : "a message") + " may hold at most " + limit / 1000
                    + " KB; this one holds " + body.length() + " bytes");
        }
        body = utf8(body);
        return batch ? batch(call, body, authorization, keyChecked) : single(call, body, authorization, keyChecked);
    }

    /** The body as Vert.x received it (its heap array, not a copy). */
    private static Bytes body(Buffer buffer) {
        ByteBuf buf = buffer.getByteBuf();
        if (buf.hasArray()) {
            return new Bytes(buf.array(), buf.arrayOffset() + buf.readerIndex(), buf.readableBytes());
        }
        byte[] bytes = buffer.getBytes();
        return new Bytes(bytes, 0, bytes.length);
    }

    /**
     * The body as UTF-8 without a BOM: the entry embeds its bytes as they are, so a BOM or a UTF-16/32
     * body (which Jackson alone would accept) could not be read back at delivery.
     */
    private static Bytes utf8(Bytes body) {
        byte[] b = body.array();
        int at = body.offset();
        if (body.length() >= 3 && (b[at] & 0xFF) == 0xEF && (b[at + 1] & 0xFF) == 0xBB && (b[at + 2] & 0xFF) == 0xBF) {
            body = new Bytes(b, at + 3, body.length() - 3);
            at += 3;
        }
        for (int i = at; i < at + Math.min(4, body.length()); i++) {
            if (b[i] == 0 || (b[i] & 0xFF) == 0xFE || (b[i] & 0xFF) == 0xFF) {
                throw new SegmentRejected(400, "the body must be JSON in UTF-8");
            }
        }
        return body;
    }

    private byte[] single(String call, Bytes body, String authorization, boolean checked) {
        JsonNode request;
        try {
            request = json.readTree(body.array(), body.offset(), body.length());
        } catch (IOException e) {
            throw invalidJson(e);
        }
        if (!(request instanceof ObjectNode message)) {
            throw new SegmentRejected(400, "the body must be a JSON object");
        }
        if (!checked) {
            keys.check(authorization, message.path(WRITE_KEY).asText(null));
        }
        message.remove(WRITE_KEY);
        message.put("type", call);
        String problem = SegmentMessages.problem(message);
        if (problem != null) {
            throw new SegmentRejected(400, problem);
        }
        try {
            byte[] written = json.writeValueAsBytes(message);
            return entry(call, new Bytes(written, 0, written.length), List.of());
        } catch (JsonProcessingException e) {
            throw new SegmentRejected(400, "the message cannot be written as JSON: " + e.getOriginalMessage());
        }
    }

    /** Checks that the whole body is JSON with a batch array, and finds every write key in it. */
    private byte[] batch(String call, Bytes body, String authorization, boolean checked) {
        String bodyKey = null;
        boolean hasBatch = false;
        List<long[]> spans = new ArrayList<>(1);
        try (JsonParser parser = json.getFactory().createParser(body.array(), body.offset(), body.length())) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new SegmentRejected(400, "the body must be a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if (field.equals(WRITE_KEY) && value == JsonToken.VALUE_STRING) {
                    bodyKey = parser.getText();
                    spans.add(span(parser));
                } else if (field.equals("batch")) {
                    if (hasBatch) {
                        // a parser keeps only the last of two: the first one's events would be lost after a 200
                        throw new SegmentRejected(400, "the body has two \"batch\" arrays");
                    }
                    if (value != JsonToken.START_ARRAY) {
                        throw new SegmentRejected(400, "a batch body needs a \"batch\" array");
                    }
                    hasBatch = true;
                    messages(parser, spans);
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
        if (!checked) {
            keys.check(authorization, bodyKey);
        }
        return entry(call, body, spans);
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

    /** Where the current string token lies in the body (from its offset), quotes included. */
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
    private static byte[] entry(String call, Bytes body, List<long[]> keys) {
        String receivedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
        byte[] head = ("{\"id\":\"" + UUID.randomUUID() + "\",\"receivedAt\":\"" + receivedAt + "\",\"call\":\"" + call + "\",\"body\":")
                .getBytes(StandardCharsets.US_ASCII);
        byte[] entry = Arrays.copyOf(head, head.length + body.length() + 1);
        System.arraycopy(body.array(), body.offset(), entry, head.length, body.length());
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

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}

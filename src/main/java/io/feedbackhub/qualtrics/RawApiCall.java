package io.feedbackhub.qualtrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * {@code POST /qualtrics/api} with {@code {method, path, query, headers, body}}: any Qualtrics call
 * with the connection's auth. The path is {@code /API/v3/...} or, as the Qualtrics modules show it,
 * {@code /v3/...} relative to {@code /API}. It is confined to {@code /API/v3/} on the configured
 * host: plain segments only (no scheme, host, {@code ..}, encoded slashes or dots), so the token
 * can reach no other place.
 */
public final class RawApiCall {

    private static final List<String> METHODS = List.of("GET", "POST", "PUT", "DELETE", "PATCH");
    private static final String SEGMENT = "[A-Za-z0-9_\\-]+(\\.[A-Za-z0-9_\\-]+)*";
    /** Headers the hub sets itself, or that would change what the connection is. */
    private static final List<String> RESERVED = List.of("authorization", "x-api-token", "host", "cookie", "content-length",
            "transfer-encoding", "connection", "proxy-authorization", "expect", "upgrade");

    private RawApiCall() {
    }

    public static QualtricsRequest read(JsonNode call) {
        if (call == null || !call.isObject()) {
            throw new CommandRejected(400, "the body must be {method, path, query, headers, body}");
        }
        String method = call.path("method").asText("GET").toUpperCase(Locale.ROOT);
        if (!METHODS.contains(method)) {
            throw CommandRejected.field("method", "must be one of " + METHODS);
        }
        String path = call.path("path").asText("");
        // "/v3/surveys" as the Qualtrics modules show it (relative to /API), or "/API/v3/surveys"
        if (!path.matches("(/API)?/v3(/" + SEGMENT + ")+/?")) {
            throw CommandRejected.field("path", "must be a path under /API/v3/ on the configured host, as /v3/... or /API/v3/... "
                    + "(plain segments, no '..', no query), not '" + path + "'");
        }
        if (!path.startsWith("/API/")) {
            path = "/API" + path;
        }
        Map<String, String> query = new LinkedHashMap<>();
        JsonNode q = call.path("query");
        if (!q.isMissingNode() && !q.isNull()) {
            if (!q.isObject()) {
                throw CommandRejected.field("query", "must be an object of parameter names and values");
            }
            q.fields().forEachRemaining(e -> query.put(e.getKey(), e.getValue().isValueNode() ? e.getValue().asText() : e.getValue().toString()));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        JsonNode h = call.path("headers");
        if (!h.isMissingNode() && !h.isNull()) {
            if (!h.isObject()) {
                throw CommandRejected.field("headers", "must be an object of header names and values");
            }
            for (Map.Entry<String, JsonNode> header : (Iterable<Map.Entry<String, JsonNode>>) h::fields) {
                String name = header.getKey();
                if (!name.matches("[A-Za-z0-9\\-]+") || RESERVED.contains(name.toLowerCase(Locale.ROOT))
                        || name.toLowerCase(Locale.ROOT).startsWith("camel")) {
                    throw CommandRejected.field("headers." + name, "cannot be set: the hub sets auth and connection headers itself");
                }
                String value = header.getValue().asText();
                if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
                    throw CommandRejected.field("headers." + name, "must be one line");
                }
                headers.put(name, value);
            }
        }
        JsonNode body = call.path("body");
        String text = body.isMissingNode() || body.isNull() ? null : body.isTextual() ? body.asText() : body.toString();
        if (text != null && (method.equals("GET") || method.equals("DELETE"))) {
            throw CommandRejected.field("body", "is not sent with " + method);
        }
        return new QualtricsRequest(method, path, query.isEmpty() ? null : QualtricsRequest.query(query), text, headers, null);
    }
}

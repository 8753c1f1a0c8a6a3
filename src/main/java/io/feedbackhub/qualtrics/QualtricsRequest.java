package io.feedbackhub.qualtrics;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One call to the Qualtrics API, set as the exchange property {@link #PROPERTY} before
 * {@code direct:qualtrics-api}.
 *
 * @param path    the path on the API host, starting with {@code /API/v3/} (or {@code /oauth2/token})
 * @param query   the raw (already encoded) query string, or null
 * @param body    JSON (or, for the token, form) text, or null
 * @param headers further request headers (a raw call's), never auth
 * @param extRef  for a contact create: the external id a timed-out create is looked up by
 */
public record QualtricsRequest(String method, String path, String query, String body, Map<String, String> headers, String extRef) {

    public static final String PROPERTY = "qualtricsRequest";
    public static final String API = "/API/v3";

    public static QualtricsRequest get(String path, String query) {
        return new QualtricsRequest("GET", API + path, query, null, Map.of(), null);
    }

    public static QualtricsRequest send(String method, String path, String body) {
        return new QualtricsRequest(method, API + path, null, body, Map.of(), null);
    }

    public QualtricsRequest withExtRef(String value) {
        return new QualtricsRequest(method, path, query, body, headers, value);
    }

    /** Whether sending it twice does no more than sending it once: reads (a search too), PUT, DELETE. */
    public boolean isRepeatable() {
        return method.equals("GET") || method.equals("PUT") || method.equals("DELETE") || path.endsWith("/contacts/search");
    }

    public static String query(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** The request line for logs and errors: bodies and query values (search terms, tokens) are left out. */
    @Override
    public String toString() {
        return method + " " + path;
    }
}

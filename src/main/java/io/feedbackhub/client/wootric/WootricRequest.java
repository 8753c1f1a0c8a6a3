package io.feedbackhub.client.wootric;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One call to the Wootric API, set as the exchange property {@link #PROPERTY} before
 * {@code direct:wootric-api}. Parameters use Wootric's Rails-style names ({@code created[gte]}).
 *
 * @param lookup a 404 is an answer (nothing found, empty body), not an error
 */
public record WootricRequest(String method, String path, Map<String, String> query, Map<String, String> form, boolean lookup) {

    public static final String PROPERTY = "wootricRequest";

    public static WootricRequest get(String path, Map<String, String> query) {
        return new WootricRequest("GET", path, new LinkedHashMap<>(query), Map.of(), false);
    }

    public static WootricRequest lookup(String path, Map<String, String> query) {
        return new WootricRequest("GET", path, new LinkedHashMap<>(query), Map.of(), true);
    }

    /** A POST or PUT with a form body. */
    public static WootricRequest write(String method, String path, Map<String, String> form) {
        return new WootricRequest(method, path, Map.of(), new LinkedHashMap<>(form), false);
    }

    public String queryString() {
        return encode(query);
    }

    public String formBody() {
        return encode(form);
    }

    static String encode(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /**
     * The request line for logs and run errors. Form bodies are left out and a look-up's key (an
     * e-mail or a user id) is replaced by {@code *}: they are personal data.
     */
    @Override
    public String toString() {
        String shown = lookup ? path.replaceAll("/end_users/[^/]+", "/end_users/*") : path;
        return method + " " + shown + (query.isEmpty() ? "" : "?" + queryString());
    }
}

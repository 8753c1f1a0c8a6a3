package io.feedbackhub.client.wootric;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One call to the Wootric API, set as the exchange property {@link #PROPERTY} before
 * {@code direct:wootric-api}. Parameters use Wootric's Rails-style names ({@code created[gte]}).
 */
public record WootricRequest(String method, String path, Map<String, String> query, Map<String, String> form) {

    public static final String PROPERTY = "wootricRequest";

    public static WootricRequest get(String path, Map<String, String> query) {
        return new WootricRequest("GET", path, new LinkedHashMap<>(query), Map.of());
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

    @Override
    public String toString() {
        return method + " " + path + (query.isEmpty() ? "" : "?" + queryString());
    }
}

package io.feedbackhub.client.wootric;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Wootric end users: look-ups and writes, each one call through {@code direct:wootric-api}. */
@ApplicationScoped
public class WootricEndUsers {

    @Inject
    ProducerTemplate producer;

    @Inject
    ObjectMapper json;

    public Optional<ObjectNode> byExternalId(String externalId) {
        return found(call(WootricRequest.lookup("/end_users/" + segment(externalId), Map.of("lookup_by_external_id", "true"))));
    }

    public Optional<ObjectNode> byEmail(String email) {
        return found(call(WootricRequest.lookup("/end_users/" + segment(email), Map.of("lookup_by_email", "true"))));
    }

    /**
     * Creates an end user with a single attempt: after a timeout Wootric may have created it all
     * the same, so the caller must look it up again before retrying, never just repeat the POST.
     */
    public ObjectNode create(Map<String, String> fields) {
        return (ObjectNode) call(WootricRequest.write("POST", "/end_users", fields), WootricApiRoutes.API_ONCE);
    }

    public ObjectNode update(long id, Map<String, String> fields) {
        return (ObjectNode) call(WootricRequest.write("PUT", "/end_users/" + id, fields));
    }

    private JsonNode call(WootricRequest request) {
        return call(request, WootricApiRoutes.API);
    }

    private JsonNode call(WootricRequest request, String endpoint) {
        Exchange answer = producer.request(endpoint, exchange -> exchange.setProperty(WootricRequest.PROPERTY, request));
        if (answer.getException() != null) {
            // what is left after the retries of a network error (Wootric unreachable) may pass later
            throw answer.getException() instanceof RuntimeException e ? e : new WootricException.Retryable(answer.getException().toString());
        }
        String body = answer.getMessage().getBody(String.class);
        try {
            return body == null || body.isBlank() ? json.missingNode() : json.readTree(body);
        } catch (Exception e) {
            throw new WootricException.Retryable("Wootric answered " + request + " with something that is not JSON");
        }
    }

    private static Optional<ObjectNode> found(JsonNode answer) {
        return answer instanceof ObjectNode user && user.has("id") ? Optional.of(user) : Optional.empty();
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}

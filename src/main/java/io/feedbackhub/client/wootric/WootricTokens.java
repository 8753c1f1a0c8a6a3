package io.feedbackhub.client.wootric;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The Wootric access token: fetched with the configured grant, cached, renewed 60 s before it
 * expires (with the refresh token where the grant gave one), and dropped after a 401.
 * Credentials travel only in the form body of {@code POST /oauth/token}.
 */
@ApplicationScoped
public class WootricTokens {

    private static final Logger LOG = Logger.getLogger(WootricTokens.class);
    static final long RENEW_BEFORE_SECONDS = 60;

    @Inject
    WootricConnection connection;

    @Inject
    CamelContext camel;

    @Inject
    ObjectMapper json;

    Clock clock = Clock.systemUTC();

    private String accessToken;
    private String refreshToken;
    private Instant renewAt = Instant.MIN;
    private ProducerTemplate producer;

    /** A valid access token, fetched first if there is none or it is about to expire. */
    public synchronized String bearer() {
        if (accessToken == null || !clock.instant().isBefore(renewAt)) {
            fetch();
        }
        return accessToken;
    }

    /** After a 401: the next call fetches a new token. */
    public synchronized void invalidate(String rejected) {
        if (rejected != null && rejected.equals(accessToken)) {
            accessToken = null;
        }
    }

    private void fetch() {
        Map<String, String> form = new LinkedHashMap<>();
        if (refreshToken != null) {
            form.put("grant_type", "refresh_token");
            form.put("refresh_token", refreshToken);
            refreshToken = null;
            try {
                store(request(form));
                return;
            } catch (WootricException.CredentialsRefused expired) {
                LOG.debug("the Wootric refresh token was refused; using the configured grant");
                form.clear();
            }
        }
        if (connection.usesClientCredentials()) {
            form.put("grant_type", "client_credentials");
            form.put("client_id", connection.clientId().orElseThrow());
            form.put("client_secret", connection.clientSecret().orElse(""));
        } else {
            form.put("grant_type", "password");
            form.put("username", connection.username().orElse(""));
            form.put("password", connection.password().orElse(""));
        }
        store(request(form));
    }

    private JsonNode request(Map<String, String> form) {
        if (producer == null) {
            producer = camel.createProducerTemplate();
        }
        Exchange result = producer.request(WootricApiRoutes.TOKEN, exchange -> exchange.setProperty(
                WootricRequest.PROPERTY, new WootricRequest("POST", "/oauth/token", tokenQuery(form), form, false)));
        if (result.getException() != null) {
            throw result.getException() instanceof RuntimeException e ? e : new WootricException.Retryable(result.getException().toString());
        }
        try {
            return json.readTree(result.getMessage().getBody(String.class));
        } catch (Exception e) {
            throw new WootricException.Retryable("Wootric answered the token request with something that is not JSON");
        }
    }

    private Map<String, String> tokenQuery(Map<String, String> form) {
        Map<String, String> query = new LinkedHashMap<>();
        if ("password".equals(form.get("grant_type"))) {
            connection.accountToken().ifPresent(token -> query.put("account_token", token));
        }
        return query;
    }

    private void store(JsonNode grant) {
        String token = grant.path("access_token").asText(null);
        if (token == null) {
            throw new WootricException.Retryable("Wootric's token answer has no access_token");
        }
        accessToken = token;
        refreshToken = grant.path("refresh_token").asText(null);
        long lifetime = grant.path("expires_in").asLong(7200);
        renewAt = clock.instant().plusSeconds(Math.max(0, lifetime - RENEW_BEFORE_SECONDS));
    }
}

package io.feedbackhub.qualtrics;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The auth header of every Qualtrics call: {@code X-API-TOKEN}, or an OAuth client-credentials
 * bearer token, cached until 60 s before {@code expires_in} and dropped after a 401.
 */
@ApplicationScoped
public class QualtricsTokens {

    static final long RENEW_BEFORE_SECONDS = 60;

    @Inject
    QualtricsConfig config;

    @Inject
    CamelContext camel;

    @Inject
    ObjectMapper json;

    Clock clock = Clock.systemUTC();

    private String accessToken;
    private Instant renewAt = Instant.MIN;
    private volatile ProducerTemplate producer;

    public boolean usesOAuth() {
        return config.apiToken().isEmpty();
    }

    /** The header that authenticates a call: name and value. */
    public synchronized Map.Entry<String, String> header() {
        if (!usesOAuth()) {
            return Map.entry("X-API-TOKEN", config.apiToken().orElseThrow());
        }
        if (accessToken == null || !clock.instant().isBefore(renewAt)) {
            fetch();
        }
        return Map.entry("Authorization", "Bearer " + accessToken);
    }

    /** After a 401: the next call fetches a new token (unless another call already did). */
    public synchronized void invalidate(String rejectedHeader) {
        if (accessToken != null && ("Bearer " + accessToken).equals(rejectedHeader)) {
            accessToken = null;
        }
    }

    private void fetch() {
        String basic = Base64.getEncoder().encodeToString((config.clientId().orElse("") + ":" + config.clientSecret().orElse(""))
                .getBytes(StandardCharsets.UTF_8));
        QualtricsRequest request = new QualtricsRequest("POST", "/oauth2/token", null,
                "grant_type=client_credentials&scope=" + URLEncoder.encode(config.scope(), StandardCharsets.UTF_8),
                Map.of("Authorization", "Basic " + basic, Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded"), null);
        Exchange result = producer().request(QualtricsApiRoutes.TOKEN, exchange -> exchange.setProperty(QualtricsRequest.PROPERTY, request));
        if (result.getException() != null) {
            throw result.getException() instanceof RuntimeException e ? e
                    : new QualtricsException.Retryable(0, "Qualtrics token request failed: " + result.getException(), null);
        }
        JsonNode grant;
        try {
            grant = json.readTree(result.getMessage().getBody(String.class));
        } catch (Exception e) {
            throw new QualtricsException.Retryable(0, "Qualtrics answered the token request with something that is not JSON", null);
        }
        String token = grant.path("access_token").asText(null);
        if (token == null) {
            throw new QualtricsException.Retryable(0, "Qualtrics' token answer has no access_token", null);
        }
        accessToken = token;
        renewAt = clock.instant().plusSeconds(Math.max(0, grant.path("expires_in").asLong(3600) - RENEW_BEFORE_SECONDS));
    }

    private ProducerTemplate producer() {
        if (producer == null) {
            producer = camel.createProducerTemplate();
        }
        return producer;
    }
}

package io.feedbackhub.client.wootric;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * How the hub reaches a Wootric account: shared by every part of the hub that talks to Wootric
 * (the {@code wootric} source and the {@code segment} relay), so it is configured once.
 */
@ConfigMapping(prefix = "hub.wootric")
public interface WootricConnection {

    /** https://api.wootric.com (US); EU and AU accounts use https://app.wootric.eu / https://app.wootric.au. */
    @WithDefault("https://api.wootric.com")
    String baseUrl();

    /** Resource path prefix; unset: /api/v1 on the app.wootric.* hosts, /v1 elsewhere. */
    Optional<String> apiPath();

    /** Password grant: the account user's e-mail and password. */
    Optional<String> username();

    Optional<String> password();

    /** With the password grant, picks one of several accounts of the user (NPS-...). */
    Optional<String> accountToken();

    /** Client-credentials grant, instead of username and password. */
    Optional<String> clientId();

    Optional<String> clientSecret();

    /** Connect and response timeout of one request. */
    @WithDefault("30s")
    Duration requestTimeout();

    /** Retries of a request that met a 5xx, a timeout or a network error, with exponential backoff. */
    @WithDefault("6")
    int retries();

    /** First backoff delay; each further retry waits twice as long. */
    @WithDefault("1s")
    Duration retryDelay();

    /** Longest wait for a rate-limit reset before the request is given up. */
    @WithDefault("120s")
    Duration maxRateLimitWait();

    /** When X-Rate-Limit-Remaining falls to this, requests are spread over the rest of the minute. */
    @WithDefault("5")
    int rateLimitReserve();

    default String resourceBase() {
        String base = baseUrl().replaceAll("/+$", "");
        String path = apiPath().orElse(base.matches("https?://app\\.wootric\\.[a-z]+") ? "/api/v1" : "/v1");
        return base + path;
    }

    default boolean usesClientCredentials() {
        return clientId().isPresent() && username().isEmpty();
    }
}

package io.feedbackhub.client.wootric;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.jboss.logging.Logger;

import io.feedbackhub.core.http.RedeliveryScope;
import io.feedbackhub.core.http.RetryPolicies;
import io.feedbackhub.core.run.ConnectorRuns;

/**
 * The Wootric API as Camel endpoints, for every part of the hub that talks to Wootric.
 * <ul>
 * <li>{@code direct:wootric-api}: one call described by the {@link WootricRequest} exchange
 * property; the answer's JSON text comes back as the body. Camel's error handler retries 5xx,
 * timeouts and network errors with exponential backoff, a 429 after waiting for the rate-limit
 * reset, and a 401 once with a new token; any other 4xx fails at once.</li>
 * <li>{@code direct:wootric-api-once}: the same without repeating a call that may have been carried
 * out; only rate-limit waits are retried.</li>
 * <li>{@code direct:wootric-token}: the OAuth token request, used by {@link WootricTokens}.</li>
 * </ul>
 * Each attempt is a separate sub-route so that a redelivery repeats the whole HTTP call, and each
 * call has its own retry budget ({@link RedeliveryScope}). Waits (backoff, a rate-limit reset, the
 * pacing before the limit) are the error handler's redelivery delays, which a graceful stop cuts
 * short, never a sleep of the route's own.
 */
@ApplicationScoped
public class WootricApiRoutes extends RouteBuilder {

    public static final String API = "direct:wootric-api";
    /**
     * No retry of a call that reached Wootric: for a create, which must not be repeated blindly after
     * a timeout (Wootric may have carried it out); the caller looks the record up before it tries
     * again. A 429 and a pacing wait are retried: such a call was not carried out.
     */
    public static final String API_ONCE = "direct:wootric-api-once";
    private static final String ATTEMPT = "direct:wootric-api-attempt";
    static final String TOKEN = "direct:wootric-token";
    private static final String TOKEN_ATTEMPT = "direct:wootric-token-attempt";
    private static final String BEARER = "wootricBearer";
    private static final Logger LOG = Logger.getLogger(WootricApiRoutes.class);

    @Inject
    WootricConnection connection;

    @Inject
    WootricTokens tokens;

    @Inject
    ConnectorRuns runs;

    /** Until when no call goes out (epoch ms): the pacing and a 429's reset. */
    private volatile long pausedUntil;

    @Override
    public void configure() {
        String timeouts = "throwExceptionOnFailure=false&httpClientConfigurer=#noAutomaticRetries&connectTimeout=" + connection.requestTimeout().toMillis()
                + "&responseTimeout=" + connection.requestTimeout().toMillis();
        scoped(withRateLimits(withRetries(from(API).routeId("wootric-api"))), "wootric-api");
        scoped(withRateLimits(from(API_ONCE).routeId("wootric-api-once")), "wootric-api-once");
        withRetries(from(TOKEN).routeId("wootric-token")).to(TOKEN_ATTEMPT);

        // one endpoint (one HTTP client and connection pool) per host part; each request's path
        // goes in the CamelHttpPath header, so calls to /end_users/<id> reuse connections too
        from(ATTEMPT).routeId("wootric-api-attempt").errorHandler(noErrorHandler())
                .process(this::prepareCall)
                .to(connection.resourceBase() + "?" + timeouts)
                .process(this::checkAnswer);
        from(TOKEN_ATTEMPT).routeId("wootric-token-attempt").errorHandler(noErrorHandler())
                .process(this::prepareTokenCall)
                .to(connection.baseUrl().replaceAll("/+$", "") + "?" + timeouts)
                .process(this::checkTokenAnswer);
    }

    private void scoped(ProcessorDefinition<?> route, String name) {
        route.process(RedeliveryScope.enter(name)).to(ATTEMPT).process(RedeliveryScope.leave(name));
    }

    /** Route-scoped, so that the attempt routes (no error handler) hand every failure up here. */
    private ProcessorDefinition<?> withRetries(RouteDefinition route) {
        long backoff = connection.retryDelay().toMillis();
        ProcessorDefinition<?> retrying = route
                .onException(WootricException.Unauthorized.class).maximumRedeliveries(1).redeliveryDelay(0)
                    .retryAttemptedLogLevel(LoggingLevel.INFO).logStackTrace(false).end()
                .onException(WootricException.Rejected.class, WootricException.CredentialsRefused.class)
                    .maximumRedeliveries(0).logStackTrace(false).logExhausted(false).end();
        return RetryPolicies.notWhileStopping(retrying.onException(WootricException.Retryable.class, IOException.class))
                .maximumRedeliveries(connection.retries()).redeliveryDelay(backoff).useExponentialBackOff()
                .backOffMultiplier(2).maximumRedeliveryDelay(Math.max(backoff, 60_000))
                .retryAttemptedLogLevel(LoggingLevel.WARN).logStackTrace(false).end();
    }

    /** The delay is the wait for the rate limit's reset (the CamelRedeliveryDelay header the attempt set). */
    private static ProcessorDefinition<?> withRateLimits(ProcessorDefinition<?> route) {
        return RetryPolicies.rateLimitWaits(route.onException(WootricRateLimited.class), 10)
                .retryAttemptedLogLevel(LoggingLevel.INFO).logStackTrace(false).end();
    }

    private void prepareCall(Exchange exchange) {
        WootricRequest request = exchange.getProperty(WootricRequest.PROPERTY, WootricRequest.class);
        long wait = pausedUntil - System.currentTimeMillis();
        if (wait > 0) {
            // not sent: the error handler waits out the pause (and a stop cuts it short)
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, wait);
            throw new WootricRateLimited("pacing " + request + " for " + wait + " ms before Wootric's rate limit");
        }
        exchange.getMessage().removeHeader(Exchange.REDELIVERY_DELAY);
        String bearer = tokens.bearer();
        exchange.setProperty(BEARER, bearer);
        prepare(exchange, request);
        exchange.getMessage().setHeader("Authorization", "Bearer " + bearer);
        runs.countRequest(exchange);
    }

    private void prepareTokenCall(Exchange exchange) {
        WootricRequest request = exchange.getProperty(WootricRequest.PROPERTY, WootricRequest.class);
        prepare(exchange, request);
    }

    /**
     * Only what this request needs goes out: no header a caller's route or the last answer left,
     * except the redelivery counts.
     */
    private static void prepare(Exchange exchange, WootricRequest request) {
        exchange.getMessage().removeHeaders("*", "CamelRedeliver*");
        exchange.getMessage().setHeader(Exchange.HTTP_PATH, request.path());
        // the enum camel-http reads: given as text, every call paid for a converter lookup that misses
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, HttpMethods.valueOf(request.method()));
        if (!request.query().isEmpty()) {
            exchange.getMessage().setHeader(Exchange.HTTP_QUERY, request.queryString());
        }
        if (request.form().isEmpty()) {
            exchange.getMessage().setBody(null);
        } else {
            exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/x-www-form-urlencoded");
            exchange.getMessage().setBody(request.formBody());
        }
        exchange.getMessage().setHeader("Accept", "application/json");
    }

    private void checkAnswer(Exchange exchange) {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = exchange.getMessage().getBody(String.class);
        WootricRequest request = exchange.getProperty(WootricRequest.PROPERTY, WootricRequest.class);
        if (status >= 200 && status < 300) {
            pace(exchange);
            exchange.getMessage().setBody(body);
            return;
        }
        if (status == 404 && request.lookup()) {
            exchange.getMessage().setBody("");
            return;
        }
        if (status == 401) {
            tokens.invalidate(exchange.getProperty(BEARER, String.class));
            throw new WootricException.Unauthorized("Wootric refused the access token for " + request + " (HTTP 401)");
        }
        if (status == 429) {
            waitForReset(exchange, request);
        }
        if (status >= 500) {
            throw new WootricException.Retryable("Wootric answered " + status + " to " + request);
        }
        throw new WootricException.Rejected(status, "Wootric answered " + status + " to " + request + ": " + abbreviate(body));
    }

    private void checkTokenAnswer(Exchange exchange) {
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = exchange.getMessage().getBody(String.class);
        if (status >= 200 && status < 300) {
            exchange.getMessage().setBody(body);
            return;
        }
        if (status >= 500 || status == 429) {
            throw new WootricException.Retryable("Wootric answered " + status + " to the token request");
        }
        String keys = connection.usesClientCredentials() ? "hub.wootric.client-id / hub.wootric.client-secret"
                : "hub.wootric.username / hub.wootric.password" + (connection.accountToken().isPresent() ? " / hub.wootric.account-token" : "");
        // the answer names the OAuth error, never the credentials
        throw new WootricException.CredentialsRefused("Wootric refused the credentials (" + keys + "): HTTP " + status + " " + abbreviate(body));
    }

    /**
     * Slows down before the limit: with few requests left, the next call of any thread waits its
     * share of the time until the reset. The limit is the account's, so the pause is shared.
     */
    private void pace(Exchange exchange) {
        Integer remaining = exchange.getMessage().getHeader("X-Rate-Limit-Remaining", Integer.class);
        Long reset = exchange.getMessage().getHeader("X-Rate-Limit-Reset", Long.class);
        if (remaining == null || reset == null || remaining > connection.rateLimitReserve()) {
            return;
        }
        long untilReset = Duration.between(Instant.now(), Instant.ofEpochSecond(reset)).toMillis();
        if (untilReset > 0) {
            pauseFor(Math.min(untilReset / (remaining + 1), connection.maxRateLimitWait().toMillis()));
        }
    }

    /** A 429: this call is tried again after the reset, and so is every other call until then. */
    private void waitForReset(Exchange exchange, WootricRequest request) {
        Long reset = exchange.getMessage().getHeader("X-Rate-Limit-Reset", Long.class);
        long wait = reset == null ? 60_000 : Duration.between(Instant.now(), Instant.ofEpochSecond(reset)).toMillis() + 250;
        if (wait > connection.maxRateLimitWait().toMillis()) {
            throw new WootricException.Retryable("Wootric's rate limit resets in " + wait / 1000
                    + " s, longer than hub.wootric.max-rate-limit-wait");
        }
        LOG.debugf("Wootric rate limit reached; waiting %d ms for the reset", wait);
        pauseFor(Math.max(0, wait));
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, Math.max(0, wait));
        throw new WootricRateLimited("Wootric rate limit reached on " + request + " (HTTP 429)");
    }

    private synchronized void pauseFor(long millis) {
        pausedUntil = Math.max(pausedUntil, System.currentTimeMillis() + millis);
    }

    private static String abbreviate(String body) {
        if (body == null) {
            return "";
        }
        String oneLine = body.replaceAll("\\s+", " ").trim();
        return oneLine.length() > 300 ? oneLine.substring(0, 300) + "..." : oneLine;
    }

    /** A call not carried out because of the rate limit: tried again after the delay it names. */
    static class WootricRateLimited extends WootricException.Retryable {
        WootricRateLimited(String message) {
            super(message);
        }
    }
}

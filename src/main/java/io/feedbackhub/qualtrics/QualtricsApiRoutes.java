package io.feedbackhub.qualtrics;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.http.HttpMethods;
import org.apache.camel.model.RouteDefinition;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.http.RedeliveryScope;
import io.feedbackhub.core.http.RetryPolicies;
import io.feedbackhub.core.run.ConnectorRuns;

/**
 * The Qualtrics API as Camel endpoints (route group {@code qualtrics}, so they exist only when the
 * connector is enabled). Each takes a {@link QualtricsRequest} exchange property and returns the
 * answer's text as the body, with its status in {@link #STATUS}.
 * <ul>
 * <li>{@code direct:qualtrics-api}: Camel's error handler retries a 429 after {@code Retry-After}
 * (the {@code CamelRedeliveryDelay} header) or the backoff, a 401 of an OAuth token once with a new
 * token, and 5xx, timeouts and network errors with exponential backoff, but the last only for
 * reads and idempotent writes (PUT, DELETE): a POST that got no clear answer may have been carried
 * out (and a PATCH need not be idempotent). Any other 4xx fails at once.</li>
 * <li>{@code direct:qualtrics-api-create}: a contact create. After a 5xx or a timeout it is tried
 * again only if the contact is not there: before each retry the contact is searched for by its
 * {@code extRef}, and if found that is the answer. Without an extRef it is not retried.</li>
 * </ul>
 * Success is the HTTP status and {@code meta.httpStatus} both saying 2xx. Each attempt is its own
 * sub-route, so a redelivery repeats the whole call.
 */
@ApplicationScoped
public class QualtricsApiRoutes extends RouteBuilder {

    public static final String API = "direct:qualtrics-api";
    public static final String CREATE = "direct:qualtrics-api-create";
    /** A survey response a webhook announced: 202 "not yet available" and 404 are waited out for hub.qualtrics.response-wait. */
    public static final String RESPONSE = "direct:qualtrics-response";
    static final String TOKEN = "direct:qualtrics-token";
    /** The answer's status (from meta.httpStatus where it says more than the HTTP status). */
    public static final String STATUS = "qualtricsStatus";
    /** Set on a request whose 404 is an answer (a response not there yet), not an error. */
    static final String NOT_FOUND_IS_ANSWER = "qualtricsNotFoundIsAnswer";
    static final String GROUP = "qualtrics";
    private static final String ATTEMPT = "direct:qualtrics-api-attempt";
    private static final String RESPONSE_ATTEMPT = "direct:qualtrics-response-attempt";
    private static final String AUTH = "qualtricsAuth";
    private static final String RECONCILED = "qualtricsReconciled";
    private static final String UNCONFIRMED = "qualtricsCreateUnconfirmed";
    private static final Pattern PROXIED = Pattern.compile("use this host instead:\\s*([A-Za-z0-9.\\-]+)");
    private static final Logger LOG = Logger.getLogger(QualtricsApiRoutes.class);

    @Inject
    QualtricsConfig config;

    @Inject
    QualtricsTokens tokens;

    @Inject
    ConnectorRuns runs;

    @Inject
    ObjectMapper json;

    @Inject
    ProducerTemplate producer;

    private final Set<String> proxiedHosts = ConcurrentHashMap.newKeySet();

    @Override
    public void configure() {
        long timeout = config.requestTimeout().toMillis();
        // the placeholder host is never called: without a host the connector cannot be enabled
        String endpoint = config.host().orElse("http://qualtrics.invalid")
                + "?throwExceptionOnFailure=false&httpClientConfigurer=#noAutomaticRetries&connectTimeout=" + timeout
                + "&responseTimeout=" + timeout;
        long backoff = config.retryDelay().toMillis();

        RouteDefinition api = route(API, "qualtrics-api");
        common(api);
        api.onException(QualtricsException.Retryable.class, IOException.class)
                .onWhen(exchange -> request(exchange).isRepeatable())
                .maximumRedeliveries(config.retries()).redeliveryDelay(backoff).useExponentialBackOff()
                .backOffMultiplier(2).maximumRedeliveryDelay(Math.max(backoff, 60_000))
                .retryAttemptedLogLevel(LoggingLevel.WARN).logStackTrace(false).end();
        scoped(api, "qualtrics-api", ATTEMPT);

        RouteDefinition create = route(CREATE, "qualtrics-api-create");
        common(create);
        create.onException(QualtricsException.Retryable.class, IOException.class)
                .retryWhile(exchange -> request(exchange).extRef() != null
                        && exchange.getMessage().getHeader(Exchange.REDELIVERY_COUNTER, 0, Integer.class) < config.retries())
                .redeliveryDelay(backoff).useExponentialBackOff().backOffMultiplier(2).maximumRedeliveryDelay(Math.max(backoff, 60_000))
                .onRedelivery(this::reconcile)
                .retryAttemptedLogLevel(LoggingLevel.WARN).logStackTrace(false).end();
        scoped(create, "qualtrics-api-create", ATTEMPT);

        RouteDefinition token = route(TOKEN, "qualtrics-token");
        token.onException(QualtricsException.Retryable.class, QualtricsException.RateLimited.class, IOException.class)
                .maximumRedeliveries(config.retries()).redeliveryDelay(backoff).useExponentialBackOff()
                .retryAttemptedLogLevel(LoggingLevel.WARN).logStackTrace(false).end();
        scoped(token, "qualtrics-token", ATTEMPT);

        RouteDefinition response = route(RESPONSE, "qualtrics-response");
        response.onException(ResponseNotReady.class).maximumRedeliveries(retriesWithin(config.responseWait().toMillis(), backoff))
                .redeliveryDelay(backoff).useExponentialBackOff().backOffMultiplier(2).maximumRedeliveryDelay(Math.max(backoff, 60_000))
                .retryAttemptedLogLevel(LoggingLevel.DEBUG).logStackTrace(false).end();
        scoped(response, "qualtrics-response", RESPONSE_ATTEMPT);
        from(RESPONSE_ATTEMPT).routeId("qualtrics-response-attempt").routeGroup(GROUP).errorHandler(noErrorHandler())
                .setProperty(NOT_FOUND_IS_ANSWER, constant(true))
                .to(API)
                .to("bean:qualtricsResponses?method=ready");

        from(ATTEMPT).routeId("qualtrics-api-attempt").routeGroup(GROUP).errorHandler(noErrorHandler())
                .process(this::prepare)
                .choice()
                    .when(exchangeProperty(RECONCILED).isNotNull()).process(this::answerReconciled)
                    .when(exchangeProperty(UNCONFIRMED).isNotNull()).process(this::refuseUnconfirmed)
                    .otherwise().to(endpoint).process(this::check)
                .end();
    }

    /** How many doubling backoffs (capped at a minute) it takes to wait at least {@code wait}. */
    static int retriesWithin(long wait, long first) {
        int retries = 0;
        long waited = 0;
        for (long delay = Math.max(1, first); waited < wait; delay = Math.min(delay * 2, Math.max(first, 60_000))) {
            waited += delay;
            retries++;
        }
        return retries;
    }

    /** Each call its own retry budget, whatever calls came before it on the exchange. */
    private static void scoped(RouteDefinition route, String name, String attempt) {
        route.process(RedeliveryScope.enter(name)).to(attempt).process(RedeliveryScope.leave(name));
    }

    private RouteDefinition route(String uri, String id) {
        return from(uri).routeId(id).routeGroup(GROUP);
    }

    /** Route-scoped, so that the attempt route (no error handler) hands every failure up here. */
    private void common(RouteDefinition route) {
        route.onException(QualtricsException.Unauthorized.class).maximumRedeliveries(1).redeliveryDelay(0)
                .retryAttemptedLogLevel(LoggingLevel.INFO).logStackTrace(false).end()
                .onException(QualtricsException.Rejected.class).maximumRedeliveries(0).logStackTrace(false).logExhausted(false).end();
        // the wait is Retry-After when Qualtrics sent one, else a doubling backoff (see rateLimited)
        RetryPolicies.rateLimitWaits(route.onException(QualtricsException.RateLimited.class), config.retries())
                .retryAttemptedLogLevel(LoggingLevel.INFO).logStackTrace(false).end();
    }

    private static QualtricsRequest request(Exchange exchange) {
        return exchange.getProperty(QualtricsRequest.PROPERTY, QualtricsRequest.class);
    }

    /**
     * Only what this request needs goes out: no header a caller's route or the last answer left
     * (an incoming Authorization above all), except the error handler's redelivery counters.
     */
    private void prepare(Exchange exchange) {
        QualtricsRequest request = request(exchange);
        var message = exchange.getMessage();
        message.removeHeaders("*", "CamelRedeliver*");
        if (exchange.getProperty(RECONCILED) != null) {
            return;
        }
        message.setHeader(Exchange.HTTP_PATH, request.path());
        // the enum camel-http reads: given as text, every call paid for a converter lookup that misses
        message.setHeader(Exchange.HTTP_METHOD, HttpMethods.valueOf(request.method()));
        if (request.query() != null && !request.query().isEmpty()) {
            message.setHeader(Exchange.HTTP_QUERY, request.query());
        }
        request.headers().forEach(message::setHeader);
        if (request.body() != null && !message.getHeaders().containsKey(Exchange.CONTENT_TYPE)) {
            message.setHeader(Exchange.CONTENT_TYPE, "application/json");
        }
        message.setHeader("Accept", "application/json");
        message.setBody(request.body());
        if (!request.path().equals("/oauth2/token")) {
            Map.Entry<String, String> auth = tokens.header();
            message.setHeader(auth.getKey(), auth.getValue());
            exchange.setProperty(AUTH, auth.getValue());
        }
        runs.countRequest(exchange);
    }

    private void check(Exchange exchange) {
        QualtricsRequest request = request(exchange);
        int http = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        String body = exchange.getMessage().getBody(String.class);
        JsonNode answer = parse(body);
        JsonNode meta = answer.path("meta");
        noticeProxy(meta.path("notice").asText(""));
        int status = http;
        String stated = meta.path("httpStatus").asText("");
        if (stated.matches("\\d{3}.*") && http >= 200 && http < 300) {
            // a 200 whose envelope reports an error is that error
            status = Integer.parseInt(stated.substring(0, 3));
        }
        exchange.setProperty(STATUS, status);
        exchange.getMessage().removeHeaders("*", Exchange.HTTP_RESPONSE_CODE, "Retry-After", "CamelRedelivery*");
        exchange.getMessage().setBody(body);
        if ((status >= 200 && status < 300) || (status == 404 && exchange.getProperty(NOT_FOUND_IS_ANSWER, false, Boolean.class))) {
            exchange.getMessage().removeHeader("Retry-After");
            return;
        }
        String what = describe(request, status, meta);
        if (status == 401 && tokens.usesOAuth() && !request.path().equals("/oauth2/token")) {
            tokens.invalidate(exchange.getProperty(AUTH, String.class));
            throw new QualtricsException.Unauthorized(what, body);
        }
        if (status == 429) {
            rateLimited(exchange, what, body);
        }
        if (status >= 500) {
            throw new QualtricsException.Retryable(status, what, body);
        }
        throw new QualtricsException.Rejected(status, what, body);
    }

    /** A 429: Retry-After (seconds or an HTTP date) sets the wait; without it the wait doubles, capped at a minute. */
    private void rateLimited(Exchange exchange, String what, String body) {
        String retryAfter = exchange.getMessage().getHeader("Retry-After", String.class);
        exchange.getMessage().removeHeader("Retry-After");
        if (retryAfter != null) {
            long wait = retryAfterMillis(retryAfter.trim());
            if (wait > config.maxRetryAfter().toMillis()) {
                throw new QualtricsException.Rejected(429, what + ": Retry-After " + retryAfter
                        + " is longer than hub.qualtrics.max-retry-after", body);
            }
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, Math.max(0, wait));
        } else {
            long first = config.retryDelay().toMillis();
            long backoff = first << Math.min(RetryPolicies.rateLimitWaits(exchange), 20);
            exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, Math.min(backoff, Math.max(first, 60_000)));
        }
        throw new QualtricsException.RateLimited(what, body);
    }

    static long retryAfterMillis(String value) {
        if (value.matches("\\d+")) {
            return Long.parseLong(value) * 1000;
        }
        try {
            return Duration.between(Instant.now(), ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)).toMillis();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** The error as an operator needs it: what was called, Qualtrics' status, error code and message, request id. */
    private static String describe(QualtricsRequest request, int status, JsonNode meta) {
        JsonNode error = meta.path("error");
        StringBuilder text = new StringBuilder("Qualtrics answered ").append(meta.path("httpStatus").asText(String.valueOf(status)))
                .append(" to ").append(request);
        if (error.has("errorCode") || error.has("errorMessage")) {
            text.append(": ").append(error.path("errorCode").asText("")).append(' ').append(error.path("errorMessage").asText(""));
        }
        if (!meta.path("requestId").asText("").isEmpty()) {
            text.append(" (requestId ").append(meta.path("requestId").asText()).append(')');
        }
        if (error.has("instanceId")) {
            text.append(" (instanceId ").append(error.path("instanceId").asText()).append(')');
        }
        return text.toString();
    }

    /** Qualtrics serves a wrong datacenter's API-token calls by proxy, and says which host to use. */
    private void noticeProxy(String notice) {
        Matcher host = PROXIED.matcher(notice);
        if (notice.startsWith("Request proxied") && host.find() && proxiedHosts.add(host.group(1))) {
            String dc = host.group(1).replaceAll("\\.qualtrics\\.com$", "");
            LOG.warnf("Qualtrics proxied a request to the account's datacenter: use host %s (hub.qualtrics.datacenter=%s) for faster and"
                    + " more reliable calls", host.group(1), dc);
        }
    }

    /**
     * Before a create is tried again after a 5xx or a timeout: Qualtrics may have carried it out,
     * so the contact is searched for by its extRef, and if it is there, that is the answer.
     */
    private void reconcile(Exchange exchange) {
        QualtricsRequest create = request(exchange);
        String search = create.path() + "/search";
        String filter = json.createObjectNode().set("filter", json.createObjectNode()
                .put("filterType", "extRef").put("comparison", "eq").put("value", create.extRef())).toString();
        QualtricsRequest lookup = new QualtricsRequest("POST", search, null, filter, Map.of(), null);
        Exchange answer = producer.request(API, e -> e.setProperty(QualtricsRequest.PROPERTY, lookup));
        if (answer.getException() != null) {
            // without a clean "not found" a second create may duplicate the contact: give up instead
            exchange.setProperty(UNCONFIRMED, answer.getException().getMessage());
            return;
        }
        JsonNode found = parse(answer.getMessage().getBody(String.class)).path("result").path("elements").path(0);
        String id = found.path("contactId").asText(found.path("id").asText(""));
        if (!id.isEmpty()) {
            LOG.infof("a contact create Qualtrics did not confirm had gone through (%s); not creating it again", id);
            exchange.setProperty(RECONCILED, id);
        }
    }

    private void refuseUnconfirmed(Exchange exchange) {
        QualtricsRequest create = request(exchange);
        throw new QualtricsException.Rejected(504, "Qualtrics did not confirm the create of the contact with extRef " + create.extRef()
                + " and the search that would tell whether it went through failed (" + exchange.getProperty(UNCONFIRMED)
                + "); not creating it again, so no duplicate is made: check by extRef", null);
    }

    private void answerReconciled(Exchange exchange) {
        exchange.setProperty(STATUS, 200);
        exchange.getMessage().setBody(json.createObjectNode()
                .<com.fasterxml.jackson.databind.node.ObjectNode>set("result", json.createObjectNode().put("id", exchange.getProperty(RECONCILED, String.class)))
                .set("meta", json.createObjectNode().put("httpStatus", "200 - OK")).toString());
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? json.missingNode() : json.readTree(body);
        } catch (IOException notJson) {
            return json.missingNode();
        }
    }
}

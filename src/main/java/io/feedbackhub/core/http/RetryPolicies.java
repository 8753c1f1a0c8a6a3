package io.feedbackhub.core.http;

import org.apache.camel.Exchange;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.RedeliveryPolicyDefinition;

/** The redelivery settings the API clients share, on top of Camel's own policy. */
public final class RetryPolicies {

    /**
     * This request's waits for a rate limit. Named like Camel's own counters so that it is kept and
     * scoped ({@link RedeliveryScope}) with them, and never sent (camel-http drops Camel* headers).
     */
    static final String RATE_LIMIT_WAITS = "CamelRedeliveryHubRateLimitWaits";

    private RetryPolicies() {
    }

    /** A stop ends a wait at once (Camel checks every second) instead of letting it run out. */
    public static OnExceptionDefinition notWhileStopping(OnExceptionDefinition policy) {
        if (policy.getRedeliveryPolicyType() == null) {
            policy.setRedeliveryPolicyType(new RedeliveryPolicyDefinition());
        }
        policy.getRedeliveryPolicyType().allowRedeliveryWhileStopping(false);
        return policy;
    }

    /**
     * Up to {@code max} waits for a rate limit, each as long as the CamelRedeliveryDelay header the
     * failed attempt set. Camel counts every redelivery of an exchange in one counter, whatever
     * failed; a wait for a rate limit is no failed attempt, so it is taken back out and counted on
     * its own: a request that waited six times for a reset still has all its retries for a 500.
     */
    public static OnExceptionDefinition rateLimitWaits(OnExceptionDefinition policy, int max) {
        return notWhileStopping(policy.retryWhile(exchange -> rateLimitWaits(exchange) < max)
                .redeliveryDelay(0).onRedelivery(RetryPolicies::notARetry));
    }

    /** How often this request has waited for a rate limit so far. */
    public static int rateLimitWaits(Exchange exchange) {
        return exchange.getMessage().getHeader(RATE_LIMIT_WAITS, 0, Integer.class);
    }

    private static void notARetry(Exchange exchange) {
        var message = exchange.getMessage();
        message.setHeader(Exchange.REDELIVERY_COUNTER,
                Math.max(0, message.getHeader(Exchange.REDELIVERY_COUNTER, 1, Integer.class) - 1));
        message.setHeader(RATE_LIMIT_WAITS, rateLimitWaits(exchange) + 1);
    }
}

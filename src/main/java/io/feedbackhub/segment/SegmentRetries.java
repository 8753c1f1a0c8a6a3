package io.feedbackhub.segment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.LoggingLevel;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;

/**
 * How delivery from the journal is retried: growing pauses, 1 s doubling up to a minute, in place,
 * by Camel's redelivery of the step of {@code segment-deliver} that failed (a catalog write is tried
 * again without writing to Wootric again), up to 12 times; then the entry stays for the journal
 * reader's next poll, which starts over.
 */
@ApplicationScoped
public class SegmentRetries {

    static final String POLICY = "segmentDeliveryRetries";

    @Produces
    @Singleton
    @Named(POLICY)
    RedeliveryPolicy policy() {
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setMaximumRedeliveries(12);
        policy.setRedeliveryDelay(1000);
        policy.setUseExponentialBackOff(true);
        policy.setBackOffMultiplier(2);
        policy.setMaximumRedeliveryDelay(60_000);
        policy.setRetryAttemptedLogLevel(LoggingLevel.WARN);
        // a stop ends a wait at once; the entry stays in the journal
        policy.setAllowRedeliveryWhileStopping(false);
        return policy;
    }
}

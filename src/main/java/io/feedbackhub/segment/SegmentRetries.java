package io.feedbackhub.segment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.LoggingLevel;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;

import io.feedbackhub.core.config.HubConfig;

/**
 * How delivery from the journal is retried: growing pauses, 1 s doubling up to a minute.
 * <ul>
 * <li>File journal: in place, by Camel's redelivery of the step of {@code segment-deliver} that
 * failed (a catalog write is tried again without writing to Wootric again), up to 12 times; then
 * the file stays for the journal reader's next poll, which starts over.</li>
 * <li>Kafka journal: nothing waits inside the consumer's poll loop, or a long outage would cost the
 * consumer its place in the group. The entry fails at once, and the consumer pauses for the same
 * delays before it reads the entry again ({@link io.feedbackhub.core.kafka.PausingBackoff}).</li>
 * </ul>
 */
@ApplicationScoped
public class SegmentRetries {

    static final String POLICY = "segmentDeliveryRetries";

    @Inject
    HubConfig hub;

    @Produces
    @Singleton
    @Named(POLICY)
    RedeliveryPolicy policy() {
        RedeliveryPolicy policy = new RedeliveryPolicy();
        policy.setMaximumRedeliveries(hub.catalog().sink() == HubConfig.CatalogSink.KAFKA ? 0 : 12);
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

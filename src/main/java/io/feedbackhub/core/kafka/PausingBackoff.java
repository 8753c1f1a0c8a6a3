package io.feedbackhub.core.kafka;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Exchange;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.apache.camel.support.service.ServiceHelper;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;

/**
 * Growing pauses between attempts at a Kafka record that failed, without holding up the consumer's
 * poll loop: a consumer that does not poll within {@code max.poll.interval.ms} is dropped from its
 * group (a rebalance, and its uncommitted records go to whoever takes the partition).
 *
 * <p>On a failure, the consumer goes back to the failed record and is suspended (camel-kafka then
 * pauses its partitions and keeps polling, so it stays in the group); after the policy's next delay
 * it is resumed and reads the record again. Camel's pausable EIP does the same in principle, but in
 * Camel 4.14 its listener moves on past the failed record (CAMEL-20227); suspend and resume seek
 * back to the committed offset. Needs {@code breakOnFirstError=true} (nothing after the failed
 * record is taken) and manual commits after delivery, as {@link KafkaJournal} reads.
 */
final class PausingBackoff {

    private static final Logger LOG = Logger.getLogger(PausingBackoff.class);

    private final RedeliveryPolicy delays;
    private final ScheduledExecutorService timer;
    // only the consumer's one thread changes them
    private int failures;
    private long lastDelay;

    /** {@code delays}: the redelivery delays of this policy, its number of redeliveries aside (there is no end). */
    PausingBackoff(CamelContext context, RedeliveryPolicy delays, String name) {
        this.delays = delays;
        this.timer = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, name);
    }

    /**
     * In the route's doCatch, on the consumer's thread: throws the failure on, so that the consumer
     * counts the record as failed (breakOnFirstError: nothing after it is taken or committed).
     */
    void failed(Exchange exchange) throws Exception {
        lastDelay = delays.calculateRedeliveryDelay(lastDelay, ++failures);
        KafkaJournal.Place place = KafkaJournal.Place.of(exchange);
        TopicPartition partition = place.partition();
        long offset = place.offset();
        // resuming seeks to the committed offset, but a group that never committed has none
        place.commit().getConsumer().seek(partition, offset);
        Consumer consumer = exchange.getContext().getRoute(exchange.getFromRouteId()).getConsumer();
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.warnf("%s: the record at offset %d of %s failed (attempt %d: %s); it is read again in %d ms", exchange.getFromRouteId(),
                offset, partition, failures, cause.getMessage(), lastDelay);
        ServiceHelper.suspendService(consumer);
        timer.schedule(() -> ServiceHelper.resumeService(consumer), lastDelay, TimeUnit.MILLISECONDS);
        throw cause;
    }

    /** After a record went through: the next failure starts again from the first delay. */
    void succeeded(Exchange exchange) {
        failures = 0;
        lastDelay = 0;
    }
}

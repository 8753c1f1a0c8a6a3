package io.feedbackhub.segment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.AsyncProducer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.support.service.ServiceHelper;
import org.jboss.logging.Logger;

import io.feedbackhub.core.config.HubConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/**
 * The relay's intake after {@link SegmentAdmission}: checks the body ({@link SegmentIntake}), sends
 * its entry to {@code direct:segment-journal} and answers 200 once the journal has it, 503 if it
 * could not take it.
 *
 * <p>Why not a platform-http route: its consumer runs every exchange on a worker thread, which then
 * waits for the journal's fsync, and that hand-off cost more CPU than the check itself. Here the
 * check runs on the event loop and the answer goes out when the exchange completes: the file
 * journal's step is asynchronous, so no thread waits. A Kafka journal's send may block (metadata,
 * a full buffer), so it starts on a worker.
 */
@ApplicationScoped
class SegmentJournalHandoff {

    private static final Logger LOG = Logger.getLogger(SegmentJournalHandoff.class);
    // with no consumer (the route stopped) a direct producer would wait for one, on the event loop
    private static final String JOURNAL = SegmentJournalRoutes.WRITE + "?block=false";
    static final String UNAVAILABLE_RETRY_AFTER = "5";

    @Inject
    CamelContext camel;

    @Inject
    SegmentIntake intake;

    @Inject
    HubConfig hub;

    @Inject
    Vertx vertx;

    private volatile AsyncProducer journal;

    void accept(RoutingContext ctx, String call, Buffer body, boolean keyChecked) {
        byte[] entry;
        try {
            entry = intake.entry(call, body, ctx.request().getHeader(HttpHeaders.AUTHORIZATION), keyChecked);
        } catch (SegmentRejected rejected) {
            SegmentReplies.refuse(ctx, rejected.status(), rejected.getMessage(), null);
            return;
        }
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setBody(entry);
        Context context = vertx.getOrCreateContext();
        Runnable send = () -> {
            try {
                producer().process(exchange, doneSync -> context.runOnContext(v -> answer(ctx, exchange)));
            } catch (Exception e) {
                exchange.setException(e);
                context.runOnContext(v -> answer(ctx, exchange));
            }
        };
        if (hub.catalog().sink() == HubConfig.CatalogSink.KAFKA) {
            vertx.executeBlocking(() -> {
                send.run();
                return null;
            }, false);
        } else {
            send.run();
        }
    }

    private static void answer(RoutingContext ctx, Exchange exchange) {
        Exception failure = exchange.getException();
        if (failure == null) {
            SegmentReplies.accepted(ctx);
            return;
        }
        LOG.errorf("segment: could not journal a request, answering 503: %s", failure.getMessage());
        SegmentReplies.refuse(ctx, 503, "the relay could not store the events; retry later", UNAVAILABLE_RETRY_AFTER);
    }

    private AsyncProducer producer() throws Exception {
        AsyncProducer producer = journal;
        if (producer == null) {
            synchronized (this) {
                if (journal == null) {
                    AsyncProducer created = camel.getEndpoint(JOURNAL).createAsyncProducer();
                    ServiceHelper.startService(created);
                    journal = created;
                }
                producer = journal;
            }
        }
        return producer;
    }
}

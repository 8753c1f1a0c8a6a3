package io.feedbackhub.segment;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import io.feedbackhub.core.config.HubConfig;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * What a relay request must pass before it costs memory, on the event loop, before
 * {@link SegmentJournalHandoff} takes the whole body:
 * <ol>
 * <li>a known endpoint (404), and a Basic write key, if the request has one, that is known (401);</li>
 * <li>a Content-Length within the endpoint's limit (413; elsewhere on the port Quarkus refuses one
 * beyond {@code quarkus.http.limits.max-body-size});</li>
 * <li>room in the file journal ({@code hub.segment.journal-max-bytes}: 503, Retry-After 30);</li>
 * <li>room among the bodies being received ({@code hub.segment.max-in-flight-bytes}: 429, Retry-After 1),
 * each counted by its Content-Length, a chunked one by its endpoint's limit, until it is answered;</li>
 * <li>then the body is read, counting its bytes: past the limit a 413 at once, not done within
 * {@code hub.segment.body-timeout} a 408.</li>
 * </ol>
 * A refusal closes the connection, so the rest of the body is never read. Without a Basic key the
 * body must be read for its {@code writeKey} (analytics-java 3.4-3.5.4 sends no header), within
 * the same limits.
 *
 * <p>Why a Vert.x handler and not a platform-http route: platform-http reads the whole body (Vert.x's
 * body handler) before the route sees the request, and a worker thread blocked on a slow upload
 * would be taken from every other request; here nothing waits but a timer.
 */
@ApplicationScoped
public class SegmentAdmission {

    static final String IN_FLIGHT_RETRY_AFTER = "1";
    static final String JOURNAL_FULL_RETRY_AFTER = "30";

    @Inject
    SegmentConfig config;

    @Inject
    HubConfig hub;

    @Inject
    SegmentWriteKeys keys;

    @Inject
    SegmentFileJournal journal;

    @Inject
    Vertx vertx;

    @Inject
    SegmentJournalHandoff handoff;

    private final AtomicLong inFlight = new AtomicLong();
    private long maxInFlight;
    private long bodyTimeoutMillis;
    private long journalMax;
    private boolean fileJournal;
    private Executor blocking;

    void routes(@Observes Router router) {
        if (!config.enabled()) {
            return;
        }
        maxInFlight = config.maxInFlightBytes().asLongValue();
        bodyTimeoutMillis = Math.max(1, config.bodyTimeout().toMillis());
        journalMax = config.journalMaxBytes().asLongValue();
        fileJournal = hub.catalog().sink() == HubConfig.CatalogSink.FILE;
        if (fileJournal) {
            // the journal is made now, at start: it counts its directory, which the event loop must not wait for
            journal.undeliveredBytes();
        }
        blocking = task -> vertx.executeBlocking(() -> {
            task.run();
            return null;
        }, false);
        // the relay's paths; just before Quarkus's check of Content-Length against
        // max-body-size, so a relay client gets the JSON answer of its endpoint's own limit
        router.route(HttpMethod.POST, "/v1*").order(RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT - 1).handler(this::admit);
    }

    /** Bodies being received or waiting for their answer, in bytes as reserved. */
    long inFlightBytes() {
        return inFlight.get();
    }

    private void admit(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String call = SegmentIntake.call(ctx.normalizedPath());
        if (call == null) {
            SegmentReplies.refuse(ctx, 404, "no such endpoint: " + ctx.normalizedPath(), null);
            return;
        }
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        boolean keyChecked = SegmentWriteKeys.isBasic(authorization);
        if (keyChecked) {
            try {
                keys.check(authorization, null);
            } catch (SegmentRejected rejected) {
                SegmentReplies.refuse(ctx, rejected.status(), rejected.getMessage(), null);
                return;
            }
        }
        long limit = SegmentIntake.isBatch(call) ? config.maxBatchBytes() : config.maxMessageBytes();
        long length;
        try {
            String header = request.getHeader(HttpHeaders.CONTENT_LENGTH);
            length = header == null ? -1 : Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            SegmentReplies.refuse(ctx, 400, "the Content-Length header is not a number", null);
            return;
        }
        if (length > limit) {
            SegmentReplies.refuse(ctx, 413, tooLarge(call, limit), null);
            return;
        }
        if (fileJournal && journal.over(journalMax, blocking)) {
            SegmentReplies.refuse(ctx, 503, "the relay's journal is full (hub.segment.journal-max-bytes) until delivery catches up; retry later",
                    JOURNAL_FULL_RETRY_AFTER);
            return;
        }
        long reserved = length >= 0 ? length : limit;
        if (inFlight.addAndGet(reserved) > maxInFlight) {
            inFlight.addAndGet(-reserved);
            SegmentReplies.refuse(ctx, 429, "the relay is receiving too much at once; retry later", IN_FLIGHT_RETRY_AFTER);
            return;
        }
        // released once the request is answered, or its connection is gone
        ctx.addEndHandler(done -> inFlight.addAndGet(-reserved));
        new BodyReader(ctx, call, keyChecked, limit, length).start();
    }

    /** Reads one body into a buffer, stopping at its limit or its time. */
    private final class BodyReader {
        private final RoutingContext ctx;
        private final String call;
        private final boolean keyChecked;
        private final long limit;
        private final Buffer body;
        private long timer;
        private boolean over;

        BodyReader(RoutingContext ctx, String call, boolean keyChecked, long limit, long length) {
            this.ctx = ctx;
            this.call = call;
            this.keyChecked = keyChecked;
            this.limit = limit;
            // the declared length is reserved already, so it may be taken at once (no regrowing copies)
            this.body = Buffer.buffer((int) (length >= 0 ? length : Math.min(limit, 16 * 1024)));
        }

        void start() {
            HttpServerRequest request = ctx.request();
            timer = vertx.setTimer(bodyTimeoutMillis, id -> stop(408, "the request body did not arrive within hub.segment.body-timeout"));
            request.handler(chunk -> {
                if (over) {
                    return;
                }
                if (body.length() + chunk.length() > limit) {
                    stop(413, tooLarge(call, limit));
                    return;
                }
                body.appendBuffer(chunk);
            });
            request.endHandler(end -> {
                if (over) {
                    return;
                }
                over = true;
                vertx.cancelTimer(timer);
                handoff.accept(ctx, call, body, keyChecked);
            });
            request.exceptionHandler(failure -> {
                over = true;
                vertx.cancelTimer(timer);
            });
            if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
                ctx.response().writeContinue();
            }
            request.resume();
        }

        private void stop(int status, String error) {
            if (over) {
                return;
            }
            over = true;
            vertx.cancelTimer(timer);
            SegmentReplies.refuse(ctx, status, error, null);
        }
    }

    private static String tooLarge(String call, long limit) {
        return (SegmentIntake.isBatch(call) ? "a batch" : "a message") + " may hold at most " + limit / 1000 + " KB";
    }
}

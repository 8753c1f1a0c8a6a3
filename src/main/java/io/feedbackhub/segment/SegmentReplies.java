package io.feedbackhub.segment;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/** What the relay answers: Segment's {@code {"success":true}}, or an error a client can act on. */
final class SegmentReplies {

    private static final String ACCEPTED = "{\"success\":true}";

    private SegmentReplies() {
    }

    static void accepted(RoutingContext ctx) {
        reply(ctx, 200, ACCEPTED, null);
    }

    /**
     * An error answer; when the body is not all read, the connection is closed after it, so the
     * rest is never read.
     */
    static void refuse(RoutingContext ctx, int status, String error, String retryAfter) {
        reply(ctx, status, error(error), retryAfter);
    }

    static String error(String message) {
        return JsonNodeFactory.instance.objectNode().put("success", false).put("error", message).toString();
    }

    private static void reply(RoutingContext ctx, int status, String body, String retryAfter) {
        HttpServerResponse response = ctx.response();
        if (response.ended() || response.closed()) {
            return;
        }
        boolean unread = !ctx.request().isEnded();
        response.setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (retryAfter != null) {
            response.putHeader("Retry-After", retryAfter);
        }
        if (unread && ctx.request().version() != HttpVersion.HTTP_2) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
            response.end(body).onComplete(written -> ctx.request().connection().close());
        } else {
            response.end(body);
        }
    }
}

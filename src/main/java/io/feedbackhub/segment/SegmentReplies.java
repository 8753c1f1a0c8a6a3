package io.feedbackhub.segment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/** What the relay answers: Segment's {@code {"success":true}}, or an error a client can act on. */
@ApplicationScoped
@Named("segmentReplies")
public class SegmentReplies {

    private static final Logger LOG = Logger.getLogger(SegmentReplies.class);

    public void accepted(Exchange exchange) {
        reply(exchange, 200, "{\"success\":true}");
    }

    public void rejected(Exchange exchange) {
        SegmentRejected rejected = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, SegmentRejected.class);
        reply(exchange, rejected.status(), error(rejected.getMessage()));
    }

    /** The journal did not take the request: the client must send it again. */
    public void unavailable(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.errorf("segment: could not journal a request, answering 503: %s", cause == null ? "" : cause.getMessage());
        reply(exchange, 503, error("the relay could not store the events; retry later"));
        exchange.getMessage().setHeader("Retry-After", "5");
    }

    static String error(String message) {
        return JsonNodeFactory.instance.objectNode().put("success", false).put("error", message).toString();
    }

    private static void reply(Exchange exchange, int status, String body) {
        // nothing of the request (its Authorization header above all) goes back out
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(body);
    }
}

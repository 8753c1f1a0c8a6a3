package io.feedbackhub.core.http;

import java.util.HashMap;
import java.util.Map;

import org.apache.camel.Processor;

/**
 * Gives each call through a retrying route its own retry budget. Camel's error handler counts the
 * attempts in the exchange's {@code CamelRedelivery*} headers and goes on from whatever count it
 * finds there; a run sends all its calls on one exchange, so without this one call's count would
 * carry into the next and the run would die at its n-th transient failure although no call failed
 * n times. The caller's own counters (a retrying route that calls another) come back when the call
 * succeeds.
 */
public final class RedeliveryScope {

    private static final String HEADERS = "CamelRedeliver*";

    private RedeliveryScope() {
    }

    /** Before the retried step: the caller's counters are put aside under {@code name}. */
    public static Processor enter(String name) {
        String key = key(name);
        return exchange -> {
            Map<String, Object> saved = new HashMap<>();
            exchange.getMessage().getHeaders().forEach((header, value) -> {
                if (header.startsWith("CamelRedeliver")) {
                    saved.put(header, value);
                }
            });
            exchange.setProperty(key, saved);
            exchange.getMessage().removeHeaders(HEADERS);
        };
    }

    /** After it: this call's counters go, the caller's come back. */
    public static Processor leave(String name) {
        String key = key(name);
        return exchange -> {
            exchange.getMessage().removeHeaders(HEADERS);
            Map<?, ?> saved = exchange.getProperty(key, Map.class);
            if (saved != null) {
                saved.forEach((header, value) -> exchange.getMessage().setHeader((String) header, value));
            }
            exchange.removeProperty(key);
        };
    }

    private static String key(String name) {
        return "hubRedeliveryOf-" + name;
    }
}

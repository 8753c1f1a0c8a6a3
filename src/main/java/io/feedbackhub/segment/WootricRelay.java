package io.feedbackhub.segment;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.feedbackhub.client.wootric.WootricEndUsers;
import io.feedbackhub.client.wootric.WootricException;
import io.feedbackhub.segment.WootricUserCache.Known;

/**
 * Delivers one Segment message to Wootric.
 * <ul>
 * <li>identify: finds the end user by {@code external_id = userId}, else by e-mail; updates it
 * (PUT) with its properties merged with the new ones, or creates it (POST).</li>
 * <li>page: for a known user, sets {@code properties[last_page_url]} and
 * {@code properties[last_page_seen_at]}; an unknown user costs no call.</li>
 * </ul>
 * A message whose {@code integrations} object turns Wootric off ({@code "Wootric": false}, or
 * {@code "All": false} without {@code "Wootric"} on) costs no call.
 * The Wootric id and properties of recent users are cached ({@code hub.segment.user-cache-max-bytes}),
 * so a returning user costs one call; a user Wootric does not know is remembered for
 * {@code hub.segment.unknown-user-ttl}, so its page views cost none.
 */
@ApplicationScoped
@Named("segmentToWootric")
public class WootricRelay {

    private static final Logger LOG = Logger.getLogger(WootricRelay.class);
    public static final String UNDELIVERABLE = "segmentUndeliverable";

    @Inject
    WootricEndUsers endUsers;

    private final WootricUserCache known;

    @Inject
    public WootricRelay(SegmentConfig config) {
        this.known = new WootricUserCache(config.userCacheMaxBytes().asLongValue(), config.unknownUserTtl());
    }

    /**
     * Delivers the message in the body. A message Wootric can never take is not an error here: its
     * reason goes to the {@link #UNDELIVERABLE} property for the dead letters. Anything that may pass
     * later (Wootric down, rate limited) is thrown, for the route to retry.
     */
    public void deliver(Exchange exchange) {
        ObjectNode message = exchange.getMessage().getBody(ObjectNode.class);
        exchange.removeProperty(UNDELIVERABLE);
        @SuppressWarnings("unchecked")
        Map<String, ObjectNode> coalesced = exchange.getProperty(SegmentEvents.COALESCED, Map.class);
        if (!SegmentMessages.forWootric(message)) {
            return; // its integrations object keeps it out of Wootric; the catalog still records it
        }
        String messageId = message.path("messageId").asText();
        if (coalesced != null && coalesced.containsKey(messageId)) {
            message = coalesced.get(messageId);
            if (message == null) {
                return; // merged into the first identify of its user in this request
            }
        }
        try {
            switch (message.path("type").asText()) {
                case "identify" -> identify(message, true);
                case "page" -> page(message);
                default -> {
                    // track, screen, group, alias: recorded in the catalog, not relayed
                }
            }
        } catch (WootricException.Retryable | WootricException.Unauthorized | WootricException.CredentialsRefused later) {
            throw later; // may pass later: the journal keeps it and delivery retries
        } catch (RuntimeException never) {
            // an answer no retry can change, or a message the relay cannot map: one bad message
            // must not hold up the ones behind it
            // the reason starts with a code (the dead-letter metric's tag)
            exchange.setProperty(UNDELIVERABLE, never instanceof Undeliverable ? never.getMessage()
                    : (never instanceof WootricException.Rejected refused ? "wootric_" + refused.status() : "unmappable") + ": "
                            + never.getMessage());
        }
    }

    void identify(ObjectNode message, boolean firstTry) {
        Map<String, String> fields = IdentifyMapping.fields(message);
        String userId = text(message.path("userId"));
        String email = fields.get("email");
        Known user = userId == null ? null : known.get(userId);
        if (user == WootricUserCache.UNKNOWN) {
            // not found for a page view a while ago; an identify looks again rather than create a second user
            user = null;
        }
        Map<String, String> existing = Map.of();
        Optional<ObjectNode> found = Optional.empty();
        if (user == null) {
            found = userId == null ? Optional.empty() : endUsers.byExternalId(userId);
            if (found.isEmpty() && email != null) {
                found = endUsers.byEmail(email);
            }
            if (found.isPresent()) {
                existing = properties(found.get());
                String externalId = text(found.get().path("external_id"));
                if (externalId != null && !externalId.isBlank() && !externalId.equals(userId)) {
                    // another system's id: keep it, and say so
                    LOG.warnf("segment: the Wootric end user %s, found by e-mail, has another external_id; left as it is",
                            found.get().path("id").asText());
                    fields.remove("external_id");
                }
            }
        } else {
            existing = user.properties();
        }
        Map<String, String> properties = merged(existing, fields);
        ObjectNode written;
        if (user != null || found.isPresent()) {
            long id = user != null ? user.id() : found.get().path("id").asLong();
            try {
                written = endUsers.update(id, withProperties(fields, properties));
            } catch (WootricException.Rejected gone) {
                if (gone.status() != 404 || user == null || !firstTry) {
                    throw gone;
                }
                // the cached end user was deleted in Wootric: forget it and find or create it again
                known.forget(userId);
                identify(message, false);
                return;
            }
        } else if (email == null) {
            throw new Undeliverable("no_email: Wootric needs an e-mail to create the end user " + (userId == null ? "" : userId));
        } else {
            written = endUsers.create(withProperties(fields, properties));
        }
        if (userId != null) {
            known.known(userId, new Known(written.path("id").asLong(), properties));
        }
    }

    void page(ObjectNode message) {
        String userId = text(message.path("userId"));
        if (userId == null) {
            return;
        }
        Known user = known.get(userId);
        if (user == WootricUserCache.UNKNOWN) {
            return;
        }
        if (user == null) {
            Optional<ObjectNode> found = endUsers.byExternalId(userId);
            if (found.isEmpty()) {
                known.unknown(userId);
                return;
            }
            user = new Known(found.get().path("id").asLong(), properties(found.get()));
        }
        JsonNode url = message.path("properties").has("url") ? message.path("properties").path("url")
                : message.path("context").path("page").path("url");
        String at = text(message.has("timestamp") ? message.path("timestamp") : message.path("receivedAt"));
        Map<String, String> properties = new LinkedHashMap<>(user.properties());
        if (!url.isMissingNode() && !url.isNull()) {
            properties.put("last_page_url", url.asText());
        }
        // rounded to the nearest second, like createdAt
        properties.put("last_page_seen_at", String.valueOf(SegmentDates.epochSeconds(at == null ? "" : at)
                .orElse(Instant.now().getEpochSecond())));
        endUsers.update(user.id(), withProperties(Map.of(), properties));
        known.known(userId, new Known(user.id(), properties));
    }

    /** Wootric's stored properties as text, as they go back in a PUT. */
    private static Map<String, String> properties(ObjectNode user) {
        Map<String, String> properties = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = user.path("properties").fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> p = it.next();
            if (!p.getValue().isNull()) {
                properties.put(p.getKey(), p.getValue().isValueNode() ? p.getValue().asText() : p.getValue().toString());
            }
        }
        return properties;
    }

    /** Existing properties with the message's on top; Wootric does not say whether PUT merges, so all are sent. */
    private static Map<String, String> merged(Map<String, String> existing, Map<String, String> fields) {
        Map<String, String> properties = new LinkedHashMap<>(existing);
        fields.forEach((name, value) -> {
            if (name.startsWith("properties[")) {
                properties.put(name.substring(11, name.length() - 1), value);
            }
        });
        return properties;
    }

    private static Map<String, String> withProperties(Map<String, String> fields, Map<String, String> properties) {
        Map<String, String> form = new LinkedHashMap<>();
        fields.forEach((name, value) -> {
            if (!name.startsWith("properties[")) {
                form.put(name, value);
            }
        });
        properties.forEach((name, value) -> form.put("properties[" + name + "]", value));
        return form;
    }

    private static String text(JsonNode value) {
        return value == null || value.isMissingNode() || value.isNull() || value.asText().isBlank() ? null : value.asText();
    }
}

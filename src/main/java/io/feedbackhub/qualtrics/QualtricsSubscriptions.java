package io.feedbackhub.qualtrics;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import org.apache.camel.spi.RoutePolicy;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.cluster.HubCluster;
import io.feedbackhub.core.state.SyncState;

/**
 * At start: a {@code surveyengine.completedResponse.{SurveyID}} event subscription for every
 * survey of {@code hub.qualtrics.webhook.survey-ids} to the public URL. The existing ones are
 * listed first and only the missing created, so restarts add none twice. Qualtrics has no update:
 * one the hub made with an earlier shared key is replaced (a new one, then the old deleted); a
 * subscription to another URL stays, and is the operator's to delete. In a cluster only the member
 * leading {@code qualtrics} does this, once, when it first leads after its start.
 */
@ApplicationScoped
@Named("qualtricsSubscriptions")
public class QualtricsSubscriptions {

    static final String TOPIC = "surveyengine.completedResponse.";
    private static final Logger LOG = Logger.getLogger(QualtricsSubscriptions.class);

    @Inject
    QualtricsConfig config;

    @Inject
    QualtricsClient client;

    @Inject
    SyncState state;

    @Inject
    ObjectMapper json;

    /** The policy of the route that calls {@link #ensure}: in a cluster, it runs on the member leading qualtrics only. */
    @Produces
    @Singleton
    @Named("qualtricsLeader")
    RoutePolicy leaderOnly(HubCluster cluster) throws Exception {
        return cluster.leaderPolicy(QualtricsApiRoutes.GROUP);
    }

    public void ensure() {
        List<String> surveys = config.webhook().surveyIds().orElse(List.of()).stream().map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (surveys.isEmpty()) {
            return;
        }
        String url = config.webhook().publicUrl().orElseThrow();
        List<JsonNode> existing = new ArrayList<>();
        PageScan pages = new PageScan(config.host().orElseThrow(), QualtricsRequest.get("/eventsubscriptions", null), null);
        while (pages.hasNext()) {
            JsonNode result = client.call(pages.next()).result();
            result.path("elements").forEach(existing::add);
            pages.follow(result.path("nextPage").isTextual() ? result.path("nextPage").asText() : null);
        }
        String key = config.webhook().sharedKey().orElseThrow();
        for (String survey : surveys) {
            String topic = TOPIC + survey;
            JsonNode there = null;
            for (JsonNode subscription : existing) {
                if (topic.equals(subscription.path("topics").asText()) && url.equals(subscription.path("publicationUrl").asText())) {
                    there = subscription;
                }
            }
            String made = state.get(QualtricsApiRoutes.GROUP, "subscriptions", survey).orElse("");
            String id = there == null ? null : there.path("id").asText();
            if (there != null && !made.equals(id + ":" + fingerprint(key)) && made.startsWith(id + ":")) {
                // the hub made it with another shared key, and Qualtrics has no update: every delivery would
                // fail the HMAC check, so a new one replaces it (made first, so no delivery falls in a gap)
                String replacement = subscribe(survey, topic, url, key);
                client.call(QualtricsRequest.send("DELETE", "/eventsubscriptions/" + id, null));
                LOG.infof("replaced the subscription %s of %s, made with an earlier shared key, by %s", id, survey, replacement);
            } else if (there == null) {
                subscribe(survey, topic, url, key);
            }
        }
    }

    private String subscribe(String survey, String topic, String url, String key) {
        String body = json.createObjectNode().put("topics", topic).put("publicationUrl", url).put("encrypt", false)
                .put("sharedKey", key).toString();
        String id = client.call(QualtricsRequest.send("POST", "/eventsubscriptions", body)).result().path("id").asText();
        state.put(QualtricsApiRoutes.GROUP, "subscriptions", survey, id + ":" + fingerprint(key));
        LOG.infof("subscribed to completed responses of %s (%s)", survey, id);
        return id;
    }

    /** Tells shared keys apart without storing them: an HMAC of a fixed text, keyed by the shared key. */
    static String fingerprint(String key) {
        return WebhookSignature.sign(key, "feedback-hub subscription").substring(0, 16);
    }
}

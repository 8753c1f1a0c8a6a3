package io.feedbackhub.qualtrics;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.state.SyncState;

/**
 * At start: a {@code surveyengine.completedResponse.{SurveyID}} event subscription for every
 * survey of {@code hub.qualtrics.webhook.survey-ids} to the public URL. The existing ones are
 * listed first and only the missing created, so restarts add none twice. Qualtrics has no update:
 * a subscription to another URL stays, and is the operator's to delete.
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
        for (String survey : surveys) {
            String topic = TOPIC + survey;
            boolean there = false;
            for (JsonNode subscription : existing) {
                there |= topic.equals(subscription.path("topics").asText()) && url.equals(subscription.path("publicationUrl").asText());
            }
            if (there) {
                continue;
            }
            String body = json.createObjectNode().put("topics", topic).put("publicationUrl", url).put("encrypt", false)
                    .put("sharedKey", config.webhook().sharedKey().orElseThrow()).toString();
            String id = client.call(QualtricsRequest.send("POST", "/eventsubscriptions", body)).result().path("id").asText();
            state.put(QualtricsApiRoutes.GROUP, "subscriptions", survey, id);
            LOG.infof("subscribed to completed responses of %s (%s)", survey, id);
        }
    }
}

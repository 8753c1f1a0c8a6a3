package io.feedbackhub.qualtrics;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.feedbackhub.core.catalog.Catalog;

/** The steps of {@code qualtrics-responses}: a journalled webhook event into its full response in {@code qualtrics_responses}. */
@ApplicationScoped
@Named("qualtricsResponses")
public class QualtricsResponses {

    public static final String TABLE = "qualtrics_responses";
    public static final String DEAD_LETTERS = "qualtrics_dead_letters";
    static final String EVENT = "qualtricsEvent";
    /** The webhook's CompletedDate: UTC without a zone marker. */
    private static final DateTimeFormatter COMPLETED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    @Inject
    ObjectMapper json;

    /** The journalled MSG into the GET of its response. */
    public void request(Exchange exchange) throws Exception {
        JsonNode event = json.readTree(exchange.getMessage().getBody(String.class));
        exchange.setProperty(EVENT, event);
        exchange.setProperty(QualtricsRequest.PROPERTY, QualtricsRequest.get("/surveys/" + event.path("SurveyID").asText()
                + "/responses/" + event.path("ResponseID").asText(), null));
    }

    /** 202 ("not yet available") and 404 (not there yet) are asked again; anything else 2xx is the response. */
    public void ready(Exchange exchange) {
        int status = exchange.getProperty(QualtricsApiRoutes.STATUS, 0, Integer.class);
        if (status == 202 || status == 404) {
            throw new ResponseNotReady("Qualtrics answered " + status + " for " + exchange.getProperty(QualtricsRequest.PROPERTY));
        }
    }

    /** The response with what the webhook said about it (distribution, recipient, completion time as ISO-8601 UTC). */
    public void record(Exchange exchange) throws Exception {
        JsonNode event = exchange.getProperty(EVENT, JsonNode.class);
        JsonNode result = json.readTree(exchange.getMessage().getBody(String.class)).path("result");
        ObjectNode record = json.createObjectNode().put("responseId", event.path("ResponseID").asText())
                .put("surveyId", event.path("SurveyID").asText())
                .put("completedDate", utc(event.path("CompletedDate").asText("")))
                .put("distributionId", event.path("DistributionID").asText(null))
                .put("recipientId", event.path("RecipientID").asText(null))
                .put("brandId", event.path("BrandID").asText(null));
        for (String field : new String[] {"values", "labels", "displayedFields", "displayedValues"}) {
            if (result.has(field)) {
                record.set(field, result.get(field));
            }
        }
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Catalog.TABLE, TABLE);
        exchange.getMessage().setHeader(Catalog.KEY_FIELD, "responseId");
        exchange.getMessage().setBody(record);
    }

    /**
     * Whether a failed fetch can never succeed: the response never came, or Qualtrics refused the
     * request itself. A 401/403 (a rotated token, missing rights) or a 429 with a long Retry-After is
     * fixed by time or by the operator: the journal entry stays and is tried again.
     */
    public boolean permanent(Exchange exchange) {
        Exception cause = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        return cause instanceof ResponseNotReady
                || cause instanceof QualtricsException failure && failure.status() != 401 && failure.status() != 403 && failure.status() != 429;
    }

    /** A response Qualtrics never gave (or refused): the webhook's event and the cause, for an operator to follow up. */
    public void deadLetter(Exchange exchange) {
        JsonNode event = exchange.getProperty(EVENT, JsonNode.class);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        ObjectNode record = json.createObjectNode().put("id", event.path("ResponseID").asText()).put("kind", "response")
                .put("surveyId", event.path("SurveyID").asText())
                // a code for the dead-letter metric (the cause's text may name a respondent)
                .put("reason", cause instanceof ResponseNotReady ? "response_not_ready"
                        : cause instanceof QualtricsException failure ? "qualtrics_" + failure.status() : "other")
                .put("cause", cause == null ? null : cause.getMessage());
        record.set("event", event);
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Catalog.TABLE, DEAD_LETTERS);
        exchange.getMessage().setBody(record);
    }

    static String utc(String completedDate) {
        try {
            return LocalDateTime.parse(completedDate, COMPLETED).toInstant(ZoneOffset.UTC).toString();
        } catch (DateTimeParseException e) {
            return completedDate.isEmpty() ? null : completedDate;
        }
    }
}

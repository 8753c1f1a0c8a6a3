package io.feedbackhub.qualtrics;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.Exchange;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.files.DurableFiles;

/**
 * The steps of {@code qualtrics-webhook}: Qualtrics' form-encoded event ({@code Topic}, {@code MSG},
 * {@code HMAC}) is checked against the shared key before anything else; a completed response's
 * MSG then goes to the journal, named by its ResponseID.
 */
@ApplicationScoped
@Named("qualtricsWebhook")
public class QualtricsWebhook {

    /** Set for a completed response: the ResponseID it is journalled (and de-duplicated) by. */
    public static final String RESPONSE_ID = "qualtricsResponseId";
    private static final String COMPLETED = "surveyengine.completedResponse.";
    private static final Logger LOG = Logger.getLogger(QualtricsWebhook.class);

    @Inject
    QualtricsConfig config;

    @Inject
    HubConfig hub;

    @Inject
    ObjectMapper json;

    /** HMAC first (400 malformed, 403 mismatch); then the event: a completed response gets its ResponseID header, others are ignored. */
    public void verify(Exchange exchange) {
        Map<String, String> form = form(exchange);
        exchange.getMessage().removeHeaders("*");
        String msg = form.get("MSG");
        if (msg == null) {
            throw new WebhookRefused(400, "no MSG field: Qualtrics posts Topic, MSG and HMAC form-encoded");
        }
        String key = config.webhook().sharedKey().orElseThrow(() -> new WebhookRefused(403, "no hub.qualtrics.webhook.shared-key is set"));
        WebhookSignature.verify(key, msg, form.get("HMAC"));

        JsonNode event;
        try {
            event = json.readTree(msg);
        } catch (Exception e) {
            throw new WebhookRefused(400, "MSG is not JSON");
        }
        String topic = form.getOrDefault("Topic", "");
        String survey = event.path("SurveyID").asText("");
        // the topic carries the brand in front ({brand}.surveyengine.completedResponse.{SurveyID})
        if (!topic.endsWith(COMPLETED + survey) || survey.isEmpty()) {
            LOG.debugf("qualtrics webhook: ignoring an event of topic %s", topic);
            return;
        }
        String response = event.path("ResponseID").asText("");
        if (!survey.matches("SV_[A-Za-z0-9]+") || !response.matches("R_[A-Za-z0-9]+")) {
            throw new WebhookRefused(400, "MSG needs SurveyID (SV_...) and ResponseID (R_...)");
        }
        exchange.getMessage().setHeader(RESPONSE_ID, response);
        exchange.getMessage().setBody(msg);
    }

    /**
     * Camel's file producer forces the journal file but not its rename: without this, a crash just
     * after the 200 could leave the response under its hidden temporary name, which the reader skips.
     */
    public void journaled(Exchange exchange) throws IOException {
        DurableFiles.forceDirectory(hub.dataDir().resolve("journal").resolve("qualtrics"));
    }

    public void accepted(Exchange exchange) {
        reply(exchange, 200, "{\"received\":true}");
    }

    public void refused(Exchange exchange) {
        WebhookRefused refused = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, WebhookRefused.class);
        LOG.warnf("qualtrics webhook: refused a delivery (%d): %s", refused.status(), refused.getMessage());
        reply(exchange, refused.status(), json.createObjectNode().put("error", refused.getMessage()).toString());
    }

    /** The journal did not take it: Qualtrics should deliver it again. */
    public void unavailable(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.errorf("qualtrics webhook: could not journal a response, answering 503: %s", cause == null ? "" : cause.getMessage());
        reply(exchange, 503, "{\"error\":\"the hub could not store the event; retry later\"}");
    }

    private static void reply(Exchange exchange, int status, String body) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setBody(body);
    }

    /** The form fields, whether the HTTP layer parsed them (a map) or left the raw body. */
    private static Map<String, String> form(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        Map<String, String> fields = new LinkedHashMap<>();
        if (body instanceof Map<?, ?> parsed) {
            parsed.forEach((k, v) -> fields.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
            return fields;
        }
        String raw = exchange.getMessage().getBody(String.class);
        if (raw != null && !raw.isBlank()) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                fields.put(name, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
            return fields;
        }
        for (String name : new String[] {"Topic", "MSG", "HMAC"}) {
            String value = exchange.getMessage().getHeader(name, String.class);
            if (value != null) {
                fields.put(name, value);
            }
        }
        return fields;
    }
}

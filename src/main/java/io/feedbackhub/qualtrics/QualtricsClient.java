package io.feedbackhub.qualtrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.run.ConnectorRuns;

/** Calls through {@code direct:qualtrics-api} from Java: the commands and the contacts pull's detail reads. */
@ApplicationScoped
public class QualtricsClient {

    @Inject
    ProducerTemplate producer;

    @Inject
    ObjectMapper json;

    /** Qualtrics' answer: its status, its text (passed back by the raw call) and that text as JSON. */
    public record Answer(int status, String body, JsonNode json) {
        public JsonNode result() {
            return json.path("result");
        }
    }

    public Answer call(QualtricsRequest request) {
        return call(QualtricsApiRoutes.API, request, null);
    }

    /** A call counted for the run the exchange belongs to. */
    public Answer call(QualtricsRequest request, Exchange run) {
        return call(QualtricsApiRoutes.API, request, run);
    }

    /** A contact create, reconciled by its extRef before any retry. */
    public Answer create(QualtricsRequest request) {
        return call(QualtricsApiRoutes.CREATE, request, null);
    }

    private Answer call(String endpoint, QualtricsRequest request, Exchange run) {
        Exchange answer = producer.request(endpoint, exchange -> {
            exchange.setProperty(QualtricsRequest.PROPERTY, request);
            if (run != null) {
                exchange.setProperty(ConnectorRuns.RUN_ID, run.getProperty(ConnectorRuns.RUN_ID));
                exchange.setProperty(ConnectorRuns.CONNECTOR, run.getProperty(ConnectorRuns.CONNECTOR));
            }
        });
        if (answer.getException() != null) {
            throw answer.getException() instanceof RuntimeException e ? e
                    : new QualtricsException.Retryable(0, "Qualtrics did not answer " + request + ": " + answer.getException().getMessage(), null);
        }
        String body = answer.getMessage().getBody(String.class);
        return new Answer(answer.getProperty(QualtricsApiRoutes.STATUS, 0, Integer.class), body, parse(body));
    }

    JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? json.missingNode() : json.readTree(body);
        } catch (Exception notJson) {
            return json.missingNode();
        }
    }
}

package io.feedbackhub.core.catalog;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.run.ConnectorRuns;

/** The catalog endpoint ({@link Catalog#ENDPOINT}), backed by files or Kafka as {@code hub.catalog.sink} says. */
@ApplicationScoped
public class CatalogRoutes extends RouteBuilder {

    static final String BATCH = "HubCatalogBatch";

    @Inject
    HubConfig config;

    @Inject
    CatalogInput input;

    @Inject
    FileCatalog files;

    @Inject
    ConnectorRuns runs;

    @Inject
    ObjectMapper json;

    @Override
    public void configure() {
        var route = from(Catalog.ENDPOINT).routeId("catalog-sink")
                .process(this::readBatch);
        if (config.catalog().sink() == HubConfig.CatalogSink.KAFKA) {
            // a list of messages goes out as one send: each record keeps its own key and topic,
            // and the exchange completes when the broker has acknowledged them all (acks=all)
            route.filter(exchange -> !exchange.getProperty(BATCH, RecordBatch.class).records().isEmpty())
                    .process(this::toKafkaRecords)
                    // a placeholder, not the value: a missing broker list is reported by HubConfigCheck
                    .to("kafka:catalog?brokers={{hub.kafka.brokers}}"
                            + "&requestRequiredAcks=all&enableIdempotence=true&maxInFlightRequest=5")
                    .end();
        } else {
            route.process(exchange -> files.write(exchange, exchange.getProperty(BATCH, RecordBatch.class)));
        }
        route.process(this::countRecords);
    }

    private void readBatch(Exchange exchange) {
        RecordBatch batch = input.read(exchange);
        if (batch.deferred()) {
            runs.runOf(exchange).ifPresent(run -> run.markReplacing(batch.table()));
        }
        exchange.setProperty(BATCH, batch);
    }

    private void toKafkaRecords(Exchange exchange) throws JsonProcessingException {
        RecordBatch batch = exchange.getProperty(BATCH, RecordBatch.class);
        String topic = config.catalog().topicPrefix() + batch.table();
        List<Message> messages = new ArrayList<>(batch.records().size());
        for (CatalogRecord record : batch.records()) {
            Message message = new DefaultMessage(exchange);
            message.setHeader(KafkaConstants.OVERRIDE_TOPIC, topic);
            message.setHeader(KafkaConstants.KEY, record.key());
            message.setBody(json.writeValueAsString(record.json()));
            messages.add(message);
        }
        exchange.getMessage().setBody(messages);
    }

    private void countRecords(Exchange exchange) {
        int written = exchange.getProperty(BATCH, RecordBatch.class).records().size();
        runs.runOf(exchange).ifPresent(run -> run.countRecords(written));
    }
}

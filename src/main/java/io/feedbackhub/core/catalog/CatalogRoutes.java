package io.feedbackhub.core.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.kafka.KafkaTransactions;
import io.feedbackhub.core.metrics.DeadLetterMetrics;
import io.feedbackhub.core.run.ConnectorRuns;

/** The catalog endpoint ({@link Catalog#ENDPOINT}), backed by files or Kafka as {@code hub.catalog.sink} says. */
@ApplicationScoped
public class CatalogRoutes extends RouteBuilder {

    static final String BATCH = "HubCatalogBatch";
    // a placeholder, not the value: a missing broker list is reported by HubConfigCheck
    private static final String KAFKA = "kafka:catalog?brokers={{hub.kafka.brokers}}"
            + "&requestRequiredAcks=all&enableIdempotence=true&maxInFlightRequest=5";

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

    @Inject
    KafkaStaging staging;

    @Inject
    RemovalGuard guard;

    @Inject
    KafkaTransactions transactions;

    @Inject
CatalogTopics topics;

    @Inject
    DeadLetterMetrics deadLetters;

    @Override
    public void configure() {
        // a failed write goes back to the caller as it is: an error handler here would mark it
        // exhausted, and then no caller's redelivery policy would ever try the write again
        var route = from(Catalog.ENDPOINT).routeId("catalog-sink").errorHandler(noErrorHandler())
                .process(this::readBatch);
        if (config.catalog().sink() == HubConfig.CatalogSink.KAFKA) {
            // what a run defers waits in a local file until the run succeeds (KafkaStaging); the rest
            // goes out as one send of a list of messages: each record keeps its own key and topic,
            // and the exchange completes when the broker has acknowledged them all (acks=all)
            // an empty replacement still goes to staging: it is the table's new, empty copy
            route.filter(exchange -> !exchange.getProperty(BATCH, RecordBatch.class).records().isEmpty()
                            || exchange.getProperty(BATCH, RecordBatch.class).replace() && deferredInRun(exchange))
                    .choice()
                        .when(this::deferredInRun).process(this::stage)
                        // in a cluster a run's records go in its connector's transaction, committed with the next bookmark
                        .when(exchange -> transactions.enabled() && runs.runOf(exchange).isPresent()).process(this::sendInTransaction)
                        .otherwise().process(this::toKafkaRecords).to(KAFKA)
                    .end()
                    .end();
            from(KafkaStaging.PUBLISH).routeId("catalog-publish")
                    .process(this::stagedToKafkaRecords)
                    .to(KAFKA);
        } else {
            route.process(exchange -> files.write(exchange, exchange.getProperty(BATCH, RecordBatch.class)));
        }
        route.process(this::countRecords);
    }

    private void readBatch(Exchange exchange) {
        RecordBatch batch = input.read(exchange);
        if (batch.deferred()) {
            runs.runOf(exchange).ifPresent(run -> {
                run.markReplacing(batch.table());
                if (batch.replace()) {
                    guard.replacing(exchange, run, batch);
                }
            });
        }
        exchange.setProperty(BATCH, batch);
    }

    private boolean deferredInRun(Exchange exchange) {
        return exchange.getProperty(BATCH, RecordBatch.class).deferred() && runs.runOf(exchange).isPresent();
    }

    private void stage(Exchange exchange) {
        staging.stage(runs.runOf(exchange).orElseThrow(), exchange.getProperty(BATCH, RecordBatch.class));
    }

    /** Staged records (key, JSON value) of one table as Kafka messages. */
    private void stagedToKafkaRecords(Exchange exchange) {
        String topic = topics.of(exchange.getMessage().getHeader(Catalog.TABLE, String.class));
        @SuppressWarnings("unchecked")
        List<Map.Entry<String, String>> records = exchange.getMessage().getBody(List.class);
        List<Message> messages = new ArrayList<>(records.size());
        for (Map.Entry<String, String> record : records) {
            Message message = new DefaultMessage(exchange);
            message.setHeader(KafkaConstants.OVERRIDE_TOPIC, topic);
            message.setHeader(KafkaConstants.KEY, record.getKey());
            message.setBody(record.getValue());
            messages.add(message);
        }
        exchange.getMessage().setBody(messages);
    }

    private void sendInTransaction(Exchange exchange) throws JsonProcessingException {
        RecordBatch batch = exchange.getProperty(BATCH, RecordBatch.class);
        String topic = topics.of(batch.table());
        String connector = runs.runOf(exchange).orElseThrow().connector();
        for (CatalogRecord record : batch.records()) {
            transactions.send(connector, topic, record.key(), json.writeValueAsString(record.json()));
        }
    }

    private void toKafkaRecords(Exchange exchange) throws JsonProcessingException {
        RecordBatch batch = exchange.getProperty(BATCH, RecordBatch.class);
        String topic = topics.of(batch.table());
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
        RecordBatch batch = exchange.getProperty(BATCH, RecordBatch.class);
        runs.runOf(exchange).ifPresent(run -> run.countRecords(batch.table(), batch.records().size()));
        deadLetters.written(batch.table(), () -> batch.records().stream().map(record -> (JsonNode) record.json()).iterator());
    }
}

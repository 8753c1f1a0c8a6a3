package io.feedbackhub.qualtrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;

/**
 * Commands on the Kafka topic {@code hub.qualtrics.commands-topic} (when set): each message is one
 * command as JSON, {@code {"id", "method", "path", "query", "body"}} with the paths of the HTTP
 * command API, carried out by the same {@code direct:qualtrics-command}. Who may write to the topic
 * is decided by the cluster's ACLs, so no bearer token is asked for. The offset is committed once
 * the command's result is in the catalog.
 */
@ApplicationScoped
public class QualtricsCommandTopicRoutes extends RouteBuilder {

    private static final String COMMIT = "qualtricsKafkaCommit";

    @Inject
    QualtricsConfig config;

    @Override
    public void configure() {
        config.commandsTopic().ifPresent(topic -> from("kafka:" + topic + "?brokers={{hub.kafka.brokers}}&groupId=" + config.commandsGroup()
                + "&autoOffsetReset=earliest&autoCommitEnable=false&allowManualCommit=true&breakOnFirstError=true&maxPollRecords=20")
                .routeId("qualtrics-command-topic").routeGroup(QualtricsApiRoutes.GROUP)
                // the command's steps drop every header; the commit handle is kept aside
                .setProperty(COMMIT, header(KafkaConstants.MANUAL_COMMIT))
                .to("bean:qualtricsCommands?method=fromTopic")
                .to("direct:qualtrics-command")
                .process(QualtricsCommandTopicRoutes::commit));
    }

    private static void commit(Exchange exchange) {
        exchange.getProperty(COMMIT, KafkaManualCommit.class).commit();
    }
}

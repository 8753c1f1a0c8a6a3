package io.feedbackhub.qualtrics;

import java.time.Duration;
import java.util.Map;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.processor.errorhandler.RedeliveryPolicy;
import org.apache.camel.quarkus.main.events.AfterConfigure;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.kafka.HubTopics;
import io.feedbackhub.core.kafka.KafkaJournal;
import io.feedbackhub.core.kafka.KafkaReaders;

/**
 * The webhook's journal: {@code direct:qualtrics-journal} keeps a completed response's event (the
 * webhook's MSG) durably before the 200, and the journal reader hands each to
 * {@code direct:qualtrics-responses}, which fetches it into the catalog.
 * <ul>
 * <li>A single hub: one file per ResponseID under {@code ${hub.data-dir}/journal/qualtrics}
 * (written aside, forced, renamed); Camel's file consumer is the queue, and a file moves to
 * {@code done/} once its response is in the catalog. After a failure it stays, and the polls
 * after are skipped for a while (25 x 200 ms).</li>
 * <li>A cluster: the topic {@code <hub.catalog.topic-prefix>qualtrics-webhook-journal}, key =
 * ResponseID, a {@link KafkaJournal} read by the consumer group
 * {@code <hub.cluster.name>.qualtrics-webhook-journal}, so any member takes the webhook and any
 * member fetches; an event's offset is committed once its response (or dead letter) is in the
 * catalog, and one that fails is read again after the same pause as the file's.</li>
 * </ul>
 */
@ApplicationScoped
public class QualtricsJournalRoutes extends RouteBuilder {

    static final String WRITE = "direct:qualtrics-journal";
    static final String FETCH = "direct:qualtrics-responses";
    static final String JOURNAL = "qualtrics-webhook-journal";
    private static final long PAUSE_MS = 25 * 200;

    @Inject
    HubConfig hub;

    @Inject
    QualtricsConfig config;

    @Inject
    CamelContext camel;

    @Override
    public void configure() {
        if (hub.cluster().enabled()) {
            from(WRITE).routeId("qualtrics-journal").routeGroup(QualtricsApiRoutes.GROUP)
                    .setHeader(KafkaConstants.KEY, header(QualtricsWebhook.RESPONSE_ID))
                    .to(KafkaJournal.writer(topic(hub)));
            KafkaJournal.read(this, KafkaJournal.reader(topic(hub), group(hub), maxPollInterval(), hub), "qualtrics-journal-read",
                    QualtricsApiRoutes.GROUP, pause(), FETCH);
        } else {
            String directory = "file:{{hub.data-dir}}/journal/qualtrics";
            // two deliveries of one response at once write the same file
            from(WRITE).routeId("qualtrics-journal").routeGroup(QualtricsApiRoutes.GROUP)
                    .to(directory + "?fileName=${header." + QualtricsWebhook.RESPONSE_ID + "}.json&tempPrefix=.inflight-&forceWrites=true")
                    .to("bean:qualtricsWebhook?method=journaled");
            from(directory + "?include=.*\\.json&delay=200&move=done&backoffErrorThreshold=1&backoffMultiplier=25")
                    .routeId("qualtrics-journal-read").routeGroup(QualtricsApiRoutes.GROUP)
                    .to(FETCH);
        }
    }

    /** In a cluster, with the connector on: the journal topic, before the routes start. */
    void createTopic(@Observes @Priority(Interceptor.Priority.APPLICATION + 900) AfterConfigure configured) {
        if (hub.cluster().enabled() && config.enabled()) {
            HubTopics.create(KafkaReaders.properties(camel, hub.kafka().brokers().orElseThrow()), topic(hub),
                    config.webhook().journalPartitions(), hub.kafka().replicationFactor(), Map.of());
        }
    }

    static String topic(HubConfig hub) {
        return hub.catalog().topicPrefix() + JOURNAL;
    }

    static String group(HubConfig hub) {
        return hub.cluster().name() + "." + JOURNAL;
    }

    /**
     * A fetch waits out a response's 202 or 404 for up to hub.qualtrics.response-wait, and its
     * retries (each up to hub.qualtrics.request-timeout) come on top: ten minutes more than that wait.
     */
    private Duration maxPollInterval() {
        return config.responseWait().plus(Duration.ofMinutes(10));
    }

    private static RedeliveryPolicy pause() {
        RedeliveryPolicy pause = new RedeliveryPolicy();
        pause.setRedeliveryDelay(PAUSE_MS);
        return pause;
    }
}

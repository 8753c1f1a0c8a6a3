package io.feedbackhub.qualtrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.IdempotentRepository;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.kafka.SharedIds;
import io.feedbackhub.core.state.RecentIds;

/**
 * The ResponseIDs the webhook has taken, so a delivery Qualtrics repeats is stored once, across
 * restarts too: the last 100,000 (Qualtrics repeats a delivery within minutes). In a cluster they
 * are shared ({@link SharedIds} on {@code <hub.catalog.topic-prefix>qualtrics-response-ids}), so a
 * repeat that reaches another member is known there too.
 */
@ApplicationScoped
public class QualtricsResponsesSeen {

    static final String RESPONSE_IDS = "qualtrics-response-ids";
    private static final int REMEMBERED = 100_000;

    @Inject
    HubConfig hub;

    @Inject
    CamelContext camel;

    @Produces
    @Named("qualtricsResponsesSeen")
    @ApplicationScoped
    IdempotentRepository seen() {
        if (hub.cluster().enabled()) {
            return SharedIds.create(camel, hub, RESPONSE_IDS, REMEMBERED);
        }
        return new RecentIds(hub.dataDir().resolve("state").resolve("qualtrics-response-ids.txt").toFile(), REMEMBERED);
    }
}

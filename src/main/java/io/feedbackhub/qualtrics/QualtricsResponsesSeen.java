package io.feedbackhub.qualtrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.spi.IdempotentRepository;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.state.RecentIds;

/**
 * The ResponseIDs the webhook has taken, so a delivery Qualtrics repeats is stored once, across
 * restarts too: the last 100,000 (Qualtrics repeats a delivery within minutes).
 */
@ApplicationScoped
public class QualtricsResponsesSeen {

    @Inject
    HubConfig hub;

    @Produces
    @Named("qualtricsResponsesSeen")
    @ApplicationScoped
    IdempotentRepository seen() {
        return new RecentIds(hub.dataDir().resolve("state").resolve("qualtrics-response-ids.txt").toFile(), 100_000);
    }
}

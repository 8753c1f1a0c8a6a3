package io.feedbackhub.segment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.spi.IdempotentRepository;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.state.RecentIds;

/**
 * The memory of delivered message ids, so a message a client sends twice (it retried after a
 * timeout) is delivered once, across restarts too: the last {@code hub.segment.dedupe-window} ids.
 */
@ApplicationScoped
public class SegmentSeen {

    @Inject
    HubConfig hub;

    @Inject
    SegmentConfig config;

    @Produces
    @Named("segmentSeen")
    @ApplicationScoped
    IdempotentRepository seen() {
        return new RecentIds(hub.dataDir().resolve("state").resolve("segment-message-ids.txt").toFile(), config.dedupeWindow());
    }
}

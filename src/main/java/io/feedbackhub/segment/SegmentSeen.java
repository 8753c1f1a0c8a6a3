package io.feedbackhub.segment;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.MemoryIdempotentRepository;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.kafka.SharedIds;
import io.feedbackhub.core.state.RecentIds;

/**
 * The memory of delivered message ids, so a message a client sends twice (it retried after a
 * timeout) is delivered once, across restarts too: the last {@code hub.segment.dedupe-window} ids.
 * In a cluster they are shared ({@link SharedIds} on {@code <hub.catalog.topic-prefix>segment-message-ids}).
 */
@ApplicationScoped
public class SegmentSeen {

    static final int SENT_TO_WOOTRIC = 1_000;
    private static final String MESSAGE_IDS = "segment-message-ids";

    @Inject
    HubConfig hub;

    @Inject
    SegmentConfig config;

    @Inject
    CamelContext camel;

    @Produces
    @Named("segmentSeen")
    @ApplicationScoped
    IdempotentRepository seen() {
        if (hub.cluster().enabled()) {
            // the member that takes a journal partition over after another died knows what that one delivered
            return SharedIds.create(camel, hub, MESSAGE_IDS, config.dedupeWindow());
        }
        return new RecentIds(hub.dataDir().resolve("state").resolve("segment-message-ids.txt").toFile(), config.dedupeWindow());
    }

    static String messageIdsTopic(HubConfig hub) {
        return SharedIds.topic(hub, MESSAGE_IDS);
    }

    /**
     * The messages Wootric took whose catalog records may not be written yet: an entry tried again
     * (a catalog outage) does not write them to Wootric again. Only the entry being delivered needs
     * it, so it is small and in memory (after a restart such a message is written to Wootric again).
     */
    @Produces
    @Named("segmentSentToWootric")
    @ApplicationScoped
    IdempotentRepository sentToWootric() {
        return MemoryIdempotentRepository.memoryIdempotentRepository(SENT_TO_WOOTRIC);
    }
}

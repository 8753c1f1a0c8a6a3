package io.feedbackhub.segment;

import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;

import io.feedbackhub.core.config.HubConfig;

/**
 * The memory of delivered message ids: Camel's file idempotent repository, so a message a client
 * sends twice (it retried after a timeout) is delivered once, across restarts too.
 */
@ApplicationScoped
public class SegmentSeen {


    @Inject
    HubConfig hub;

    @Produces
    @Named("segmentSeen")
    @ApplicationScoped
    IdempotentRepository seen() {
        Path file = hub.dataDir().resolve("state").resolve("segment-message-ids.txt");
        file.getParent().toFile().mkdirs();
        return FileIdempotentRepository.fileIdempotentRepository(file.toFile(), 100_000, 64 * 1024 * 1024);
    }
}

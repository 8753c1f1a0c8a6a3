package io.feedbackhub.qualtrics;

import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;

import io.feedbackhub.core.config.HubConfig;

/**
 * The ResponseIDs the webhook has taken: Camel's file idempotent repository, so a delivery Qualtrics
 * repeats is stored once, across restarts too.
 */
@ApplicationScoped
public class QualtricsResponsesSeen {

    @Inject
    HubConfig hub;

    @Produces
    @Named("qualtricsResponsesSeen")
    @ApplicationScoped
    IdempotentRepository seen() {
        Path file = hub.dataDir().resolve("state").resolve("qualtrics-response-ids.txt");
        file.getParent().toFile().mkdirs();
        return FileIdempotentRepository.fileIdempotentRepository(file.toFile(), 100_000, 64 * 1024 * 1024);
    }
}

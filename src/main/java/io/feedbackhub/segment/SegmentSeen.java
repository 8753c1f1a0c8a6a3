package io.feedbackhub.segment;

import java.io.File;
import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.LRUCacheFactory;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;

import io.feedbackhub.core.config.HubConfig;

/**
 * The memory of delivered message ids: Camel's file idempotent repository, so a message a client
 * sends twice (it retried after a timeout) is delivered once, across restarts too. It remembers
 * the last {@code hub.segment.dedupe-window} ids, loaded from its file at start.
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
        Path file = hub.dataDir().resolve("state").resolve("segment-message-ids.txt");
        file.getParent().toFile().mkdirs();
        RecentIds repository = new RecentIds(file.toFile(), config.dedupeWindow());
        // about 40 bytes an id: the file keeps a few windows' worth before Camel drops its oldest lines
        repository.setMaxFileStoreSize(Math.max(1L << 20, 160L * config.dedupeWindow()));
        return repository;
    }

    /**
     * Camel's file repository answers a cache miss by reading its whole file, under its one lock,
     * so every new message id (nearly every message) cost a scan of a file that only grows: at
     * relay rates that was most of the hub's CPU. Here the in-memory window is the memory; an id
     * older than the window counts as new.
     */
    static final class RecentIds extends FileIdempotentRepository {

        RecentIds(File file, int window) {
            super(file, LRUCacheFactory.newLRUCache(window));
            setCacheSize(window);
        }

        @Override
        protected boolean containsStore(String key) {
            return false;
        }
    }
}

package io.feedbackhub.core.state;

import java.io.File;

import org.apache.camel.support.LRUCacheFactory;
import org.apache.camel.support.processor.idempotent.FileIdempotentRepository;

/**
 * Camel's file idempotent repository remembering the last {@code window} ids: kept in memory,
 * appended to a file, and loaded from it at start, so a duplicate is recognised across restarts.
 *
 * <p>Camel's own class answers a miss in its memory by reading its whole file, under its one lock,
 * so every new id (nearly every message) costs a scan of a file that only grows: at the relay's
 * rates that was most of the hub's CPU. Here the window in memory is the memory; an id older than
 * the window counts as new.
 */
public class RecentIds extends FileIdempotentRepository {

    public RecentIds(File file, int window) {
        super(file, LRUCacheFactory.newLRUCache(window));
        setCacheSize(window);
        // about 40 bytes an id: the file keeps a few windows' worth before Camel drops its oldest lines
        setMaxFileStoreSize(Math.max(1L << 20, 160L * window));
        // Camel rewrites the file in place when it is full: drop three windows at once, so that is rare
        setDropOldestFileStore(3L * window);
        file.getParentFile().mkdirs();
    }

    @Override
    protected boolean containsStore(String key) {
        return false;
    }
}

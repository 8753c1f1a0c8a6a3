package io.feedbackhub.core.files;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Group commit of a directory's fsync: many threads that each renamed a file into one directory
 * share fsyncs instead of running one each. {@link #await} returns once an fsync that began after the
 * caller's rename has finished, so every rename made before the call is on disk.
 */
public final class DirectorySync {

    /** The fsync itself; a parameter so a test can count and slow it. */
    interface Force {
        void run() throws IOException;
    }

    private final Path dir;
    private final Force force;
    private long requested;
    private long synced;
    private boolean syncing;

    public DirectorySync(Path dir) {
        this(dir, () -> DurableFiles.forceDirectory(dir));
    }

    DirectorySync(Path dir, Force force) {
        this.dir = dir;
        this.force = force;
    }

    public void await() throws IOException {
        long ticket;
        synchronized (this) {
            ticket = ++requested;
        }
        while (true) {
            long target;
            synchronized (this) {
                while (syncing && synced < ticket) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IOException("interrupted while waiting for " + dir + " to be forced to disk", e);
                    }
                }
                if (synced >= ticket) {
                    return;
                }
                // this thread leads the next fsync; it covers every rename whose ticket was taken before now
                syncing = true;
                target = requested;
            }
            boolean done = false;
            try {
                force.run();
                done = true;
            } finally {
                synchronized (this) {
                    syncing = false;
                    if (done) {
                        synced = Math.max(synced, target);
                    }
                    notifyAll();
                }
            }
        }
    }
}

package io.feedbackhub.segment;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.files.DurableFiles;

/**
 * Writes the embedded journal under {@code ${hub.data-dir}/journal/segment}: files of JSON lines,
 * one line per accepted request, each file written aside under a hidden name, forced, renamed, and
 * the rename forced by an fsync of the directory, all before the requests are answered.
 *
 * <p>Why not Camel's file producer: it forces the file but not the directory after its rename, so a
 * crash just after the 200 could leave the entry under its hidden name, which the journal reader
 * (Camel's file consumer) skips, losing an accepted event. And it writes a file per request: here
 * requests that arrive while a file is being written share the next one (group commit), which
 * saves most of the file creations, fsyncs and renames under load.
 *
 * <p>It also knows about how many undelivered bytes the journal holds, for
 * {@code hub.segment.journal-max-bytes}: every write adds to the figure at once, and a count of the
 * directory (which delivery empties by moving files to {@code done/}) sets it right again, so it
 * may overstate but never understates.
 */
@ApplicationScoped
@Named("segmentFileJournal")
public class SegmentFileJournal {

    static final String HIDDEN_PREFIX = ".inflight-";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS");
    private static final int MAX_GROUP_BYTES = 8 << 20;

    private final Path dir;
    // names sort in arrival order, and never clash with an earlier run's names
    private final String boot = UUID.randomUUID().toString().substring(0, 8);
    private long files;

    private final Object lock = new Object();
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private boolean writing;

    /** Bytes written since start; the journal holds at most {@code counted + appended - appendedAtCount}. */
    private final AtomicLong appended = new AtomicLong();
    private volatile long countedBase;
    private volatile long countedAt = System.nanoTime();
    private volatile long countTook;
    private final AtomicBoolean counting = new AtomicBoolean();

    private static final class Pending {
        final byte[] entry;
        boolean done;
        IOException failure;

        Pending(byte[] entry) {
            this.entry = entry;
        }
    }

    @Inject
    public SegmentFileJournal(HubConfig hub) {
        this(directory(hub));
    }

    SegmentFileJournal(Path dir) {
        this.dir = dir;
    }

    static Path directory(HubConfig hub) {
        return hub.dataDir().resolve("journal").resolve("segment");
    }

    /** A hidden file left by a crash was never answered 200, so it holds no accepted event: it goes. */
    @PostConstruct
    void dropUnfinished() throws IOException {
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> unfinished = Files.newDirectoryStream(dir, HIDDEN_PREFIX + "*")) {
                for (Path file : unfinished) {
                    Files.deleteIfExists(file);
                }
            }
        }
        countedBase = count();
    }

    /** About how many undelivered bytes the journal holds: never fewer than it does. */
    long undeliveredBytes() {
        return countedBase + appended.get();
    }

    /**
     * Whether the journal holds more than {@code max} undelivered bytes. Cheap enough for every
     * request: past half of {@code max} it has the directory counted again on {@code executor} (at
     * most once a second, and for at most a tenth of the time), so delivered files stop counting.
     */
    public boolean over(long max, Executor executor) {
        long bytes = undeliveredBytes();
        if (bytes > max / 2 && System.nanoTime() - countedAt > Math.max(TimeUnit.SECONDS.toNanos(1), 10 * countTook)
                && counting.compareAndSet(false, true)) {
            try {
                executor.execute(this::recount);
            } catch (RuntimeException e) {
                counting.set(false);
                throw e;
            }
        }
        return bytes > max;
    }

    private void recount() {
        long start = System.nanoTime();
        try {
            long before = appended.get();
            // written during the count: maybe counted twice, never missed
            countedBase = count() - before;
        } catch (IOException | java.io.UncheckedIOException e) {
            // the figure stays as it was (an overstatement): refusing too long beats overfilling the disk
        } finally {
            countTook = System.nanoTime() - start;
            countedAt = System.nanoTime();
            counting.set(false);
        }
    }

    /** Bytes in the journal files not yet delivered (delivered ones are in done/), unfinished ones included. */
    private long count() throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".jsonl")).mapToLong(file -> {
                try {
                    return Files.size(file);
                } catch (IOException gone) {
                    return 0; // delivered and moved while counting
                }
            }).sum();
        }
    }

    /** Returns once the entry is on disk: written by this thread, or by another in the same file. */
    public void append(byte[] entry) throws IOException {
        Pending mine = new Pending(entry);
        synchronized (lock) {
            queue.add(mine);
        }
        while (true) {
            List<Pending> group;
            synchronized (lock) {
                while (writing && !mine.done) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while the journal was being written");
                    }
                }
                if (mine.done) {
                    if (mine.failure != null) {
                        throw new IOException(mine.failure.getMessage(), mine.failure);
                    }
                    return;
                }
                // this thread writes the next file, for every request waiting so far
                writing = true;
                group = take();
            }
            IOException failure = null;
            try {
                write(group);
            } catch (IOException e) {
                failure = e;
            } catch (RuntimeException | Error e) {
                // whatever it was, the waiting requests must hear of it, and the next writer must not wait for ever
                failure = new IOException("the journal write failed: " + e, e);
            }
            synchronized (lock) {
                for (Pending pending : group) {
                    pending.done = true;
                    pending.failure = failure;
                }
                writing = false;
                lock.notifyAll();
            }
        }
    }

    private List<Pending> take() {
        List<Pending> group = new ArrayList<>();
        long bytes = 0;
        while (!queue.isEmpty() && (group.isEmpty() || bytes + queue.peek().entry.length <= MAX_GROUP_BYTES)) {
            Pending next = queue.poll();
            bytes += next.entry.length;
            group.add(next);
        }
        return group;
    }

    private void write(List<Pending> group) throws IOException {
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        for (Pending pending : group) {
            lines.write(pending.entry);
            lines.write('\n');
        }
        String count = Long.toString(++files);
        String name = STAMP.format(LocalDateTime.now(ZoneOffset.UTC)) + "-" + boot + "-" + "0".repeat(Math.max(0, 12 - count.length()))
                + count + ".jsonl";
        Files.createDirectories(dir);
        appended.addAndGet(lines.size());
        DurableFiles.writeAside(dir.resolve(HIDDEN_PREFIX + name), dir.resolve(name), lines.toByteArray());
        DurableFiles.forceDirectory(dir);
    }
}

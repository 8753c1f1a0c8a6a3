package io.feedbackhub.segment;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import org.jboss.logging.Logger;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.files.DurableFiles;
import io.feedbackhub.core.metrics.JournalBacklog;
import io.quarkus.runtime.StartupEvent;

/**
 * Writes the embedded journal under {@code ${hub.data-dir}/journal/segment}: files of JSON lines,
 * one line per accepted request. One writer thread appends to a hidden file ({@code .inflight-*},
 * which the journal reader skips): everything that queued up while it wrote and forced the last
 * group goes in with one write and one fsync (a group commit), and only then are those requests
 * answered. The file is closed and renamed to its visible name, the rename forced by an fsync of the
 * directory, once it holds {@link #MAX_FILE_BYTES} or is {@code maxAge} old; from then on delivery
 * reads it.
 *
 * <p>An entry acknowledged from a hidden file is on disk, so a hidden file left by a crash holds
 * accepted events: at start its complete lines are made visible and a cut-off last line (a write
 * the crash interrupted, never answered 200) is dropped.
 *
 * <p>Why not Camel's file producer: it writes a file per request, and it forces the file but not
 * the directory after its rename, so a crash just after the 200 could leave the entry under its
 * hidden name. And why not a file per group: creating, renaming and forcing a file and its
 * directory for each group cost the relay more CPU and disk time than the write itself.

 * <p>It also knows about how many undelivered bytes the journal holds, for
 * {@code hub.segment.journal-max-bytes}: every write adds to the figure at once, and a count of the
 * directory (which delivery empties by moving files to {@code done/}) sets it right again, so it
 * may overstate but never understates.
 */
@ApplicationScoped
@Named("segmentFileJournal")
public class SegmentFileJournal {

    private static final Logger LOG = Logger.getLogger(SegmentFileJournal.class);

    static final String HIDDEN_PREFIX = ".inflight-";
    /** A file is handed to delivery once it holds this much; a group is at most as large again. */
    static final long MAX_FILE_BYTES = 4 << 20;
    /** How long accepted events may wait in the file being written before delivery can read them. */
    static final Duration MAX_AGE = Duration.ofSeconds(1);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS");
    private static final ByteBuffer NEWLINE = ByteBuffer.wrap(new byte[] {'\n'});

    private final Path dir;
    private final long maxAgeNanos;
    // names sort in arrival order, and never clash with an earlier run's names
    private final String boot = UUID.randomUUID().toString().substring(0, 8);
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private Thread writer;
    private boolean stopped;

    // the writer thread's own
    private long files;
    private FileChannel current;
    private Path currentHidden;
    private long currentBytes;
    private long currentOpenedAt;
    /** Closed files whose rename failed (the directory was unusable): retried until it works. */
    private final List<Path> unfinished = new ArrayList<>();
    private long lastFinish;

    /** Bytes written since start; the journal holds at most {@code countedBase + appended}. */
    private final AtomicLong appended = new AtomicLong();
    private volatile long countedBase;
    private volatile long countedAt = System.nanoTime();
    private volatile long countTook;
    private final AtomicBoolean counting = new AtomicBoolean();
    /** The entries of each visible journal file, counted once (for {@link #backlog}). */
    private final java.util.Map<Path, Long> linesOf = new java.util.concurrent.ConcurrentHashMap<>();

    private record Pending(byte[] entry, CompletableFuture<Void> written) {
    }

    /** Queued by {@link #stop()}: the writer ends once it got there. */
    private static final Pending STOP = new Pending(new byte[0], null);

    @Inject
    public SegmentFileJournal(HubConfig hub) {
        this(directory(hub), MAX_AGE);
    }

    SegmentFileJournal(Path dir, Duration maxAge) {
        this.dir = dir;
        this.maxAgeNanos = maxAge.toNanos();
    }

    static Path directory(HubConfig hub) {
        return hub.dataDir().resolve("journal").resolve("segment");
    }

    /** At start, not at the first request: what a crash left hidden must reach delivery without waiting for new traffic. */
    void start(@Observes StartupEvent event, HubConfig hub, SegmentConfig segment) throws IOException {
        // hidden files count too, so this holds before and after the writer recovers them
        countedBase = count();
        if (segment.enabled() && hub.catalog().sink() == HubConfig.CatalogSink.FILE) {
            synchronized (this) {
                startWriter();
            }
        }
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

    /**
     * The entries not yet delivered (in the files delivery has not moved to {@code done/}, the one
     * being written included) and when the oldest arrived: a file's name starts with the time it
     * was opened, for its first entry. A visible file never changes, so its lines are counted once.
     */
    JournalBacklog backlog() {
        if (!Files.isDirectory(dir)) {
            return JournalBacklog.EMPTY;
        }
        long entries = 0;
        java.time.Instant oldest = null;
        java.util.Set<Path> listed = new java.util.HashSet<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (!name.endsWith(".jsonl")) {
                    continue;
                }
                long lines;
                try {
                    boolean hidden = name.startsWith(HIDDEN_PREFIX);
                    lines = hidden ? lines(file) : linesOf.computeIfAbsent(file, SegmentFileJournal::linesUnchecked);
                    listed.add(file);
                    if (lines > 0) {
                        java.time.Instant opened = LocalDateTime.parse(name.substring(hidden ? HIDDEN_PREFIX.length() : 0)
                                .substring(0, 18), STAMP).toInstant(ZoneOffset.UTC);
                        oldest = oldest == null || opened.isBefore(oldest) ? opened : oldest;
                    }
                } catch (java.io.UncheckedIOException | IOException gone) {
                    continue; // delivered and moved while counting
                }
                entries += lines;
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        linesOf.keySet().retainAll(listed);
        return new JournalBacklog(entries, oldest);
    }

    private static long linesUnchecked(Path file) {
        try {
            return lines(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long lines(Path file) throws IOException {
        long lines = 0;
        try (var in = Files.newInputStream(file)) {
            byte[] block = new byte[65536];
            for (int n; (n = in.read(block)) > 0;) {
                for (int i = 0; i < n; i++) {
                    lines += block[i] == '\n' ? 1 : 0;
                }
            }
        }
        return lines;
    }

    /**
     * Completes once the entry is on disk, in the same write and fsync as every entry that queued
     * with it; the caller's thread never waits, so intake can run on the event loop.
     */
    public CompletableFuture<Void> append(byte[] entry) {
        Pending mine = new Pending(entry, new CompletableFuture<>());
        synchronized (this) {
            if (stopped) {
                return CompletableFuture.failedFuture(new IOException("the journal is stopped"));
            }
            startWriter();
            queue.add(mine);
        }
        return mine.written();
    }

    private void startWriter() {
        if (writer == null && !stopped) {
            writer = new Thread(this::run, "segment-journal-writer");
            writer.setDaemon(true);
            writer.start();
        }
    }

    /** Writes what is queued, hands the file being written to delivery, and stops the writer. */
    @PreDestroy
    void stop() throws InterruptedException {
        Thread running;
        synchronized (this) {
            stopped = true;
            running = writer;
            if (running != null) {
                // after everything queued so far; no interrupt, which would close the file channel mid-write
                queue.add(STOP);
            }
        }
        if (running != null) {
            running.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    private void run() {
        recover();
        List<Pending> group = new ArrayList<>();
        boolean stopping = false;
        while (!stopping) {
            Pending first = null;
            try {
                first = queue.poll(current == null ? maxAgeNanos : Math.max(0, currentOpenedAt + maxAgeNanos - System.nanoTime()),
                        TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                // nothing interrupts this thread; stop() queues STOP instead
            }
            stopping = first == STOP;
            if (first != null && !stopping) {
                group.add(first);
                long bytes = first.entry().length;
                // only this thread takes from the queue: what it peeks is what it polls
                for (Pending next = queue.peek(); next != null && next != STOP && bytes + next.entry().length <= MAX_FILE_BYTES;
                        next = queue.peek()) {
                    group.add(queue.poll());
                    bytes += next.entry().length;
                }
                write(group);
                group.clear();
            }
            if (current != null && (currentBytes >= MAX_FILE_BYTES || System.nanoTime() - currentOpenedAt >= maxAgeNanos)) {
                finishCurrent();
            }
            // a directory that took no rename is tried again once in a while, not after every group
            if (!unfinished.isEmpty() && System.nanoTime() - lastFinish >= maxAgeNanos) {
                finishUnfinished();
            }
        }
        finishCurrent();
    }

    /** One write and one fsync for the whole group; every request in it hears the outcome. */
    private void write(List<Pending> group) {
        IOException failure = null;
        try {
            if (current == null) {
                open();
            }
            ByteBuffer[] lines = new ByteBuffer[2 * group.size()];
            long size = 0;
            for (int i = 0; i < group.size(); i++) {
                lines[2 * i] = ByteBuffer.wrap(group.get(i).entry());
                lines[2 * i + 1] = NEWLINE.duplicate();
                size += group.get(i).entry().length + 1L;
            }
            try {
                for (long written = 0; written < size;) {
                    written += current.write(lines);
                }
                current.force(true);
                currentBytes += size;
                appended.addAndGet(size);
            } catch (IOException e) {
                // a write that failed part-way (a full disk) is cut back, and the file is done with:
                // nothing is ever appended after a line that might be cut off
                try {
                    current.truncate(currentBytes);
                } catch (IOException cut) {
                    e.addSuppressed(cut);
                }
                finishCurrent();
                throw e;
            }
        } catch (IOException e) {
            failure = e;
        } catch (RuntimeException | Error e) {
            // whatever it was, the waiting requests must hear of it
            failure = new IOException("the journal write failed: " + e, e);
        }
        for (Pending pending : group) {
            if (failure == null) {
                pending.written().complete(null);
            } else {
                pending.written().completeExceptionally(failure);
            }
        }
    }

    private void open() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        String count = Long.toString(++files);
        String name = STAMP.format(LocalDateTime.now(ZoneOffset.UTC)) + "-" + boot + "-" + "0".repeat(Math.max(0, 12 - count.length()))
                + count + ".jsonl";
        Path hidden = dir.resolve(HIDDEN_PREFIX + name);
        FileChannel channel = FileChannel.open(hidden, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            // the new file's name must survive a crash before any entry in it is answered 200
            DurableFiles.forceDirectory(dir);
        } catch (IOException e) {
            channel.close();
            Files.deleteIfExists(hidden);
            throw e;
        }
        current = channel;
        currentHidden = hidden;
        currentBytes = 0;
        currentOpenedAt = System.nanoTime();
    }

    /** Closes the file being written and renames it to its visible name, for delivery; an empty one goes. */
    private void finishCurrent() {
        if (current == null) {
            return;
        }
        try {
            current.close();
        } catch (IOException e) {
            LOG.warnf("segment: could not close the journal file %s: %s", currentHidden.getFileName(), e.getMessage());
        }
        current = null;
        unfinished.add(currentHidden);
        finishUnfinished();
    }

    /**
     * Renames closed hidden files to their visible names, each cut back to its last complete line
     * first (a write that failed part-way and could not be cut back, or one a crash interrupted, was
     * never answered 200); an empty one goes.
     */
    private void finishUnfinished() {
        lastFinish = System.nanoTime();
        try {
            for (var files = unfinished.iterator(); files.hasNext();) {
                Path hidden = files.next();
                long complete;
                try (FileChannel channel = FileChannel.open(hidden, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                    complete = completeLines(channel);
                    if (complete < channel.size()) {
                        channel.truncate(complete);
                        channel.force(true);
                    }
                }
                if (complete == 0) {
                    Files.delete(hidden);
                } else {
                    Files.move(hidden, visible(hidden), StandardCopyOption.ATOMIC_MOVE);
                }
                files.remove();
            }
            DurableFiles.forceDirectory(dir);
        } catch (IOException e) {
            // its entries are on disk under the hidden name; the next try, or the next start, makes them visible
            LOG.warnf("segment: could not hand a journal file to delivery yet: %s", e.toString());
        }
    }

    /** What a crash left hidden: its complete lines were answered 200 and go to delivery. */
    private void recover() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> hidden = Files.newDirectoryStream(dir, HIDDEN_PREFIX + "*")) {
            hidden.forEach(unfinished::add);
        } catch (IOException e) {
            LOG.warnf("segment: could not list the journal files a crash left hidden: %s", e.toString());
        }
        if (!unfinished.isEmpty()) {
            finishUnfinished();
        }
    }

    /** The length of the file up to and with its last line break. */
    private static long completeLines(FileChannel channel) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(8192);
        for (long end = channel.size(); end > 0;) {
            long from = Math.max(0, end - block.capacity());
            block.clear().limit((int) (end - from));
            while (block.hasRemaining() && channel.read(block, from + block.position()) >= 0) {
                // reads the whole block
            }
            for (int i = block.position() - 1; i >= 0; i--) {
                if (block.get(i) == '\n') {
                    return from + i + 1;
                }
            }
            end = from;
        }
        return 0;
    }

    private static Path visible(Path hidden) {
        return hidden.resolveSibling(hidden.getFileName().toString().substring(HIDDEN_PREFIX.length()));
    }
}

package io.feedbackhub.segment;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.core.files.DirectorySync;
import io.feedbackhub.core.files.DurableFiles;

/**
 * Writes the embedded journal: one file per accepted request in {@code ${hub.data-dir}/journal/segment},
 * written aside under a hidden name, forced, renamed, and the rename forced by an fsync of the
 * directory before the request is answered. Camel's file producer would do all but the last step,
 * and without it a crash just after the 200 can leave the entry under its hidden name, which the
 * journal reader (Camel's file consumer) skips: an accepted event lost. Concurrent requests share
 * the directory fsyncs.
 */
@ApplicationScoped
@Named("segmentFileJournal")
public class SegmentFileJournal {

    static final String HIDDEN_PREFIX = ".inflight-";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS");

    private final Path dir;
    private final DirectorySync sync;
    // names sort in arrival order, and never clash with an earlier run's names
    private final String boot = UUID.randomUUID().toString().substring(0, 8);
    private final AtomicLong sequence = new AtomicLong();

    @Inject
    public SegmentFileJournal(HubConfig hub) {
        this.dir = directory(hub);
        this.sync = new DirectorySync(dir);
    }

    static Path directory(HubConfig hub) {
        return hub.dataDir().resolve("journal").resolve("segment");
    }

    /** A hidden file left by a crash was never answered 200, so it is no accepted event: it goes. */
    @PostConstruct
    void dropUnfinished() throws IOException {
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> unfinished = Files.newDirectoryStream(dir, HIDDEN_PREFIX + "*")) {
                for (Path file : unfinished) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    public void append(byte[] entry) throws IOException {
        String count = Long.toString(sequence.incrementAndGet());
        String name = STAMP.format(LocalDateTime.now(ZoneOffset.UTC)) + "-" + boot + "-" + "0".repeat(Math.max(0, 12 - count.length()))
                + count + ".json";
        Files.createDirectories(dir);
        DurableFiles.writeAside(dir.resolve(HIDDEN_PREFIX + name), dir.resolve(name), entry);
        sync.await();
    }
}

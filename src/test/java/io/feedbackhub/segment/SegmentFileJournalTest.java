package io.feedbackhub.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentFileJournalTest {

    @Test
    void concurrentRequestsShareWritesAndEveryEntryIsALineOnDiskWhenAppendCompletes(@TempDir Path dir) throws Exception {
        SegmentFileJournal journal = new SegmentFileJournal(dir, Duration.ofMillis(50));
        int requests = 400;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            String entry = "{\"id\":\"" + i + "\"}";
            done.add(pool.submit(() -> {
                go.await();
                journal.append(entry.getBytes(StandardCharsets.UTF_8)).get();
                // once append completes, the entry is in a journal file: the one being written, or one handed to delivery
                assertThat(lines(dir, true)).contains(entry);
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        journal.stop();

        List<String> lines = lines(dir, false);
        assertThat(lines).hasSize(requests).doesNotHaveDuplicates();
        assertThat(files(dir)).hasSizeLessThan(requests)
                .allSatisfy(f -> assertThat(f.getFileName().toString()).doesNotStartWith("."));
        // names sort in the order the files were written
        List<String> names = files(dir).stream().map(f -> f.getFileName().toString()).toList();
        assertThat(names).isSorted();
    }

    @Test
    void theFileBeingWrittenGoesToDeliveryOnceItIsOldEnoughWithNoFurtherRequest(@TempDir Path dir) throws Exception {
        SegmentFileJournal journal = new SegmentFileJournal(dir, Duration.ofMillis(200));
        try {
            journal.append("{\"first\":1}".getBytes(StandardCharsets.UTF_8)).get();
            journal.append("{\"second\":2}".getBytes(StandardCharsets.UTF_8)).get();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(lines(dir, false)).containsExactly("{\"first\":1}", "{\"second\":2}");
                assertThat(files(dir)).allSatisfy(f -> assertThat(f.getFileName().toString()).doesNotStartWith("."));
            });
        } finally {
            journal.stop();
        }
    }

    @Test
    void aFailedWriteFailsEveryRequestInItAndTheNextOneWorks(@TempDir Path dir) throws Exception {
        Path blocked = dir.resolve("journal");
        Files.writeString(blocked, "a file where the directory should be");
        SegmentFileJournal journal = new SegmentFileJournal(blocked, Duration.ofMillis(50));
        try {
            assertThat(journal.append("{}".getBytes(StandardCharsets.UTF_8))).failsWithin(Duration.ofSeconds(10))
                    .withThrowableOfType(java.util.concurrent.ExecutionException.class).havingCause().isInstanceOf(java.io.IOException.class);
            Files.delete(blocked);
            journal.append("{\"after\":1}".getBytes(StandardCharsets.UTF_8)).get();
        } finally {
            journal.stop();
        }
        assertThat(lines(blocked, true)).containsExactly("{\"after\":1}");
        assertThat(files(blocked)).allSatisfy(f -> assertThat(f.getFileName().toString()).doesNotStartWith("."));
    }

    @Test
    void whatACrashLeftHiddenGoesToDeliveryAtStartWithoutALineTheCrashCutOff(@TempDir Path dir) throws Exception {
        // answered 200 line by line while the file was written; the crash cut the last write short
        Files.writeString(dir.resolve(SegmentFileJournal.HIDDEN_PREFIX + "20260101T000000000-a-000000000002.jsonl"),
                "{\"answered\":1}\n{\"answered\":2}\n{\"never\":\"ans");
        Files.writeString(dir.resolve(SegmentFileJournal.HIDDEN_PREFIX + "20260101T000000000-a-000000000003.jsonl"), "{\"never\":");
        Files.writeString(dir.resolve("20260101T000000000-a-000000000001.jsonl"), "{\"kept\":1}\n");
        SegmentFileJournal journal = new SegmentFileJournal(dir, Duration.ofSeconds(60));
        try {
            // the first request starts the writer here; in the hub it starts with the application
            journal.append("{\"new\":1}".getBytes(StandardCharsets.UTF_8)).get();
            assertThat(lines(dir, false)).containsExactly("{\"kept\":1}", "{\"answered\":1}", "{\"answered\":2}");
        } finally {
            journal.stop();
        }
        try (Stream<Path> all = Files.list(dir)) {
            assertThat(all.map(p -> p.getFileName().toString())).hasSize(3).noneMatch(name -> name.startsWith("."))
                    .contains("20260101T000000000-a-000000000001.jsonl", "20260101T000000000-a-000000000002.jsonl");
        }
        assertThat(lines(dir, false)).containsExactly("{\"kept\":1}", "{\"answered\":1}", "{\"answered\":2}", "{\"new\":1}");
    }

    @Test
    void aStoppedJournalRefusesRequests(@TempDir Path dir) throws Exception {
        SegmentFileJournal journal = new SegmentFileJournal(dir, Duration.ofSeconds(60));
        journal.append("{\"before\":1}".getBytes(StandardCharsets.UTF_8)).get();
        journal.stop();
        assertThat(journal.append("{}".getBytes(StandardCharsets.UTF_8))).failsWithin(Duration.ofSeconds(10))
                .withThrowableOfType(java.util.concurrent.ExecutionException.class).havingCause()
                .isInstanceOf(java.io.IOException.class).withMessageContaining("stopped");
        assertThat(lines(dir, false)).containsExactly("{\"before\":1}");
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> all = Files.list(dir)) {
            return all.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
        }
    }

    /** The lines of the visible journal files, in name order, and those of the hidden ones too when asked. */
    private static List<String> lines(Path dir, boolean hiddenToo) throws Exception {
        while (true) {
            List<String> lines = new ArrayList<>();
            try {
                for (Path file : files(dir)) {
                    if (hiddenToo || !file.getFileName().toString().startsWith(".")) {
                        lines.addAll(Files.readAllLines(file));
                    }
                }
                return lines;
            } catch (java.nio.file.NoSuchFileException renamed) {
                // the writer handed a file to delivery between the listing and the read: list again
            }
        }
    }
}

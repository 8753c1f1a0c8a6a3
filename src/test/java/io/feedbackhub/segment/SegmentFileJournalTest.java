package io.feedbackhub.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    void concurrentRequestsShareFilesAndEveryEntryIsALineOnDiskWhenAppendReturns(@TempDir Path dir) throws Exception {
        SegmentFileJournal journal = new SegmentFileJournal(dir);
        int requests = 400;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int i = 0; i < requests; i++) {
            String entry = "{\"id\":\"" + i + "\"}";
            done.add(pool.submit(() -> {
                go.await();
                journal.append(entry.getBytes(StandardCharsets.UTF_8));
                // once append returns, the entry is in a visible journal file
                assertThat(lines(dir)).contains(entry);
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : done) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();

        List<String> lines = lines(dir);
        assertThat(lines).hasSize(requests).doesNotHaveDuplicates();
        long files = files(dir).size();
        assertThat(files).isLessThan(requests);
        assertThat(files(dir)).allSatisfy(f -> assertThat(f.getFileName().toString()).doesNotStartWith("."));
        // names sort in the order the files were written
        List<String> names = files(dir).stream().map(f -> f.getFileName().toString()).toList();
        assertThat(names).isSorted();
    }

    @Test
    void aFailedWriteFailsEveryRequestInItAndLeavesNoHiddenFile(@TempDir Path dir) throws Exception {
        Path blocked = dir.resolve("journal");
        Files.writeString(blocked, "a file where the directory should be");
        SegmentFileJournal journal = new SegmentFileJournal(blocked);
        assertThatThrownBy(() -> journal.append("{}".getBytes(StandardCharsets.UTF_8))).isInstanceOf(java.io.IOException.class);
        Files.delete(blocked);
        journal.append("{\"after\":1}".getBytes(StandardCharsets.UTF_8));
        assertThat(lines(blocked)).containsExactly("{\"after\":1}");
    }

    @Test
    void aFileLeftHiddenByACrashIsDroppedAtStart(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(SegmentFileJournal.HIDDEN_PREFIX + "x.jsonl"), "{\"never\":\"answered\"}\n");
        Files.writeString(dir.resolve("20260101T000000000-a-000000000001.jsonl"), "{\"kept\":1}\n");
        new SegmentFileJournal(dir).dropUnfinished();
        try (Stream<Path> all = Files.list(dir)) {
            assertThat(all.map(p -> p.getFileName().toString())).containsExactly("20260101T000000000-a-000000000001.jsonl");
        }
    }

    private static List<Path> files(Path dir) throws Exception {
        try (Stream<Path> all = Files.list(dir)) {
            return all.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
        }
    }

    private static List<String> lines(Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (Path file : files(dir)) {
            if (!file.getFileName().toString().startsWith(".")) {
                lines.addAll(Files.readAllLines(file));
            }
        }
        return lines;
    }
}

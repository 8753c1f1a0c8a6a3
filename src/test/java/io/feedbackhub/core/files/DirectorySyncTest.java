package io.feedbackhub.core.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySyncTest {

    @Test
    void concurrentCallersShareFsyncsAndEachWaitsForOneThatBeganAfterItsCall() throws Exception {
        AtomicInteger fsyncs = new AtomicInteger();
        AtomicLong lastStart = new AtomicLong();
        DirectorySync sync = new DirectorySync(Path.of("."), () -> {
            lastStart.set(System.nanoTime());
            fsyncs.incrementAndGet();
            sleep(20);
        });
        int callers = 32;
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> covered = new ArrayList<>();
        for (int i = 0; i < callers; i++) {
            covered.add(pool.submit(() -> {
                go.await();
                long called = System.nanoTime();
                sync.await();
                // an fsync that began after this call has finished by now
                return lastStart.get() >= called;
            }));
        }
        go.countDown();
        for (Future<Boolean> result : covered) {
            assertThat(result.get(10, TimeUnit.SECONDS)).isTrue();
        }
        pool.shutdown();
        assertThat(fsyncs.get()).isBetween(1, callers / 4);
    }

    @Test
    void aFailedFsyncFailsItsCallerAndTheNextCallTriesAgain() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        DirectorySync sync = new DirectorySync(Path.of("."), () -> {
            if (calls.incrementAndGet() == 1) {
                throw new IOException("disk gone");
            }
        });
        assertThatThrownBy(sync::await).hasMessage("disk gone");
        sync.await();
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void forcesARealDirectory(@TempDir Path dir) throws Exception {
        DurableFiles.writeAside(dir.resolve(".a"), dir.resolve("a"), "x".getBytes());
        new DirectorySync(dir).await();
        assertThat(dir.resolve("a")).hasContent("x");
        assertThat(dir.resolve(".a")).doesNotExist();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

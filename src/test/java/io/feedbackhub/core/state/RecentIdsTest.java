package io.feedbackhub.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecentIdsTest {

    @Test
    void remembersTheLatestIdsAcrossRestartsAndNeverScansItsFileForOlderOnes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ids.txt");
        RecentIds first = new RecentIds(file.toFile(), 2);
        first.start();
        for (String id : new String[] {"a", "b", "c"}) {
            assertThat(first.add(id)).isTrue();
            first.confirm(id);
        }
        assertThat(first.add("c")).isFalse();
        // "a" fell out of the window: older than the window counts as new (the file still holds it)
        assertThat(first.contains("a")).isFalse();
        first.stop();

        RecentIds restarted = new RecentIds(file.toFile(), 2);
        restarted.start();
        assertThat(restarted.contains("b")).isTrue();
        assertThat(restarted.contains("c")).isTrue();
        assertThat(restarted.contains("z")).isFalse();
        restarted.stop();
    }
}

package io.feedbackhub.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileStateRepositoryTest {

    @TempDir
    Path dir;

    @Test
    void whatWasSetIsReadBackByTheNextStart() {
        Path file = dir.resolve("state.properties");
        AtomicFileStateRepository first = new AtomicFileStateRepository(file);
        first.start();
        first.setState("wootric.end_users.cursor", "1700000000:7,9");
        first.setState("odd.key", "a=b:c #d ünï");
        first.setState("wootric.end_users.cursor", "1700000100");
        first.stop();

        AtomicFileStateRepository second = new AtomicFileStateRepository(file);
        second.start();
        assertThat(second.getState("wootric.end_users.cursor")).isEqualTo("1700000100");
        assertThat(second.getState("odd.key")).isEqualTo("a=b:c #d ünï");
        assertThat(second.getState("missing")).isNull();
    }

    @Test
    void aWriteCutOffMidwayLeavesTheLastWholeStore() throws Exception {
        Path file = dir.resolve("state.properties");
        AtomicFileStateRepository repository = new AtomicFileStateRepository(file);
        repository.start();
        repository.setState("k", "v1");
        // what a kill -9 during the next write would leave: a torn copy beside the store
        Files.writeString(dir.resolve("state.properties.tmp"), "k=v2\nhalf-a-li");
        AtomicFileStateRepository restarted = new AtomicFileStateRepository(file);
        restarted.start();
        assertThat(restarted.getState("k")).isEqualTo("v1");
        assertThat(dir.resolve("state.properties.tmp")).doesNotExist();
    }
}

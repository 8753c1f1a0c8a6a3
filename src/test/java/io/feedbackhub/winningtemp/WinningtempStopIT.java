package io.feedbackhub.winningtemp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.feedbackhub.testing.HubProcess;
import io.feedbackhub.testing.WinningtempSftpServer;

/** The packaged hub stopped (SIGTERM) in the middle of a Winningtemp run: the files stay in the inbox. */
class WinningtempStopIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int USERS = 150_000;

    @TempDir
    Path data;

    WinningtempSftpServer sftp = new WinningtempSftpServer();

    @AfterEach
    void stopServer() {
        sftp.stop();
    }

    @Test
    void aStopDuringARunLeavesTheFilesInTheInboxForTheNextRun() throws Exception {
        Map<String, String> env = new HashMap<>();
        sftp.start().forEach((key, value) -> env.put(key.toUpperCase().replace('.', '_').replace('-', '_'), value));
        env.put("HUB_WINNINGTEMP_MIN_AGE", "1s");
        // a short grace period, so that the stop cuts the run short instead of waiting for it
        env.put("CAMEL_MAIN_SHUTDOWN_TIMEOUT", "1");
        StringBuilder users = new StringBuilder(WinningtempPickupTest.USERS_HEADER).append('\n');
        for (int n = 1; n <= USERS; n++) {
            users.append(WinningtempPickupTest.user(n, "asa" + n + "@example.com", "g-eng", "Active")).append('\n');
        }
        WinningtempPickupTest.dropAll(WinningtempPickupTest.SEGMENTS, WinningtempPickupTest.GROUPS_DAY_1, users.toString());
        Thread.sleep(1_500);

        try (HubProcess hub = HubProcess.create(data, env).start().awaitReady(Duration.ofSeconds(60))) {
            assertThat(hub.post("/hub/connectors/winningtemp/run?mode=full").statusCode()).isEqualTo(202);
            // well into the run: its files are being read
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(data.resolve("winningtemp").resolve("download")));
            Thread.sleep(500);
            hub.stop();
            assertThat(hub.output()).contains("the hub stopped during the run; wt_groups.csv stays in the inbox");
        }
        assertThat(names(WinningtempSftpServer.inbox)).contains("wt_users.csv", "wt_groups.csv", "wt_segments.csv");
        assertThat(names(WinningtempSftpServer.inbox.resolve("error"))).isEmpty();

        try (HubProcess hub = HubProcess.create(data, env).start().awaitReady(Duration.ofSeconds(60))) {
            JsonNode stopped = JSON.readTree(hub.get("/hub/connectors/winningtemp").body()).path("lastRun");
            assertThat(stopped.path("status").asText()).isEqualTo("FAILED");
            String runId = JSON.readTree(hub.post("/hub/connectors/winningtemp/run?mode=full").body()).path("runId").asText();
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                JsonNode last = JSON.readTree(hub.get("/hub/connectors/winningtemp").body()).path("lastRun");
                return runId.equals(last.path("id").asText()) && !"RUNNING".equals(last.path("status").asText());
            });
            JsonNode rerun = JSON.readTree(hub.get("/hub/connectors/winningtemp").body()).path("lastRun");
            assertThat(rerun.path("status").asText()).as(rerun.toString()).isEqualTo("SUCCEEDED");
        }
        assertThat(names(WinningtempSftpServer.inbox)).doesNotContain("wt_users.csv");
        assertThat(names(WinningtempSftpServer.inbox.resolve("archive"))).anyMatch(name -> name.endsWith("wt_users.csv"));
    }

    private static List<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).map(file -> file.getFileName().toString()).toList();
        }
    }
}

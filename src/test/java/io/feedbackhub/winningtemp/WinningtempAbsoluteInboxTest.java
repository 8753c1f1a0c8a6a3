package io.feedbackhub.winningtemp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.TestHub;
import io.feedbackhub.testing.WinningtempSftpServer;
import io.feedbackhub.testing.WinningtempSftpServerWithAbsoluteInbox;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * hub.winningtemp.sftp.directory=/upload/winningtemp on a server whose login starts in /home/hub:
 * the files are read there, and archive/ and error/ are made there, not in the login's home.
 */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(WinningtempSftpServerWithAbsoluteInbox.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WinningtempAbsoluteInboxTest {

    @Inject
    HubConfig config;

    static List<String> everythingUnderHome() throws Exception {
        Path home = WinningtempSftpServer.root.resolve(WinningtempSftpServer.HOME.substring(1));
        try (Stream<Path> paths = Files.walk(home)) {
            return paths.filter(p -> !p.equals(home)).map(p -> home.relativize(p).toString()).toList();
        }
    }

    @Test
    @Order(1)
    void theSnapshotIsReadAndArchivedInTheAbsoluteInbox() throws Exception {
        assertThat(WinningtempSftpServer.inbox).isEqualTo(WinningtempSftpServer.root.resolve("upload/winningtemp"));
        WinningtempPickupTest.dropAll(WinningtempPickupTest.SEGMENTS, WinningtempPickupTest.GROUPS_DAY_1, WinningtempPickupTest.usersDay1());
        Map<String, Object> run = HubRuns.runToEnd("winningtemp", "incremental");
        assertThat(run.get("status")).as(String.valueOf(run.get("error"))).isEqualTo("SUCCEEDED");
        assertThat(HubRuns.ids(HubRuns.table(config.dataDir(), "winningtemp_users"))).hasSize(8);
        assertThat(WinningtempPickupTest.files("")).isEmpty();
        assertThat(WinningtempPickupTest.files("archive")).hasSize(3);
        assertThat(everythingUnderHome()).isEmpty();
    }

    @Test
    @Order(2)
    void aRejectedFileAndItsReportGoToErrorInTheAbsoluteInbox() throws Exception {
        WinningtempSftpServer.drop("wt_groups.csv", "Group name;GroupID;Parent groupID\nLoop;g-x;g-x\n");
        Map<String, Object> run = HubRuns.runToEnd("winningtemp", "incremental");
        assertThat(run.get("status")).isEqualTo("FAILED");
        assertThat((String) run.get("error")).contains("REJECTED").contains("error/").contains("report.txt");
        assertThat(WinningtempPickupTest.files("")).isEmpty();
        List<String> errors = WinningtempPickupTest.files("error");
        assertThat(errors).hasSize(2);
        String report = Files.readString(WinningtempSftpServer.inbox.resolve("error")
                .resolve(errors.stream().filter(n -> n.endsWith(".report.txt")).findFirst().orElseThrow()));
        assertThat(report).contains("line 2: Parent groupID 'g-x' makes a cycle: g-x -> g-x");
        assertThat(everythingUnderHome()).isEmpty();
    }
}

package io.feedbackhub.winningtemp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.TestHub;
import io.feedbackhub.testing.WinningtempSftpServer;
import io.feedbackhub.testing.WinningtempSftpServerWithDoneFiles;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** With hub.winningtemp.done-file, a file is taken only once its done file is there; with quarantine, bad rows are dropped and reported. */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(WinningtempSftpServerWithDoneFiles.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WinningtempDoneFileTest {

    @Inject
    HubConfig config;

    @Test
    @Order(1)
    void aFileWithoutItsDoneFileIsLeftForLater() throws Exception {
        WinningtempPickupTest.dropAll(WinningtempPickupTest.SEGMENTS, WinningtempPickupTest.GROUPS_DAY_1, WinningtempPickupTest.usersDay1());
        Map<String, Object> run = HubRuns.runToEnd("winningtemp", "incremental");
        assertThat(run.get("status")).isEqualTo("SUCCEEDED");
        assertThat(WinningtempPickupTest.files("")).containsExactly("wt_groups.csv", "wt_segments.csv", "wt_users.csv");
        assertThat(HubRuns.table(config.dataDir(), "winningtemp_users")).isEmpty();
    }

    @Test
    @Order(2)
    void withDoneFilesTheSnapshotIsTakenAndBadRowsAreQuarantined() throws Exception {
        // one bad row (an unknown status) among the users: dropped and reported, the rest applied
        String users = WinningtempPickupTest.usersDay1() + WinningtempPickupTest.user(9, "asa9@example.com", "g-eng", "Paused") + "\n";
        WinningtempSftpServer.drop("wt_users.csv", users);
        for (String name : List.of("wt_segments.csv", "wt_groups.csv", "wt_users.csv")) {
            WinningtempSftpServer.drop(name + ".done", "");
        }
        Map<String, Object> run = HubRuns.runToEnd("winningtemp", "incremental");
        assertThat(run.get("status")).as(String.valueOf(run.get("error"))).isEqualTo("SUCCEEDED");
        assertThat(HubRuns.ids(HubRuns.table(config.dataDir(), "winningtemp_users")))
                .containsExactly("u-1", "u-2", "u-3", "u-4", "u-5", "u-6", "u-7", "u-8");
        assertThat(WinningtempPickupTest.files("")).isEmpty();
        List<String> archived = WinningtempPickupTest.files("archive");
        assertThat(archived).hasSize(6);
        String report = Files.readString(WinningtempSftpServer.inbox.resolve("archive")
                .resolve(archived.stream().filter(n -> n.endsWith("wt_users.csv.report.txt")).findFirst().orElseThrow()));
        assertThat(report).contains("APPLIED without its quarantined rows")
                .contains("wt_users.csv: 1 problem, 1 rows quarantined (dropped)")
                .contains("line 10: Status: 'Paused' is not one of Active, Inactive");
        assertThat(HubRuns.table(config.dataDir(), "winningtemp_reports")).singleElement().satisfies(record -> {
            assertThat(record.get("run_id").asText()).isEqualTo(run.get("id"));
            assertThat(record.get("verdict").asText()).isEqualTo("APPLIED without its quarantined rows");
            assertThat(record.get("report").asText()).isEqualTo(report);
        });
    }

    @Test
    @Order(3)
    void aRejectedFileTakesItsDoneFileAlong() throws Exception {
        WinningtempSftpServer.drop("wt_segments.csv", "SegmentName,SegmentID\nSales,s-1\n");
        WinningtempSftpServer.drop("wt_segments.csv.done", "");
        Map<String, Object> run = HubRuns.runToEnd("winningtemp", "incremental");
        assertThat(run.get("status")).isEqualTo("FAILED");
        // a done file left behind would let tomorrow's upload be taken before it is complete
        assertThat(WinningtempPickupTest.files("")).isEmpty();
        assertThat(WinningtempPickupTest.files("error")).hasSize(2);
    }

    @Test
    @Order(4)
    void aFileWhoseEveryRowIsQuarantinedIsRejected() throws Exception {
        String users = WinningtempPickupTest.USERS_HEADER + "\n" + WinningtempPickupTest.user(20, "asa20@example.com", "g-eng", "Paused") + "\n";
        WinningtempSftpServer.drop("wt_users.csv", users);
        WinningtempSftpServer.drop("wt_users.csv.done", "");
        Map<String, Object> run = HubRuns.runToEnd("winningtemp", "incremental");
        assertThat(run.get("status")).isEqualTo("FAILED");
        assertThat(HubRuns.table(config.dataDir(), "winningtemp_users")).hasSize(8);
        String report = Files.readString(WinningtempSftpServer.inbox.resolve("error").resolve(WinningtempPickupTest.files("error").stream()
                .filter(n -> n.endsWith("wt_users.csv.report.txt")).findFirst().orElseThrow()));
        assertThat(report).contains("no row is usable");
    }
}

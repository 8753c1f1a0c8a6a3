package io.feedbackhub.winningtemp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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

import com.fasterxml.jackson.databind.JsonNode;

import io.feedbackhub.core.config.HubConfig;
import io.feedbackhub.testing.HubRuns;
import io.feedbackhub.testing.Management;
import io.feedbackhub.testing.TestFiles;
import io.feedbackhub.testing.TestHub;
import io.feedbackhub.testing.WinningtempSftpServer;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The acceptance scenario of issue 5 against a real SFTP server: day one's snapshot becomes the
 * tables and "created" changes, day two's gives exactly its joiners, changes and leavers, and a
 * malformed or mass-removing snapshot lands in error/ with a report and changes nothing. The days
 * build on each other, so the tests run in order.
 */
@QuarkusTest
@WithTestResource(TestHub.class)
@WithTestResource(WinningtempSftpServer.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WinningtempPickupTest {

    static final String USERS_HEADER = "Unique ID;Firstname;Lastname;Username;Email;Phone;Title;Birthday;EmployedSince;"
            + "EmployedUntil;Gender;Group member;Group admin;Segment;Status;Language";
    /** Groups and segments as in Winningtemp's own examples: the name first. */
    static final String SEGMENTS = "SegmentName;SegmentID\nSales;s-sales\nTech;s-tech\n";
    static final String GROUPS_DAY_1 = "Group name;GroupID;Parent groupID\nEngineering;g-eng;g-root\nAcme;g-root;\nSales;g-sales;g-root\n";
    static final String GROUPS_DAY_2 = GROUPS_DAY_1 + "Operations;g-ops;g-eng\n";

    @Inject
    HubConfig config;

    static String user(int n, String email, String groups, String status) {
        return "u-" + n + ";Åsa" + n + ";Öberg;asa" + n + ";" + email + ";+46 70 000 00" + n + ";Engineer;1990-05-17;2020-01-01;;F;"
                + groups + ";;s-tech;" + status + ";sv";
    }

    static String usersDay1() {
        StringBuilder users = new StringBuilder(USERS_HEADER).append('\n');
        for (int n = 1; n <= 8; n++) {
            users.append(user(n, "asa" + n + "@example.com", n == 1 ? "g-eng,g-sales" : "g-eng", "Active")).append('\n');
        }
        return users.toString();
    }

    /** u-2 changes e-mail, u-8 leaves, u-9 joins the new group g-ops. */
    static String usersDay2() {
        StringBuilder users = new StringBuilder(USERS_HEADER).append('\n');
        for (int n = 1; n <= 7; n++) {
            users.append(user(n, n == 2 ? "asa.two@example.com" : "asa" + n + "@example.com", n == 1 ? "g-eng,g-sales" : "g-eng", "Active"))
                    .append('\n');
        }
        users.append(user(9, "asa9@example.com", "g-ops", "Active")).append('\n');
        return users.toString();
    }

    List<JsonNode> table(String name) {
        return HubRuns.table(config.dataDir(), name);
    }

    List<JsonNode> changesOf(String runId) {
        return table("winningtemp_changes").stream().filter(c -> c.path("run_id").asText().equals(runId)).toList();
    }

    static List<String> files(String folder) throws IOException {
        Path dir = WinningtempSftpServer.inbox.resolve(folder);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static void dropAll(String segments, String groups, String users) {
        WinningtempSftpServer.drop("wt_segments.csv", segments);
        WinningtempSftpServer.drop("wt_groups.csv", groups);
        WinningtempSftpServer.drop("wt_users.csv", users);
    }

    static Map<String, Object> run(String mode) {
        return HubRuns.runToEnd("winningtemp", mode);
    }

    @SuppressWarnings("unchecked")
    static List<String> notes(Map<String, Object> run) {
        return (List<String>) run.get("notes");
    }

    @Test
    @Order(1)
    void dayOneBecomesTheTablesAndCreatedChanges() throws Exception {
        dropAll(SEGMENTS, GROUPS_DAY_1, usersDay1());
        Map<String, Object> run = run("incremental");
        assertThat(run.get("status")).as(String.valueOf(run.get("error"))).isEqualTo("SUCCEEDED");

        assertThat(table("winningtemp_segments")).extracting(s -> s.get("id").asText() + "=" + s.get("name").asText())
                .containsExactly("s-sales=Sales", "s-tech=Tech");
        // parents before children, whatever the file's order; each field from its column, found by name
        assertThat(table("winningtemp_groups")).extracting(g -> g.get("id").asText() + "=" + g.get("name").asText() + "<"
                + g.get("parent_id").asText()).containsExactly("g-root=Acme<null", "g-eng=Engineering<g-root", "g-sales=Sales<g-root");
        List<JsonNode> users = table("winningtemp_users");
        assertThat(HubRuns.ids(users)).containsExactly("u-1", "u-2", "u-3", "u-4", "u-5", "u-6", "u-7", "u-8");
        JsonNode first = users.get(0);
        assertThat(first.get("first_name").asText()).isEqualTo("Åsa1");
        assertThat(first.get("groups")).extracting(JsonNode::asText).containsExactly("g-eng", "g-sales");
        assertThat(first.get("segments")).extracting(JsonNode::asText).containsExactly("s-tech");
        assertThat(first.get("birthday").asText()).isEqualTo("1990-05-17");
        assertThat(first.has("_synced_at")).isTrue();

        List<JsonNode> changes = changesOf((String) run.get("id"));
        assertThat(changes).hasSize(2 + 3 + 8).allMatch(c -> c.get("change").asText().equals("created"));
        // groups before users
        assertThat(changes.stream().map(c -> c.get("entity").asText()).distinct().toList()).containsExactly("segments", "groups", "users");
        JsonNode created = changes.stream().filter(c -> c.get("entity_id").asText().equals("u-1")).findFirst().orElseThrow();
        assertThat(created.at("/fields/email").asText()).isEqualTo("asa1@example.com");
        assertThat(created.get("snapshot_time").asText()).isNotEmpty();
        // from no accepted snapshot to this file's content: the same id if this snapshot is ever applied again
        assertThat(created.get("id").asText()).matches("users/u-1/none-[0-9a-f]{12}");

        assertThat(files("")).isEmpty();
        assertThat(files("archive")).hasSize(3).allMatch(name -> name.matches("\\d{8}-\\d{6}-wt_(users|groups|segments)\\.csv"));
    }

    @Test
    @Order(2)
    void dayTwoGivesExactlyItsJoinersChangesAndLeavers() {
        dropAll(SEGMENTS, GROUPS_DAY_2, usersDay2());
        Map<String, Object> run = run("incremental");
        assertThat(run.get("status")).as(String.valueOf(run.get("error"))).isEqualTo("SUCCEEDED");

        List<String> changes = changesOf((String) run.get("id")).stream()
                .map(c -> c.get("entity").asText() + " " + c.get("entity_id").asText() + " " + c.get("change").asText()).toList();
        assertThat(changes).containsExactly("groups g-ops created", "users u-2 updated", "users u-9 created", "users u-8 removed");
        JsonNode updated = changesOf((String) run.get("id")).stream().filter(c -> c.get("change").asText().equals("updated"))
                .findFirst().orElseThrow();
        assertThat(updated.get("fields").toString())
                .isEqualTo("{\"email\":{\"from\":\"asa2@example.com\",\"to\":\"asa.two@example.com\"}}");

        assertThat(HubRuns.ids(table("winningtemp_users"))).containsExactly("u-1", "u-2", "u-3", "u-4", "u-5", "u-6", "u-7", "u-9");
        assertThat(HubRuns.ids(table("winningtemp_groups"))).containsExactly("g-root", "g-eng", "g-sales", "g-ops");
    }

    @Test
    @Order(3)
    void theSameContentAgainIsArchivedWithoutChanges() throws Exception {
        int changes = table("winningtemp_changes").size();
        int archived = files("archive").size();
        // identical content would also diff to nothing: that the files are recognised shows in tables not rewritten
        Path users = config.dataDir().resolve("catalog").resolve("winningtemp_users.jsonl");
        Object tableFile = Files.getAttribute(users, "unix:ino");
        Object snapshotFile = Files.getAttribute(config.dataDir().resolve("winningtemp").resolve("users.jsonl"), "unix:ino");
        dropAll(SEGMENTS, GROUPS_DAY_2, usersDay2());
        Map<String, Object> run = run("incremental");
        assertThat(run.get("status")).isEqualTo("SUCCEEDED");
        assertThat(table("winningtemp_changes")).hasSize(changes);
        assertThat(Files.getAttribute(users, "unix:ino")).isEqualTo(tableFile);
        assertThat(Files.getAttribute(config.dataDir().resolve("winningtemp").resolve("users.jsonl"), "unix:ino")).isEqualTo(snapshotFile);
        assertThat(files("")).isEmpty();
        assertThat(files("archive")).hasSize(archived + 3);
    }

    @Test
    @Order(4)
    void aMalformedFileLandsInErrorWithAReportAndChangesNothing() throws Exception {
        byte[] accepted = Files.readAllBytes(config.dataDir().resolve("winningtemp").resolve("users.jsonl"));
        List<JsonNode> usersBefore = table("winningtemp_users");
        int changes = table("winningtemp_changes").size();
        String latin1Line = user(10, "asa10@example.com", "g-eng", "Active") + "\n";
        byte[] good = usersDay2().getBytes(StandardCharsets.UTF_8);
        byte[] bad = latin1Line.getBytes(StandardCharsets.ISO_8859_1);
        byte[] users = new byte[good.length + bad.length];
        System.arraycopy(good, 0, users, 0, good.length);
        System.arraycopy(bad, 0, users, good.length, bad.length);
        WinningtempSftpServer.drop("wt_segments.csv", SEGMENTS);
        WinningtempSftpServer.drop("wt_groups.csv", GROUPS_DAY_2 + "Loop;g-x;g-y\nLoop back;g-y;g-x\n");
        WinningtempSftpServer.drop("wt_users.csv", users);

        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(record instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger runLog = java.util.logging.Logger.getLogger("io.feedbackhub.core.run.RunLog");
        runLog.addHandler(capture);
        Map<String, Object> run;
        try {
            run = run("incremental");
        } finally {
            runLog.removeHandler(capture);
        }
        assertThat(run.get("status")).isEqualTo("FAILED");
        assertThat((String) run.get("error")).contains("REJECTED").contains("report.txt").doesNotContain("Åsa");
        // the log names the report, but its rows (which may quote personal data) stay in the hub
        assertThat(logged).anyMatch(line -> line.contains("report: winningtemp snapshot REJECTED"))
                .noneMatch(line -> line.contains("'g-y'"));

        assertThat(files("")).isEmpty();
        List<String> errors = files("error");
        assertThat(errors).hasSize(6);
        String report = Files.readString(WinningtempSftpServer.inbox.resolve("error")
                .resolve(errors.stream().filter(n -> n.endsWith("wt_users.csv.report.txt")).findFirst().orElseThrow()));
        assertThat(report).contains("wt_groups.csv: 2 problems").contains("line 6: Parent groupID 'g-y' makes a cycle")
                .contains("line 7: Parent groupID 'g-x' makes a cycle");
        assertThat(report).contains("wt_users.csv: 1 problem").contains("line 10: bytes that are not UTF-8");
        // the report is in the hub too: the run's result and the reports table
        assertThat(notes(run)).anyMatch(note -> note.contains("line 6: Parent groupID 'g-y' makes a cycle"));
        JsonNode record = table("winningtemp_reports").stream().filter(r -> r.get("run_id").asText().equals(run.get("id")))
                .findFirst().orElseThrow();
        assertThat(record.get("report").asText()).isEqualTo(report);
        assertThat(record.get("verdict").asText()).isEqualTo("REJECTED: nothing was applied");

        assertThat(table("winningtemp_users")).isEqualTo(usersBefore);
        assertThat(table("winningtemp_changes")).hasSize(changes);
        assertThat(Files.readAllBytes(config.dataDir().resolve("winningtemp").resolve("users.jsonl"))).isEqualTo(accepted);
    }

    @Test
    @Order(5)
    void aMassRemovalIsHeldUntilConfirmed() throws Exception {
        List<JsonNode> usersBefore = table("winningtemp_users");
        int changes = table("winningtemp_changes").size();
        int errors = files("error").size();
        String three = usersDay2().lines().limit(4).reduce("", (a, b) -> a + b + "\n");
        WinningtempSftpServer.drop("wt_users.csv", three);

        Map<String, Object> held = run("incremental");
        assertThat(held.get("status")).isEqualTo("FAILED");
        assertThat((String) held.get("error")).contains("HELD");
        List<String> newErrors = files("error").stream().filter(n -> n.endsWith("report.txt")).toList();
        String report = Files.readString(WinningtempSftpServer.inbox.resolve("error").resolve(newErrors.get(newErrors.size() - 1)));
        assertThat(report).contains("users: 5 of 8 would be removed (62%), more than hub.winningtemp.max-removal-percent=15")
                .contains("confirm-removals=true");
        assertThat(notes(held)).anyMatch(note -> note.contains("users: 5 of 8 would be removed (62%)"));
        assertThat(files("error")).hasSize(errors + 2);
        assertThat(table("winningtemp_users")).isEqualTo(usersBefore);
        assertThat(table("winningtemp_changes")).hasSize(changes);

        String runId = Management.request().queryParam("mode", "full").queryParam("confirm-removals", "true")
                .post("/hub/connectors/winningtemp/run").then().statusCode(202).extract().path("runId");
        Map<String, Object> confirmed = HubRuns.awaitEnd("winningtemp", runId);
        assertThat(confirmed.get("status")).as(String.valueOf(confirmed.get("error"))).isEqualTo("SUCCEEDED");
        assertThat(HubRuns.ids(table("winningtemp_users"))).containsExactly("u-1", "u-2", "u-3");
        assertThat(changesOf(runId)).extracting(c -> c.get("entity_id").asText() + " " + c.get("change").asText())
                .containsExactlyInAnyOrder("u-4 removed", "u-5 removed", "u-6 removed", "u-7 removed", "u-9 removed");
    }

    @Test
    @Order(6)
    void anUnknownHostKeyFailsTheRunAndLeavesTheFiles() throws Exception {
        String other = WinningtempSftpServer.trustedKnownHosts.replaceFirst("AAAA\\S{40}", "AAAA" + "B".repeat(40));
        Files.writeString(WinningtempSftpServer.knownHosts, other);
        try {
            WinningtempSftpServer.drop("wt_segments.csv", SEGMENTS);
            Map<String, Object> run = run("incremental");
            assertThat(run.get("status")).isEqualTo("FAILED");
            assertThat(files("")).containsExactly("wt_segments.csv");
        } finally {
            Files.writeString(WinningtempSftpServer.knownHosts, WinningtempSftpServer.trustedKnownHosts);
            Files.deleteIfExists(WinningtempSftpServer.inbox.resolve("wt_segments.csv"));
        }
    }

    @Test
    @Order(7)
    void aCatalogThatCannotBeWrittenFailsTheRunAndChangesNothing() throws Exception {
        Path staging = config.dataDir().resolve("catalog").resolve(".staging");
        byte[] accepted = Files.readAllBytes(config.dataDir().resolve("winningtemp").resolve("users.jsonl"));
        List<JsonNode> usersBefore = table("winningtemp_users");
        int errors = files("error").size();
        // a file where the catalog's staging folder should be: the first table write fails
        TestFiles.deleteTree(staging);
        Files.writeString(staging, "in the way");
        try {
            WinningtempSftpServer.drop("wt_users.csv", usersDay2().lines().limit(4).reduce("", (a, b) -> a + b + "\n")
                    .replace("asa1@example.com", "asa.one@example.com"));
            Map<String, Object> run = run("incremental");
            assertThat(run.get("status")).isEqualTo("FAILED");
        } finally {
            Files.delete(staging);
        }
        assertThat(table("winningtemp_users")).isEqualTo(usersBefore);
        assertThat(Files.readAllBytes(config.dataDir().resolve("winningtemp").resolve("users.jsonl"))).isEqualTo(accepted);
        assertThat(files("")).isEmpty();
        List<String> newErrors = files("error");
        assertThat(newErrors).hasSize(errors + 2);
        String report = Files.readString(WinningtempSftpServer.inbox.resolve("error")
                .resolve(newErrors.stream().filter(n -> n.endsWith(".report.txt")).sorted().reduce((a, b) -> b).orElseThrow()));
        assertThat(report).startsWith("winningtemp snapshot FAILED: the tables and the accepted snapshot are unchanged");
    }

    @Test
    @Order(8)
    void aRunThatFailsWhileCommittingPublishesNoChangeAndLeavesTheFilesForError() throws Exception {
        Path users = config.dataDir().resolve("catalog").resolve("winningtemp_users.jsonl");
        Path aside = users.resolveSibling("winningtemp_users.aside");
        byte[] accepted = Files.readAllBytes(config.dataDir().resolve("winningtemp").resolve("users.jsonl"));
        List<JsonNode> changesBefore = table("winningtemp_changes");
        int archived = files("archive").size();
        // the users table cannot be swapped in: the commit fails after the changes were held back
        Files.move(users, aside);
        Files.createDirectories(users.resolve("in-the-way"));
        try {
            WinningtempSftpServer.drop("wt_users.csv", usersDay2().lines().limit(4).reduce("", (a, b) -> a + b + "\n")
                    .replace("asa1@example.com", "asa.two@example.com"));
            Map<String, Object> run = run("incremental");
            assertThat(run.get("status")).isEqualTo("FAILED");
        } finally {
            TestFiles.deleteTree(users);
            Files.move(aside, users);
        }
        assertThat(table("winningtemp_changes")).isEqualTo(changesBefore);
        assertThat(Files.readAllBytes(config.dataDir().resolve("winningtemp").resolve("users.jsonl"))).isEqualTo(accepted);
        assertThat(files("")).isEmpty();
        assertThat(files("archive")).hasSize(archived);
        assertThat(files("error")).anyMatch(name -> name.endsWith("wt_users.csv"));
    }

    @Test
    @Order(9)
    void groupsThatComeWithoutUsersCannotRemoveAGroupTheUsersStillBelongTo() throws Exception {
        List<JsonNode> groupsBefore = table("winningtemp_groups");
        // g-sales goes, but u-1 of the accepted users is still a member; confirmed, so the guard lets it by
        WinningtempSftpServer.drop("wt_groups.csv", GROUPS_DAY_2.replace("Sales;g-sales;g-root\n", ""));
        String runId = Management.request().queryParam("mode", "full").queryParam("confirm-removals", "true")
                .post("/hub/connectors/winningtemp/run").then().statusCode(202).extract().path("runId");
        Map<String, Object> run = HubRuns.awaitEnd("winningtemp", runId);
        assertThat(run.get("status")).isEqualTo("FAILED");
        assertThat(table("winningtemp_groups")).isEqualTo(groupsBefore);
        String report = Files.readString(WinningtempSftpServer.inbox.resolve("error").resolve(files("error").stream()
                .filter(n -> n.endsWith("wt_groups.csv.report.txt")).sorted().reduce((a, b) -> b).orElseThrow()));
        assertThat(report).contains("user 'u-1' groups 'g-sales'");
    }

    @Test
    @Order(10)
    void aFailedMoveToArchiveFailsTheRunAndTheNextRunArchivesTheFiles() throws Exception {
        int changes = table("winningtemp_changes").size();
        List<String> archived = files("archive");
        // the accepted users are u-1, u-2 and u-3 (since the confirmed removal): u-3 changes
        WinningtempSftpServer.drop("wt_users.csv", usersDay2().lines().limit(4).reduce("", (a, b) -> a + b + "\n")
                .replace("asa3@example.com", "asa.three@example.com"));
        Map<String, Object> run;
        // a plain file where archive/ should be: the server refuses the move, as a full or read-only disk would
        try (AutoCloseable blocked = TestFiles.blockDirectory(WinningtempSftpServer.inbox.resolve("archive"))) {
            run = run("incremental");
        }
        assertThat(run.get("status")).isEqualTo("FAILED");
        assertThat((String) run.get("error")).startsWith("the snapshot was applied, but the files are still in the inbox, not moved to archive/: ");
        assertThat(files("")).containsExactly("wt_users.csv");
        assertThat(changesOf((String) run.get("id"))).extracting(c -> c.get("entity_id").asText() + " " + c.get("change").asText())
                .containsExactly("u-3 updated");

        Map<String, Object> next = run("incremental");
        assertThat(next.get("status")).as(String.valueOf(next.get("error"))).isEqualTo("SUCCEEDED");
        assertThat(files("")).isEmpty();
        assertThat(files("archive")).hasSize(archived.size() + 1);
        assertThat(table("winningtemp_changes")).hasSize(changes + 1);
    }

    @Test
    @Order(11)
    void aRejectedSnapshotWhoseErrorFolderCannotBeWrittenSaysSoAndKeepsItsReport() throws Exception {
        WinningtempSftpServer.drop("wt_segments.csv", "SegmentName;SegmentID\nSales;\n");
        Map<String, Object> run;
        try (AutoCloseable blocked = TestFiles.blockDirectory(WinningtempSftpServer.inbox.resolve("error"))) {
            run = run("incremental");
        }
        assertThat(run.get("status")).isEqualTo("FAILED");
        String error = (String) run.get("error");
        assertThat(error).startsWith("snapshot wt_segments.csv REJECTED: nothing was applied; report in the run's notes, winningtemp_reports;")
                .contains("the report could not be written to error/: ")
                .contains("the files are still in the inbox, not moved to error/: ")
                .doesNotContain("report.txt");
        assertThat(notes(run)).anyMatch(note -> note.contains("line 2: SegmentID: is empty but required"));
        assertThat(table("winningtemp_reports")).filteredOn(r -> r.get("run_id").asText().equals(run.get("id")))
                .singleElement().satisfies(r -> assertThat(r.get("report").asText()).contains("line 2: SegmentID: is empty but required"));
        assertThat(files("")).containsExactly("wt_segments.csv");
        Files.delete(WinningtempSftpServer.inbox.resolve("wt_segments.csv"));
    }

    @Test
    @Order(12)
    void aFileStillChangingIsLeftAndTheRunSaysSo() throws Exception {
        Path users = WinningtempSftpServer.inbox.resolve("wt_users.csv");
        Files.writeString(users, usersDay2());
        // an upload still in progress: the file changes every half second, longer than the run waits (min-age 10 s + 5 s)
        java.util.concurrent.ScheduledExecutorService uploader = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        uploader.scheduleAtFixedRate(() -> {
            try {
                Files.setLastModifiedTime(users, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, 0, 500, java.util.concurrent.TimeUnit.MILLISECONDS);
        Map<String, Object> run;
        try {
            run = run("incremental");
        } finally {
            uploader.shutdownNow();
        }
        assertThat(run.get("status")).isEqualTo("SUCCEEDED");
        assertThat(notes(run)).singleElement().asString()
                .matches("wt_users\\.csv: changed [01] s ago, waiting for 10 s \\(hub\\.winningtemp\\.min-age\\); left in the inbox for a later run");
        assertThat(files("")).containsExactly("wt_users.csv");
        Files.delete(users);
    }
}

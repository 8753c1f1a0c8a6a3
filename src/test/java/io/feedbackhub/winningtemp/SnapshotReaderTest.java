package io.feedbackhub.winningtemp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;


/** Pass one on its own: the hostile inputs of the spec's catalogue, each read into the right rows or a precise report. */
class SnapshotReaderTest {

    static final String USERS_HEADER = "Unique ID;Firstname;Lastname;Username;Email;Phone;Title;Birthday;EmployedSince;"
            + "EmployedUntil;Gender;Group member;Group admin;Segment;Status;Language";
    static final LocalDate TODAY = LocalDate.of(2026, 11, 30);
    static final ObjectMapper JSON = new ObjectMapper();
    static CamelContext camel;

    @TempDir
    Path dir;

    @BeforeAll
    static void startCamel() {
        camel = new DefaultCamelContext();
        camel.start();
    }

    @AfterAll
    static void stopCamel() {
        camel.stop();
    }

    /** What pass one made of a file. */
    record Read(PassOne.Result result, List<JsonNode> records) {
        String structural() {
            return result.structural();
        }

        String text() {
            return result.text();
        }

        SnapshotReport report() {
            return result.report();
        }

        SnapshotReader.Pass pass() {
            return result.pass();
        }
    }

    Read read(Entity entity, byte[] content, Map<String, String> properties) throws Exception {
        PassOne.Result result = PassOne.read(camel, JSON, PassOne.config(properties), dir, entity, new ByteArrayInputStream(content),
                TODAY, Set.of("g-1", "g-2"), Set.of("s-1"));
        List<JsonNode> records = new java.util.ArrayList<>();
        if (Files.exists(result.pass().next)) {
            for (String line : Files.readAllLines(result.pass().next)) {
                records.add(JSON.readTree(line));
            }
        }
        return new Read(result, records);
    }

    Read users(String... lines) throws Exception {
        return read(Entity.USERS, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8), Map.of());
    }

    static String user(String id, String username, String groups, String status) {
        return id + ";Åsa;Öberg;" + username + ";" + username + "@example.com;+46 70 123;Engineer;1990-05-17;2020-01-01;;F;"
                + groups + ";;s-1;" + status + ";sv";
    }

    @Test
    void aGoodFileBecomesRecordsWithListsDatesAndStatus() throws Exception {
        Read read = users(USERS_HEADER, user("u-1", "asa", "g-1,g-2", "Active"), user("u-2", "bo", "g-1", "inactive"));
        assertThat(read.structural()).isNull();
        assertThat(read.report().problemCount("wt_users.csv")).isZero();
        assertThat(read.records()).hasSize(2);
        JsonNode first = read.records().get(0);
        assertThat(first.get("id").asText()).isEqualTo("u-1");
        assertThat(first.get("first_name").asText()).isEqualTo("Åsa");
        assertThat(first.get("groups")).hasSize(2);
        assertThat(first.get("birthday").asText()).isEqualTo("1990-05-17");
        assertThat(first.get("employed_until").isNull()).isTrue();
        // the status takes the configured spelling
        assertThat(read.records().get(1).get("status").asText()).isEqualTo("Inactive");
        assertThat(read.pass().created).isEqualTo(2);
    }

    @Test
    void aBomCrlfAndTrailingBlankLinesAreTolerated() throws Exception {
        byte[] bom = { (byte) 0xEF, (byte) 0xBB, (byte) 0xBF };
        String text = USERS_HEADER + "\r\n" + user("u-1", "asa", "g-1", "Active") + "\r\n\r\n\n";
        byte[] content = new byte[bom.length + text.getBytes(StandardCharsets.UTF_8).length];
        System.arraycopy(bom, 0, content, 0, 3);
        System.arraycopy(text.getBytes(StandardCharsets.UTF_8), 0, content, 3, content.length - 3);
        Read read = read(Entity.USERS, content, Map.of());
        assertThat(read.structural()).isNull();
        assertThat(read.records()).hasSize(1);
        assertThat(read.records().get(0).get("language").asText()).isEqualTo("sv");
    }

    @Test
    void latin1BytesAreAStructuralErrorWithTheirLine() throws Exception {
        byte[] good = (USERS_HEADER + "\n" + user("u-1", "asa", "g-1", "Active") + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] bad = (user("u-2", "bo", "g-1", "Active") + "\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] content = new byte[good.length + bad.length];
        System.arraycopy(good, 0, content, 0, good.length);
        System.arraycopy(bad, 0, content, good.length, bad.length);
        Read read = read(Entity.USERS, content, Map.of());
        assertThat(read.structural()).startsWith("line 3: bytes that are not UTF-8");
    }

    @Test
    void aReorderedMissingOrMisSeparatedHeaderRejectsTheFile() throws Exception {
        assertThat(users(USERS_HEADER.replace("Firstname;Lastname", "Lastname;Firstname"), user("u-1", "a", "g-1", "Active")).structural())
                .isEqualTo("line 1: column 2 of the header is 'Lastname', expected 'Firstname' (expected header: " + USERS_HEADER + ")");
        assertThat(users(USERS_HEADER.replace(";Language", ""), user("u-1", "a", "g-1", "Active")).structural())
                .startsWith("line 1: the header has 15 columns, expected 16");
        assertThat(users(USERS_HEADER.replace(';', ','), user("u-1", "a", "g-1", "Active")).structural())
                .startsWith("line 1: the header is not separated by ';'");
    }

    @Test
    void theConfiguredHeaderIsTheOneChecked() throws Exception {
        String header = "ID;First;Last;Login;Mail;Tel;Role;Born;Since;Until;Sex;Groups;Admin;Segments;State;Lang";
        Read read = read(Entity.USERS, (header + "\n" + user("u-1", "asa", "g-1", "Active") + "\n").getBytes(StandardCharsets.UTF_8),
                Map.of("hub.winningtemp.users.columns", header.replace(';', ',')));
        assertThat(read.structural()).isNull();
        assertThat(read.records()).hasSize(1);
    }

    @Test
    void emptyAndHeaderOnlyFilesAreRefused() throws Exception {
        assertThat(read(Entity.USERS, new byte[0], Map.of()).structural()).contains("the file is empty");
        assertThat(read(Entity.USERS, " \n\n".getBytes(StandardCharsets.UTF_8), Map.of()).structural()).contains("the file is empty");
        assertThat(users(USERS_HEADER).structural()).contains("has a header but no rows");
    }

    @Test
    void rowErrorsAreReportedWithTheirLineNumbers() throws Exception {
        Read read = users(USERS_HEADER,
                user("u-1", "asa", "g-1", "Active"),
                user("u-2", "bo", "g-1", "Paused"),
                user("u-3", "cy", "g-1", "Active").replace("1990-05-17", "2024-02-30"),
                user("u-4", "di", "g-1", "Active").replace("1990-05-17", "31.12.2024"),
                user(" U-1 ", "ed", "g-1", "Active"),
                user("u-6", "ASA", "g-1", "Active"),
                user("u-7", "fi", "g-9", "Active"),
                user("u-8", "gu", "g-1,,g-2", "Active"),
                user("", "hu", "g-1", "Active"),
                user("u-10", "ia", "g-1", "Active").replace("2020-01-01;", "2020-01-01;2019-12-31"),
                user("u-11", "jo", "g-1", "Active") + ";extra",
                "u-12;Kim;Lee",
                user("u-13", "x".repeat(1001), "g-1", "Active"),
                user("u-14", "nu", "g-1", "Active").replace("Engineer", "Eng\u0000ineer"),
                user("u-15", "ol", "g-1", "1"),
                user("u-16", "pe", "g-1", "Active").replace("1990-05-17", "2030-01-01"));
        String text = read.text();
        assertThat(text)
                .contains("line 3: Status: 'Paused' is not one of Active, Inactive")
                .contains("line 4: Birthday: '2024-02-30' is not a valid date in the form yyyy-MM-dd")
                .contains("line 5: Birthday: '31.12.2024' is not a valid date")
                .contains("line 6: Unique ID 'U-1' is also on line 2")
                .contains("line 7: Username 'ASA' is also on line 2")
                .contains("line 8: Group member: 'g-9' is not in the groups snapshot")
                .contains("line 9: Group member: 'g-1,,g-2' has an empty value")
                .contains("line 10: Unique ID: is empty but required")
                .contains("line 11: EmployedUntil: 2019-12-31 is before EmployedSince 2020-01-01")
                .contains("line 12: more columns (17) than the 16 of the header")
                .contains("line 13: fewer columns (3) than the 16 of the header")
                .doesNotContain("line 13: fewer columns (3) than the 16 of the header (the file ends here without")
                .contains("line 14: Username: 1001 characters, more than the 1000 allowed")
                .contains("line 15: Title: holds a control character")
                .contains("line 16: Status: '1' is not one of Active, Inactive")
                .contains("line 17: Birthday: 2030-01-01 is in the future");
        // 15 bad rows; line 14's long username is also in its e-mail: two problems
        assertThat(read.report().problemCount("wt_users.csv")).isEqualTo(16);
        assertThat(read.report().rejects("wt_users.csv", false)).isTrue();
        assertThat(read.report().rejects("wt_users.csv", true)).isFalse();
        assertThat(read.records()).extracting(r -> r.get("id").asText()).containsExactly("u-1");
    }

    @Test
    void aLastLineCutShortSaysSo() throws Exception {
        byte[] content = (USERS_HEADER + "\n" + user("u-1", "asa", "g-1", "Active") + "\nu-2;Bo;Ek;b")
                .getBytes(StandardCharsets.UTF_8);
        Read read = read(Entity.USERS, content, Map.of());
        assertThat(read.text()).contains("line 3: fewer columns (4) than the 16 of the header (the file ends here without a line break: cut short?)");
    }

    @Test
    void aLastLineCutInItsLastFieldIsNotTakenForAWholeRow() throws Exception {
        // "sv" cut to "s": the right number of columns, every value valid, only the line break is missing
        String row = user("u-2", "bo", "g-1", "Active");
        byte[] content = (USERS_HEADER + "\n" + user("u-1", "asa", "g-1", "Active") + "\n" + row.substring(0, row.length() - 1))
                .getBytes(StandardCharsets.UTF_8);
        Read read = read(Entity.USERS, content, Map.of());
        assertThat(read.text()).contains("line 3: the file ends without a line break after this row");
        assertThat(read.report().rejects("wt_users.csv", false)).isTrue();
        assertThat(read.records()).extracting(r -> r.get("id").asText()).containsExactly("u-1");
    }

    @Test
    void quotedFieldsKeepTheirSeparatorsAndEscapedQuotes() throws Exception {
        Read read = users(USERS_HEADER, user("u-1", "asa", "g-1", "Active").replace("Engineer", "\"Head; R&D \"\"Lab\"\"\""));
        assertThat(read.text()).doesNotContain("line");
        assertThat(read.records().get(0).get("title").asText()).isEqualTo("Head; R&D \"Lab\"");
    }

    @Test
    void anUnbalancedQuoteOrAQuotedLineBreakIsARowError() throws Exception {
        Read read = users(USERS_HEADER, user("u-1", "asa", "g-1", "Active").replace("Engineer", "\"Head of"),
                "R&D\"" + user("u-2", "bo", "g-1", "Active").substring(3));
        assertThat(read.text()).contains("line 2: a quote (\") is not closed on this line")
                .contains("line 3: a quote (\") is not closed on this line");
        assertThat(read.records()).isEmpty();
    }

    @Test
    void injectionLikeTextIsKeptAsText() throws Exception {
        Read read = users(USERS_HEADER, user("u-1", "asa", "g-1", "Active").replace("Engineer", "=HYPERLINK(\"x\")").replace("Åsa", "<script>x</script>"));
        assertThat(read.records()).hasSize(1);
        assertThat(read.records().get(0).get("first_name").asText()).isEqualTo("<script>x</script>");
    }

    @Test
    void aCustomListSeparatorAndDateFormatApply() throws Exception {
        Read read = read(Entity.USERS, (USERS_HEADER + "\n" + user("u-1", "asa", "g-1|g-2", "Active").replace("1990-05-17", "17.05.1990")
                .replace("2020-01-01", "01.01.2020") + "\n").getBytes(StandardCharsets.UTF_8),
                Map.of("hub.winningtemp.list-separator", "|", "hub.winningtemp.date-format", "dd.MM.yyyy"));
        assertThat(read.text()).doesNotContain("line");
        assertThat(read.records().get(0).get("groups")).hasSize(2);
        assertThat(read.records().get(0).get("birthday").asText()).isEqualTo("1990-05-17");
    }

    @Test
    void groupsComeParentsFirstAndCyclesAndUnknownParentsAreReported() throws Exception {
        String groups = String.join("\n", "Unique ID;Name;Parent ID", "g-3;Team;g-2", "g-2;Dept;g-1", "g-1;Company;",
                "g-4;Self;g-4", "g-5;A;g-6", "g-6;B;g-5", "g-7;Orphan;g-99", "g-8;Child of orphan;g-7") + "\n";
        Read read = read(Entity.GROUPS, groups.getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(read.text())
                .contains("line 5: Parent ID 'g-4' makes a cycle: g-4 -> g-4")
                .contains("line 6: Parent ID 'g-6' makes a cycle: g-5 -> g-6 -> g-5")
                .contains("line 7: Parent ID 'g-5' makes a cycle: g-5 -> g-6 -> g-5")
                .contains("line 8: Parent ID 'g-99' is not in the groups snapshot")
                .contains("line 9: Parent ID 'g-7' is a rejected group");
        assertThat(read.records()).extracting(r -> r.get("id").asText()).containsExactly("g-1", "g-2", "g-3");
        assertThat(read.pass().ids).containsExactlyInAnyOrder("g-1", "g-2", "g-3");
    }

    @Test
    void inQuarantineABadRowOfAKnownPersonKeepsTheirAcceptedRecord() throws Exception {
        Files.writeString(dir.resolve("users.jsonl"), JSON.writeValueAsString(Map.of("id", "u-2", "first_name", "Bo")) + "\n");
        Read read = read(Entity.USERS, (String.join("\n", USERS_HEADER, user("u-1", "asa", "g-1", "Active"),
                user("u-2", "bo", "g-1", "Paused")) + "\n").getBytes(StandardCharsets.UTF_8),
                Map.of("hub.winningtemp.quarantine-bad-rows", "true"));
        assertThat(read.text()).contains("1 rows quarantined").contains("line 3: Status: 'Paused'");
        assertThat(read.records()).extracting(r -> r.get("id").asText()).containsExactly("u-1", "u-2");
        assertThat(read.records().get(1).get("first_name").asText()).isEqualTo("Bo");
        assertThat(read.pass().removed()).isZero();
        assertThat(read.pass().created).isEqualTo(1);
    }

    @Test
    void activeUsersTurnedInactiveAreCountedForTheGuard() throws Exception {
        Read dayOne = users(USERS_HEADER, user("u-1", "asa", "g-1", "Active"), user("u-2", "bo", "g-1", "Inactive"),
                user("u-3", "cy", "g-1", "Active"));
        dayOne.result().promote(dir);
        Read dayTwo = users(USERS_HEADER, user("u-1", "asa", "g-1", "Inactive"), user("u-2", "bo", "g-1", "Active"),
                user("u-3", "cy", "g-1", "Active").replace("Engineer", "Lead"));
        assertThat(dayTwo.pass().updated).isEqualTo(3);
        assertThat(dayTwo.result().deactivated()).isEqualTo(1);
    }

    @Test
    void aLineLongerThanAnyRowIsStructural() {
        byte[] content = (USERS_HEADER + "\n" + "x".repeat(200_000) + "\n").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> {
            Read read = read(Entity.USERS, content, Map.of());
            if (read.structural() != null) {
                throw new IllegalStateException(read.structural());
            }
        }).hasMessageStartingWith("line 2: the line is longer than");
    }
}

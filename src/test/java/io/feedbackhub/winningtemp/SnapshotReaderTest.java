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

    Read file(Entity entity, Map<String, String> properties, String... lines) throws Exception {
        return read(entity, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8), properties);
    }

    /** The cells of a ';' line (no quotes in it) in another order: cell i of the result is cell order[i] of the line. */
    static String reorder(String line, int... order) {
        String[] cells = line.split(";", -1);
        return String.join(";", java.util.Arrays.stream(order).mapToObj(i -> cells[i]).toList());
    }

    @Test
    void winningtempsOwnExamplesWithTheNameFirstBindByHeaderName() throws Exception {
        Read segments = file(Entity.SEGMENTS, Map.of(), "SegmentName;SegmentID", "Sales;s-1", "Tech;s-2");
        assertThat(segments.structural()).isNull();
        assertThat(segments.records()).extracting(r -> r.get("id").asText() + "=" + r.get("name").asText())
                .containsExactly("s-1=Sales", "s-2=Tech");
        Read groups = file(Entity.GROUPS, Map.of(), "Group name;GroupID;Parent groupID", "Engineering;g-2;g-1", "Acme;g-1;");
        assertThat(groups.structural()).isNull();
        assertThat(groups.records()).extracting(r -> r.get("id").asText() + "=" + r.get("name").asText() + "<" + r.get("parent_id").asText())
                .containsExactly("g-1=Acme<null", "g-2=Engineering<g-1");
    }

    @Test
    void reorderedUserColumnsBindToTheirFields() throws Exception {
        JsonNode inOrder = users(USERS_HEADER, user("u-1", "asa", "g-1,g-2", "Active")).records().get(0);
        int[] shuffled = { 15, 3, 0, 14, 12, 1, 2, 11, 4, 13, 5, 10, 6, 9, 7, 8 };
        Read read = users(reorder(USERS_HEADER, shuffled), reorder(user("u-1", "asa", "g-1,g-2", "Active"), shuffled));
        assertThat(read.structural()).isNull();
        assertThat(read.records()).containsExactly(inOrder);
        assertThat(inOrder.get("username").asText()).isEqualTo("asa");
        assertThat(inOrder.get("language").asText()).isEqualTo("sv");
    }

    @Test
    void configuredHeaderNamesInAnotherOrderBindToTheirFields() throws Exception {
        // the silent corruption of positional binding: the names configured in one order, the file in another
        Map<String, String> names = Map.of("hub.winningtemp.groups.columns.parent-id", "Parent ID",
                "hub.winningtemp.groups.columns.id", "Unique ID", "hub.winningtemp.groups.columns.name", "Name");
        Read read = file(Entity.GROUPS, names, "Parent ID;Name;Unique ID", ";Acme;g-1", "g-1;Sales;g-2");
        assertThat(read.structural()).isNull();
        assertThat(read.records()).extracting(r -> r.get("id").asText() + "=" + r.get("name").asText() + "<" + r.get("parent_id").asText())
                .containsExactly("g-1=Acme<null", "g-2=Sales<g-1");
    }

    @Test
    void aBomSpacesAndCaseAroundHeaderNamesAreTolerated() throws Exception {
        byte[] text = " group NAME ;\tGroupID ; \"Parent groupID\" \r\nAcme;g-1;\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] content = new byte[text.length + 3];
        content[0] = (byte) 0xEF;
        content[1] = (byte) 0xBB;
        content[2] = (byte) 0xBF;
        System.arraycopy(text, 0, content, 3, text.length);
        Read read = read(Entity.GROUPS, content, Map.of());
        assertThat(read.structural()).isNull();
        assertThat(read.records()).extracting(r -> r.get("id").asText() + "=" + r.get("name").asText()).containsExactly("g-1=Acme");
    }

    @Test
    void aMissingRequiredColumnRejectsTheFileNamingIt() throws Exception {
        assertThat(file(Entity.GROUPS, Map.of(), "Group name;Parent groupID", "Acme;").structural())
                .startsWith("line 1: the required column 'GroupID' is missing (hub.winningtemp.groups.columns.id)");
        assertThat(users(reorder(USERS_HEADER, 0, 1, 2, 4), "u-1;Åsa;Öberg;asa@example.com").structural())
                .startsWith("line 1: the required column 'Username' is missing (hub.winningtemp.users.columns.username)");
        assertThat(users(USERS_HEADER.replace(';', ','), user("u-1", "a", "g-1", "Active")).structural())
                .startsWith("line 1: the header is not separated by ';'");
        assertThat(users(USERS_HEADER.replace("Email", "Username"), user("u-1", "a", "g-1", "Active")).structural())
                .startsWith("line 1: 'Username' is both column 4 and column 5");
    }

    @Test
    void anOptionalColumnMayBeLeftOut() throws Exception {
        // Winningtemp: anything but the mandatory fields "can be sent as empty, or simply not be included"
        int[] noLanguageNorTitle = { 0, 1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14 };
        Read read = users(reorder(USERS_HEADER, noLanguageNorTitle), reorder(user("u-1", "asa", "g-1", "Active"), noLanguageNorTitle));
        assertThat(read.structural()).isNull();
        JsonNode record = read.records().get(0);
        assertThat(record.get("language").isNull()).isTrue();
        assertThat(record.get("title").isNull()).isTrue();
        assertThat(record.get("status").asText()).isEqualTo("Active");
    }

    @Test
    void anUnknownColumnIsRefusedUnlessConfiguredToBeIgnored() throws Exception {
        String[] lines = { "Group name;Cost center;GroupID;Parent groupID;", "Acme;4711;g-1;;" };
        assertThat(file(Entity.GROUPS, Map.of(), lines).structural())
                .startsWith("line 1: column 2 'Cost center', column 5 '' are none of the configured columns"
                        + " (set hub.winningtemp.ignore-unknown-columns=true to skip such columns)");
        Read ignored = file(Entity.GROUPS, Map.of("hub.winningtemp.ignore-unknown-columns", "true"), lines);
        assertThat(ignored.structural()).isNull();
        assertThat(ignored.records()).hasSize(1);
        assertThat(ignored.records().get(0).toString()).isEqualTo("{\"id\":\"g-1\",\"name\":\"Acme\",\"parent_id\":null}");
    }

    @Test
    void theConfiguredHeaderIsTheOneChecked() throws Exception {
        String header = "ID;First;Last;Login;Mail;Tel;Role;Born;Since;Until;Sex;Groups;Admin;Segments;State;Lang";
        String[] keys = { "id", "first-name", "last-name", "username", "email", "phone", "title", "birthday", "employed-since",
                "employed-until", "gender", "groups", "admin-of", "segments", "status", "language" };
        Map<String, String> properties = new java.util.HashMap<>();
        for (int i = 0; i < keys.length; i++) {
            properties.put("hub.winningtemp.users.columns." + keys[i], header.split(";")[i]);
        }
        Read read = read(Entity.USERS, (header + "\n" + user("u-1", "asa", "g-1", "Active") + "\n").getBytes(StandardCharsets.UTF_8),
                properties);
        assertThat(read.structural()).isNull();
        assertThat(read.records()).hasSize(1);
        assertThat(read.records().get(0).get("email").asText()).isEqualTo("asa@example.com");
        assertThat(users(USERS_HEADER, user("u-1", "asa", "g-1", "Active")).structural()).isNull();
        assertThat(read(Entity.USERS, (USERS_HEADER + "\n" + user("u-1", "asa", "g-1", "Active") + "\n").getBytes(StandardCharsets.UTF_8),
                properties).structural()).contains("the required column 'ID' is missing");
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
        String groups = String.join("\n", "GroupID;Group name;Parent groupID", "g-3;Team;g-2", "g-2;Dept;g-1", "g-1;Company;",
                "g-4;Self;g-4", "g-5;A;g-6", "g-6;B;g-5", "g-7;Orphan;g-99", "g-8;Child of orphan;g-7") + "\n";
        Read read = read(Entity.GROUPS, groups.getBytes(StandardCharsets.UTF_8), Map.of());
        assertThat(read.text())
                .contains("line 5: Parent groupID 'g-4' makes a cycle: g-4 -> g-4")
                .contains("line 6: Parent groupID 'g-6' makes a cycle: g-5 -> g-6 -> g-5")
                .contains("line 7: Parent groupID 'g-5' makes a cycle: g-5 -> g-6 -> g-5")
                .contains("line 8: Parent groupID 'g-99' is not in the groups snapshot")
                .contains("line 9: Parent groupID 'g-7' is a rejected group");
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

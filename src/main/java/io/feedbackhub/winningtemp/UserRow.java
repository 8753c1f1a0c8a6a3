package io.feedbackhub.winningtemp;

import org.apache.camel.dataformat.bindy.annotation.CsvRecord;
import org.apache.camel.dataformat.bindy.annotation.DataField;

/**
 * A row of the users file. Every cell is text here: dates, lists and the status vocabulary are
 * configurable, so {@link RowRules} reads them, not bindy annotations fixed at build time.
 */
@CsvRecord(separator = ";", crlf = "UNIX", skipFirstLine = false)
public class UserRow implements CsvRow {

    @DataField(pos = 1)
    public String id;
    @DataField(pos = 2)
    public String firstName;
    @DataField(pos = 3)
    public String lastName;
    @DataField(pos = 4)
    public String username;
    @DataField(pos = 5)
    public String email;
    @DataField(pos = 6)
    public String phone;
    @DataField(pos = 7)
    public String title;
    @DataField(pos = 8)
    public String birthday;
    @DataField(pos = 9)
    public String employedSince;
    @DataField(pos = 10)
    public String employedUntil;
    @DataField(pos = 11)
    public String gender;
    @DataField(pos = 12)
    public String groupMember;
    @DataField(pos = 13)
    public String groupAdmin;
    @DataField(pos = 14)
    public String segment;
    @DataField(pos = 15)
    public String status;
    @DataField(pos = 16)
    public String language;

    @Override
    public String[] cells() {
        return new String[] { id, firstName, lastName, username, email, phone, title, birthday, employedSince,
                employedUntil, gender, groupMember, groupAdmin, segment, status, language };
    }
}

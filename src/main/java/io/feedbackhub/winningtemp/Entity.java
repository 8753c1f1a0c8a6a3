package io.feedbackhub.winningtemp;

import java.util.List;

/**
 * The three kinds of Winningtemp data object, one file each: their record fields (in file column
 * order), the header WT's docs suggest, and their catalog table. Groups come before users (users
 * refer to them), so this order is also the order a snapshot is read and applied in.
 */
public enum Entity {

    SEGMENTS("segments", SegmentRow.class, List.of("id", "name"), List.of("Unique ID", "Name")),
    GROUPS("groups", GroupRow.class, List.of("id", "name", "parent_id"), List.of("Unique ID", "Name", "Parent ID")),
    USERS("users", UserRow.class,
            List.of("id", "first_name", "last_name", "username", "email", "phone", "title", "birthday", "employed_since",
                    "employed_until", "gender", "groups", "admin_of", "segments", "status", "language"),
            List.of("Unique ID", "Firstname", "Lastname", "Username", "Email", "Phone", "Title", "Birthday", "EmployedSince",
                    "EmployedUntil", "Gender", "Group member", "Group admin", "Segment", "Status", "Language"));

    private final String label;
    private final Class<? extends CsvRow> rowType;
    private final List<String> fields;
    private final List<String> defaultHeader;

    Entity(String label, Class<? extends CsvRow> rowType, List<String> fields, List<String> defaultHeader) {
        this.label = label;
        this.rowType = rowType;
        this.fields = fields;
        this.defaultHeader = defaultHeader;
    }

    public String label() {
        return label;
    }

    public Class<? extends CsvRow> rowType() {
        return rowType;
    }

    /** Record field names, in the order of the file's columns. */
    public List<String> fields() {
        return fields;
    }

    public List<String> defaultHeader() {
        return defaultHeader;
    }

    public String table() {
        return "winningtemp_" + label;
    }

    public String fileName(WinningtempConfig config) {
        return switch (this) {
            case USERS -> config.files().users();
            case GROUPS -> config.files().groups();
            case SEGMENTS -> config.files().segments();
        };
    }

    public List<String> header(WinningtempConfig config) {
        WinningtempConfig.Columns columns = switch (this) {
            case USERS -> config.users();
            case GROUPS -> config.groups();
            case SEGMENTS -> config.segments();
        };
        return columns.columns().map(names -> names.stream().map(String::trim).toList()).orElse(defaultHeader);
    }
}

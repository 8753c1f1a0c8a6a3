package io.feedbackhub.winningtemp;

import java.util.List;
import java.util.Set;

/**
 * The three kinds of Winningtemp data object, one file each: their record fields (in the column
 * order of their bindy row class), the fields a row must have, and their catalog table. Each field
 * is found in the file by its configured header name, wherever the column is. Groups come before
 * users (users refer to them), so this order is also the order a snapshot is read and applied in.
 */
public enum Entity {

    SEGMENTS("segments", SegmentRow.class, List.of("id", "name"), Set.of("id", "name")),
    GROUPS("groups", GroupRow.class, List.of("id", "name", "parent_id"), Set.of("id", "name")),
    USERS("users", UserRow.class,
            List.of("id", "first_name", "last_name", "username", "email", "phone", "title", "birthday", "employed_since",
                    "employed_until", "gender", "groups", "admin_of", "segments", "status", "language"),
            // Winningtemp's mandatory user fields; "anything else can be sent as empty, or simply not be included"
            Set.of("id", "first_name", "last_name", "username"));

    private final String label;
    private final Class<? extends CsvRow> rowType;
    private final List<String> fields;
    private final Set<String> required;

    Entity(String label, Class<? extends CsvRow> rowType, List<String> fields, Set<String> required) {
        this.label = label;
        this.rowType = rowType;
        this.fields = fields;
        this.required = required;
    }

    public String label() {
        return label;
    }

    public Class<? extends CsvRow> rowType() {
        return rowType;
    }

    /** Record field names, in the order of the row class's bindy positions. */
    public List<String> fields() {
        return fields;
    }

    /** Fields whose column must be in the file and whose cell must not be empty. */
    public boolean required(String field) {
        return required.contains(field);
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

    /** The property naming the header of a field's column: {@code hub.winningtemp.users.columns.first-name}. */
    public String columnKey(String field) {
        return "hub.winningtemp." + label + ".columns." + field.replace('_', '-');
    }

    /** The configured header name of each field, in {@link #fields()} order. */
    public List<String> header(WinningtempConfig config) {
        List<String> names = switch (this) {
            case USERS -> {
                WinningtempConfig.UserColumns c = config.users().columns();
                yield List.of(c.id(), c.firstName(), c.lastName(), c.username(), c.email(), c.phone(), c.title(), c.birthday(),
                        c.employedSince(), c.employedUntil(), c.gender(), c.groups(), c.adminOf(), c.segments(), c.status(),
                        c.language());
            }
            case GROUPS -> {
                WinningtempConfig.GroupColumns c = config.groups().columns();
                yield List.of(c.id(), c.name(), c.parentId());
            }
            case SEGMENTS -> {
                WinningtempConfig.SegmentColumns c = config.segments().columns();
                yield List.of(c.id(), c.name());
            }
        };
        return names.stream().map(String::trim).toList();
    }
}

package io.feedbackhub.winningtemp;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The checks one row must pass on its own, and its record: trimmed cells (an empty cell is null),
 * dates in ISO form, multi-value cells as lists, the status in its configured spelling. What a row
 * needs from the rest of the snapshot (unique ids, existing groups) is checked by {@link SnapshotReader}.
 */
final class RowRules {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
    private static final Set<String> DATES = Set.of("birthday", "employed_since", "employed_until");
    private static final Set<String> LISTS = Set.of("groups", "admin_of", "segments");

    private final Entity entity;
    private final List<String> header;
    private final String listSeparator;
    private final Pattern listSplit;
    private final DateTimeFormatter dates;
    private final String datePattern;
    private final List<String> statuses;
    private final int maxFieldLength;
    private final LocalDate today;

    RowRules(Entity entity, WinningtempConfig config, LocalDate today) {
        this.entity = entity;
        this.header = entity.header(config);
        this.listSeparator = config.listSeparator();
        this.listSplit = Pattern.compile(Pattern.quote(listSeparator));
        // STRICT: 2024-02-30 is an error, not 2024-02-29
        this.dates = DateTimeFormatter.ofPattern(config.dateFormat().replace("yyyy", "uuuu"), Locale.ROOT)
                .withResolverStyle(ResolverStyle.STRICT);
        this.datePattern = config.dateFormat();
        this.statuses = config.statuses().stream().map(String::trim).toList();
        this.maxFieldLength = config.maxFieldLength();
        this.today = today;
    }

    /** The configured header name of a field's column, for the report. */
    String column(String field) {
        return header.get(entity.fields().indexOf(field));
    }

    /** The row's record, or null after adding its problems to {@code problems}. */
    ObjectNode record(String[] cells, List<String> problems) {
        ObjectNode record = NODES.objectNode();
        List<String> fields = entity.fields();
        for (int i = 0; i < fields.size(); i++) {
            String field = fields.get(i);
            String column = header.get(i);
            String value = cells[i] == null ? null : cells[i].trim();
            if (value != null && value.isEmpty()) {
                value = null;
            }
            if (value != null && value.length() > maxFieldLength) {
                problems.add(column + ": " + value.length() + " characters, more than the " + maxFieldLength + " allowed");
                continue;
            }
            if (value != null && hasControlCharacter(value)) {
                problems.add(column + ": holds a control character (NUL, line break or similar)");
                continue;
            }
            if (value == null) {
                if (entity.required(field)) {
                    problems.add(column + ": is empty but required");
                }
                record.set(field, LISTS.contains(field) ? NODES.arrayNode() : NODES.nullNode());
                continue;
            }
            if (entity == Entity.USERS && DATES.contains(field)) {
                record.put(field, date(column, value, problems));
            } else if (entity == Entity.USERS && LISTS.contains(field)) {
                record.set(field, list(column, value, problems));
            } else if (entity == Entity.USERS && field.equals("status")) {
                record.put(field, status(column, value, problems));
            } else if (entity == Entity.USERS && field.equals("email") && !EMAIL.matcher(value).matches()) {
                problems.add(column + ": '" + SnapshotFile.shorten(value) + "' is not an e-mail address");
            } else {
                record.put(field, value);
            }
        }
        if (entity == Entity.USERS && problems.isEmpty()) {
            checkDates(record, problems);
        }
        return problems.isEmpty() ? record : null;
    }

    private void checkDates(ObjectNode record, List<String> problems) {
        String since = record.path("employed_since").asText(null);
        String until = record.path("employed_until").asText(null);
        if (since != null && until != null && until.compareTo(since) < 0) {
            problems.add(column("employed_until") + ": " + until + " is before " + column("employed_since") + " " + since);
        }
        String birthday = record.path("birthday").asText(null);
        if (birthday != null && LocalDate.parse(birthday).isAfter(today)) {
            problems.add(column("birthday") + ": " + birthday + " is in the future");
        }
    }

    private String date(String column, String value, List<String> problems) {
        try {
            return LocalDate.parse(value, dates).toString();
        } catch (DateTimeParseException e) {
            problems.add(column + ": '" + SnapshotFile.shorten(value) + "' is not a valid date in the form " + datePattern);
            return null;
        }
    }

    private ArrayNode list(String column, String value, List<String> problems) {
        Set<String> values = new LinkedHashSet<>();
        for (String item : listSplit.split(value, -1)) {
            String one = item.trim();
            if (one.isEmpty()) {
                problems.add(column + ": '" + SnapshotFile.shorten(value) + "' has an empty value between '" + listSeparator + "' separators");
                break;
            }
            values.add(one);
        }
        ArrayNode list = NODES.arrayNode();
        new ArrayList<>(values).forEach(list::add);
        return list;
    }

    private String status(String column, String value, List<String> problems) {
        for (String status : statuses) {
            if (status.equalsIgnoreCase(value)) {
                return status;
            }
        }
        problems.add(column + ": '" + SnapshotFile.shorten(value) + "' is not one of " + String.join(", ", statuses));
        return null;
    }

    private static boolean hasControlCharacter(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' || c == 0x7F) {
                return true;
            }
        }
        return false;
    }
}

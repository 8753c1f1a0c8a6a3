package io.feedbackhub.winningtemp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.dataformat.bindy.csv.BindyCsvDataFormat;
import org.apache.camel.support.DefaultExchange;

/**
 * Reads one snapshot file into rows: strict UTF-8 lines ({@link Utf8Lines}), the header matched by
 * name against the configured columns (any order), then the data lines through camel-bindy in
 * chunks. The header decides which column feeds which field: each line's cells are put into the
 * row class's bindy order before bindy parses them. Bindy never sees the header (it would skip the
 * first line of every chunk) and never a whole file (it would hold it all in memory).
 */
final class SnapshotFile {

    record Row(int line, String[] cells) {
    }

    /** Lines per bindy call: large enough to spread bindy's per-call cost, small enough to stay in cache. */
    private static final int CHUNK = 500;
    private static final Pattern BINDY_LINE = Pattern.compile(",? *line: *\\d+\\.?$");

    private final CamelContext camel;
    private final BindyCsvDataFormat bindy;
    private final Entity entity;
    private final List<String> header;
    private final boolean ignoreUnknownColumns;
    private final int maxLineBytes;
    /** The file's column of each field (-1: not in the file), set by the header. */
    private int[] columnOf;
    /** Columns of the file's header. */
    private int columns;
    /** Whether the file's columns are exactly bindy's, so lines go to bindy as they are. */
    private boolean inBindyOrder;
    /** Where each cell of the current line starts, and one past its end; reused line after line. */
    private int[] cellStart;
    private int[] cellEnd;

    SnapshotFile(CamelContext camel, Entity entity, WinningtempConfig config) {
        this.camel = camel;
        this.entity = entity;
        this.header = entity.header(config);
        this.ignoreUnknownColumns = config.ignoreUnknownColumns();
        this.maxLineBytes = Math.max(64 * 1024, (config.maxFieldLength() + 3) * 4 * entity.fields().size());
        this.bindy = new BindyCsvDataFormat(entity.rowType());
        bindy.setCamelContext(camel);
        // a one-row chunk must still come back as a list
        bindy.setUnwrapSingleInstance(false);
        bindy.start();
    }

    /**
     * Hands every row that bindy could read to {@code rows}, reports the ones it could not, and
     * throws {@link SnapshotRejected.Structural} for a fault of the whole file.
     */
    void read(InputStream in, String file, SnapshotReport report, Consumer<Row> rows) throws IOException {
        Utf8Lines lines = new Utf8Lines(in, maxLineBytes);
        Utf8Lines.Line first = lines.next();
        while (first != null && first.text().isBlank()) {
            first = lines.next();
        }
        if (first == null) {
            throw new SnapshotRejected.Structural(0, "the file is empty (an empty snapshot would remove everyone)");
        }
        readHeader(first);
        List<Utf8Lines.Line> chunk = new ArrayList<>(CHUNK);
        int dataLines = 0;
        Utf8Lines.Line line;
        while ((line = lines.next()) != null) {
            if (line.text().isBlank()) {
                continue;
            }
            dataLines++;
            String problem = split(line.text());
            if (problem != null) {
                report.row(file, line.number(), problem
                        + (lines.endedWithoutBreak() ? " (the file ends here without a line break: cut short?)" : ""));
                continue;
            }
            if (lines.endedWithoutBreak()) {
                // a last value cut mid-field looks whole: only the missing line break tells
                report.row(file, line.number(), "the file ends without a line break after this row: it may have been cut short"
                        + " (a complete file ends every row with one)");
                continue;
            }
            chunk.add(inBindyOrder ? line : new Utf8Lines.Line(line.number(), inBindyOrder(line.text())));
            if (chunk.size() == CHUNK) {
                parse(chunk, file, report, rows);
                chunk.clear();
            }
        }
        parse(chunk, file, report, rows);
        if (dataLines == 0) {
            throw new SnapshotRejected.Structural(0, "the file has a header but no rows (an empty snapshot would remove everyone)");
        }
    }

    /**
     * Finds each field's column by its header name (ignoring case, a BOM and surrounding spaces or
     * quotes). A required column that is missing, a column named twice or, unless
     * hub.winningtemp.ignore-unknown-columns is set, a column that is no field's rejects the file.
     */
    private void readHeader(Utf8Lines.Line line) {
        List<String> found = List.of(line.text().split(";", -1));
        List<String> fields = entity.fields();
        if (found.size() == 1 && fields.stream().filter(entity::required).count() > 1) {
            throw new SnapshotRejected.Structural(line.number(), "the header is not separated by ';' (found '" + shorten(line.text()) + "')");
        }
        Map<String, Integer> fieldOf = new HashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            fieldOf.put(headerName(header.get(i)), i);
        }
        columnOf = new int[fields.size()];
        Arrays.fill(columnOf, -1);
        List<String> problems = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (int column = 0; column < found.size(); column++) {
            Integer field = fieldOf.get(headerName(found.get(column)));
            if (field == null) {
                unknown.add("column " + (column + 1) + " '" + shorten(found.get(column).trim()) + "'");
            } else if (columnOf[field] >= 0) {
                problems.add("'" + header.get(field) + "' is both column " + (columnOf[field] + 1) + " and column " + (column + 1));
            } else {
                columnOf[field] = column;
            }
        }
        for (int i = 0; i < fields.size(); i++) {
            if (columnOf[i] < 0 && entity.required(fields.get(i))) {
                problems.add("the required column '" + header.get(i) + "' is missing (" + entity.columnKey(fields.get(i)) + ")");
            }
        }
        if (!unknown.isEmpty() && !ignoreUnknownColumns) {
            problems.add(String.join(", ", unknown) + (unknown.size() == 1 ? " is" : " are") + " none of the configured columns"
                    + " (set hub.winningtemp.ignore-unknown-columns=true to skip such columns)");
        }
        if (!problems.isEmpty()) {
            throw new SnapshotRejected.Structural(line.number(), String.join("; ", problems) + " (the header is '" + shorten(line.text())
                    + "'; expected the columns " + String.join(";", header) + " in any order)");
        }
        columns = found.size();
        cellStart = new int[columns];
        cellEnd = new int[columns];
        inBindyOrder = columns == fields.size();
        for (int i = 0; i < fields.size() && inBindyOrder; i++) {
            inBindyOrder = columnOf[i] == i;
        }
    }

    /** A header name as compared: a stray BOM, spaces and enclosing quotes do not count, nor does case. */
    private static String headerName(String name) {
        String text = name.strip();
        while (text.startsWith("\uFEFF")) {
            text = text.substring(1).strip();
        }
        if (text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"")) {
            text = text.substring(1, text.length() - 1).strip();
        }
        return text.toLowerCase(Locale.ROOT);
    }

    /**
     * Finds the cells of a line, split on ';' outside quotes as bindy splits them. Bindy fills
     * missing trailing columns with nulls, so a line cut short would pass as a row with empty
     * cells: the columns are counted here first.
     */
    private String split(String line) {
        int count = 0;
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                if (count < columns) {
                    cellStart[count] = start;
                    cellEnd[count] = i;
                }
                count++;
                start = i + 1;
            }
        }
        if (count < columns) {
            cellStart[count] = start;
            cellEnd[count] = line.length();
        }
        count++;
        if (quoted) {
            return "a quote (\") is not closed on this line (a quoted value cannot span lines)";
        }
        if (count < columns) {
            return "fewer columns (" + count + ") than the " + columns + " of the header";
        }
        if (count > columns) {
            return "more columns (" + count + ") than the " + columns + " of the header";
        }
        return null;
    }

    /** The cells of the line {@link #split} read, in bindy's order; a field whose column the file has not gets an empty cell. */
    private String inBindyOrder(String line) {
        StringBuilder ordered = new StringBuilder(line.length() + columnOf.length);
        for (int i = 0; i < columnOf.length; i++) {
            if (i > 0) {
                ordered.append(';');
            }
            int column = columnOf[i];
            if (column >= 0) {
                ordered.append(line, cellStart[column], cellEnd[column]);
            }
        }
        return ordered.toString();
    }

    private void parse(List<Utf8Lines.Line> chunk, String file, SnapshotReport report, Consumer<Row> rows) {
        if (chunk.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder(chunk.size() * 128);
        chunk.forEach(line -> text.append(line.text()).append('\n'));
        try {
            List<?> parsed = unmarshal(text.toString());
            if (parsed.size() == chunk.size()) {
                for (int i = 0; i < chunk.size(); i++) {
                    rows.accept(new Row(chunk.get(i).number(), ((CsvRow) parsed.get(i)).cells()));
                }
                return;
            }
        } catch (Exception chunkFailed) {
            // one bad line fails bindy's whole chunk: read its lines one by one to tell which
        }
        for (int i = 0; i < chunk.size(); i++) {
            Utf8Lines.Line line = chunk.get(i);
            try {
                List<?> parsed = unmarshal(line.text() + "\n");
                rows.accept(new Row(line.number(), ((CsvRow) parsed.get(0)).cells()));
            } catch (Exception e) {
                report.row(file, line.number(), bindyProblem(e));
            }
        }
    }

    private List<?> unmarshal(String lines) throws Exception {
        Exchange exchange = new DefaultExchange(camel);
        exchange.setProperty(Exchange.CHARSET_NAME, StandardCharsets.UTF_8.name());
        Object result = bindy.unmarshal(exchange, new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8)));
        return result instanceof List<?> list ? list : List.of(result);
    }

    /** Bindy's message without its chunk-relative line number: "Some fields are missing". */
    private String bindyProblem(Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        Matcher m = BINDY_LINE.matcher(message.trim());
        return shorten(m.replaceAll("").trim());
    }

    static String shorten(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "...";
    }
}

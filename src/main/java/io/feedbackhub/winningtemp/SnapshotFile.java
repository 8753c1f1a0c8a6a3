package io.feedbackhub.winningtemp;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.dataformat.bindy.csv.BindyCsvDataFormat;
import org.apache.camel.support.DefaultExchange;

/**
 * Reads one snapshot file into rows: strict UTF-8 lines ({@link Utf8Lines}), the header checked by
 * name and order against the configured columns, then the data lines through camel-bindy in
 * chunks. Bindy never sees the header (it would skip the first line of every chunk) and never a
 * whole file (it would hold it all in memory).
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
    private final int maxLineBytes;

    SnapshotFile(CamelContext camel, Entity entity, List<String> header, int maxFieldLength) {
        this.camel = camel;
        this.entity = entity;
        this.header = header;
        this.maxLineBytes = Math.max(64 * 1024, (maxFieldLength + 3) * 4 * entity.fields().size());
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
        checkHeader(first);
        List<Utf8Lines.Line> chunk = new ArrayList<>(CHUNK);
        int dataLines = 0;
        Utf8Lines.Line line;
        while ((line = lines.next()) != null) {
            if (line.text().isBlank()) {
                continue;
            }
            dataLines++;
            String problem = columnProblem(line.text());
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
            chunk.add(line);
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

    private void checkHeader(Utf8Lines.Line line) {
        List<String> found = List.of(line.text().split(";", -1)).stream().map(String::trim).toList();
        if (found.equals(header)) {
            return;
        }
        String problem;
        if (found.size() == 1 && header.size() > 1) {
            problem = "the header is not separated by ';' (found '" + shorten(line.text()) + "')";
        } else if (found.size() != header.size()) {
            problem = "the header has " + found.size() + " columns, expected " + header.size() + ": " + String.join(";", header);
        } else {
            int column = 0;
            while (found.get(column).equals(header.get(column))) {
                column++;
            }
            problem = "column " + (column + 1) + " of the header is '" + shorten(found.get(column)) + "', expected '"
                    + header.get(column) + "' (expected header: " + String.join(";", header) + ")";
        }
        throw new SnapshotRejected.Structural(line.number(), problem);
    }

    /**
     * Bindy fills missing trailing columns with nulls, so a line cut short would pass as a row with
     * empty cells: the columns are counted here first, outside quotes as bindy splits them.
     */
    private String columnProblem(String line) {
        int columns = 1;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == ';' && !quoted) {
                columns++;
            }
        }
        if (quoted) {
            return "a quote (\") is not closed on this line (a quoted value cannot span lines)";
        }
        int expected = entity.fields().size();
        if (columns < expected) {
            return "fewer columns (" + columns + ") than the " + expected + " of the header";
        }
        if (columns > expected) {
            return "more columns (" + columns + ") than the " + expected + " of the header";
        }
        return null;
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

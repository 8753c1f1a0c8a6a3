package io.feedbackhub.testing;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/** The hub's log lines (any logger) that match, with their times, while it is open. */
public final class LogCapture extends Handler implements AutoCloseable {

    /** One matching line. */
    public record Line(Instant at, String text) {
    }

    private final Predicate<String> match;
    private final List<Line> lines = new CopyOnWriteArrayList<>();

    private LogCapture(Predicate<String> match) {
        this.match = match;
    }

    public static LogCapture of(Predicate<String> match) {
        LogCapture capture = new LogCapture(match);
        Logger.getLogger("").addHandler(capture);
        return capture;
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    public List<Instant> times() {
        return lines.stream().map(Line::at).sorted().toList();
    }

    public List<String> texts() {
        return lines.stream().map(Line::text).toList();
    }

    @Override
    public void publish(LogRecord record) {
        String text = record instanceof ExtLogRecord ext ? ext.getFormattedMessage() : record.getMessage();
        if (text != null && match.test(text)) {
            lines.add(new Line(record.getInstant(), text));
        }
    }

    @Override
    public void flush() {
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(this);
    }
}

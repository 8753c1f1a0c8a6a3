package io.feedbackhub.qualtrics;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Dates as Qualtrics takes them: UTC {@code yyyy-MM-dd'T'HH:mm:ss'Z'}, no milliseconds. A date
 * without a zone is refused rather than guessed: reading local time as UTC (or appending a literal
 * Z to local time) is the mistake other clients made.
 */
public final class QualtricsDates {

    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);

    private QualtricsDates() {
    }

    public static String format(Instant instant) {
        return UTC.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** An ISO-8601 date-time with Z or an offset, as Qualtrics' UTC form; otherwise a 400 naming the field. */
    public static String utc(String field, String value) {
        try {
            return format(OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeException e) {
            throw CommandRejected.field(field, "must be an ISO-8601 date-time with a zone (2026-01-05T08:00:00Z or"
                    + " 2026-01-05T09:00:00+01:00), not '" + value + "'");
        }
    }
}

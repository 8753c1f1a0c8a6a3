package io.feedbackhub.segment;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Segment's browser Wootric integration reads {@code createdAt} with the new-date rules and rounds
 * to the nearest second; the relay does the same so both give Wootric one value (see
 * shared/docs/segment-tracking-api.md §4.1 and its test vectors).
 */
public final class SegmentDates {

    /** new-date: a number below this is seconds, otherwise milliseconds. */
    private static final long SECONDS_LIMIT = 31_557_600_000L;
    /** The year 9999: anything later is no date anyone means. */
    private static final long MAX_SECONDS = 253_402_300_799L;
    private static final Pattern THIRTEEN_DIGITS = Pattern.compile("\\d{13}");
    private static final Pattern TEN_DIGITS = Pattern.compile("\\d{10}");
    private static final Pattern US_DATE = Pattern.compile("(\\d{1,2})/(\\d{1,2})/(\\d{4})");
    private static final Pattern ISO = Pattern.compile("\\d{4}-?\\d{2}-?\\d{2}([T ].*)?");

    private SegmentDates() {
    }

    /** Unix seconds, rounded to the nearest second, or empty when the value is no date. */
    public static Optional<Long> epochSeconds(JsonNode value) {
        try {
            return read(value);
        } catch (IllegalArgumentException | ArithmeticException notADate) {
            return Optional.empty();
        }
    }

    private static Optional<Long> read(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return Optional.empty();
        }
        if (value.isNumber()) {
            BigDecimal number = value.decimalValue();
            BigDecimal millis = number.abs().compareTo(BigDecimal.valueOf(SECONDS_LIMIT)) < 0 ? number.movePointRight(3) : number;
            return Optional.of(roundToSecond(millis));
        }
        return value.isTextual() ? epochSeconds(value.asText().trim()) : Optional.empty();
    }

    static Optional<Long> epochSeconds(String text) {
        Optional<Instant> iso = iso(text);
        if (iso.isPresent()) {
            return Optional.of(roundToSecond(BigDecimal.valueOf(iso.get().getEpochSecond()).movePointRight(3)
                    .add(BigDecimal.valueOf(iso.get().getNano()).movePointLeft(6))));
        }
        Matcher ms = THIRTEEN_DIGITS.matcher(text);
        if (ms.find()) {
            return Optional.of(roundToSecond(new BigDecimal(ms.group())));
        }
        Matcher seconds = TEN_DIGITS.matcher(text);
        if (seconds.find()) {
            // new-date uses parseInt here: a fraction is cut off, not rounded
            return Optional.of(Long.parseLong(seconds.group()));
        }
        Matcher us = US_DATE.matcher(text);
        if (us.matches()) {
            return Optional.of(LocalDate.of(Integer.parseInt(us.group(3)), Integer.parseInt(us.group(1)),
                    Integer.parseInt(us.group(2))).atStartOfDay(ZoneOffset.UTC).toEpochSecond());
        }
        return Optional.empty();
    }

    /** An ISO-8601 date or date-time (basic or extended form); without a zone it is UTC. */
    public static Optional<Instant> iso(String text) {
        if (!ISO.matcher(text).matches()) {
            return Optional.empty();
        }
        try {
            if (text.length() == 8) {
                return Optional.of(LocalDate.parse(text, DateTimeFormatter.BASIC_ISO_DATE).atStartOfDay(ZoneOffset.UTC).toInstant());
            }
            if (text.length() == 10) {
                return Optional.of(LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant());
            }
            String normalised = text.replace(' ', 'T');
            try {
                return Optional.of(OffsetDateTime.parse(normalised).toInstant());
            } catch (DateTimeParseException zoneless) {
                return Optional.of(LocalDateTime.parse(normalised).toInstant(ZoneOffset.UTC));
            }
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** JavaScript's Math.round(ms / 1000): halves go up. */
    private static long roundToSecond(BigDecimal millis) {
        BigDecimal seconds = millis.movePointLeft(3).setScale(0, RoundingMode.HALF_UP);
        if (seconds.abs().compareTo(BigDecimal.valueOf(MAX_SECONDS)) > 0) {
            throw new IllegalArgumentException("not a date: " + millis.toPlainString() + " ms");
        }
        return seconds.longValueExact();
    }
}

package dev.eddy.time;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.concurrent.ConcurrentHashMap;

/** Helpers for event-time extractors. */
public final class Times {

    private static final ConcurrentHashMap<String, DateTimeFormatter> FORMATTERS = new ConcurrentHashMap<>();

    private Times() {
    }

    /**
     * Reads a local date-time that carries no zone as UTC.
     *
     * @param text the text, e.g. {@code "2001/01/14 21:55"}
     * @param pattern a {@link DateTimeFormatter} pattern with date and time fields, e.g. {@code "yyyy/MM/dd HH:mm"};
     *     formatters are cached per pattern
     * @return the instant
     * @throws IllegalArgumentException if {@code text} does not match {@code pattern} or names no such date-time
     *     (such as February 30 or 24:00, which are not silently moved to another time); the message quotes both
     */
    public static Instant utc(String text, String pattern) {
        DateTimeFormatter formatter = FORMATTERS.computeIfAbsent(pattern, Times::strict);
        try {
            return LocalDateTime.parse(text, formatter).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException | NullPointerException e) {
            throw new IllegalArgumentException("time '" + text + "' does not match pattern '" + pattern + "'", e);
        }
    }

    /** Strict resolution rejects impossible dates; 'yyyy' (year of era) then needs an era: the current one. */
    private static DateTimeFormatter strict(String pattern) {
        return new DateTimeFormatterBuilder().appendPattern(pattern).parseDefaulting(ChronoField.ERA, 1)
                .toFormatter().withResolverStyle(ResolverStyle.STRICT);
    }
}

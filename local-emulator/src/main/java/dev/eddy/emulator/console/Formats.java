package dev.eddy.emulator.console;

import java.time.Duration;
import java.util.Locale;

/** How {@code ./eddy} writes figures for people: in {@link Locale#ROOT}, with thousands separators. */
public final class Formats {

    private Formats() {
    }

    /**
     * @param value any figure
     * @return it with thousands separators, and decimals only where they carry information: none from 100 up, one
     *     from 10, two below ({@code 12,345}, {@code 12.3}, {@code 1.23})
     */
    public static String number(double value) {
        double magnitude = Math.abs(value);
        String pattern = magnitude >= 100 ? "%,.0f" : magnitude >= 10 ? "%,.1f" : "%,.2f";
        return String.format(Locale.ROOT, pattern, value);
    }

    /**
     * @param units DynamoDB capacity units
     * @return them whole, or with one decimal if they have a fraction ({@code 1,024}, {@code 2.5})
     */
    public static String units(double units) {
        return String.format(Locale.ROOT, units == Math.rint(units) ? "%,.0f" : "%,.1f", units);
    }

    /**
     * @param ms a duration, ms
     * @return it for people: seconds with one decimal under a minute ({@code 4.2 s}), else minutes and seconds
     *     under an hour ({@code 2min 3s}), hours, minutes and seconds ({@code 1h 2min 3s}), or from a day on days,
     *     hours and minutes ({@code 2d 3h 4min}); negative with a minus sign
     */
    public static String duration(long ms) {
        if (ms < 0) {
            return "-" + duration(ms == Long.MIN_VALUE ? Long.MAX_VALUE : -ms);
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        Duration d = Duration.ofMillis(ms);
        if (d.toDaysPart() > 0) {
            return String.format(Locale.ROOT, "%,dd %dh %dmin", d.toDaysPart(), d.toHoursPart(), d.toMinutesPart());
        }
        return d.toHours() > 0 ? String.format(Locale.ROOT, "%dh %dmin %ds", d.toHours(), d.toMinutesPart(),
                d.toSecondsPart()) : String.format(Locale.ROOT, "%dmin %ds", d.toMinutesPart(), d.toSecondsPart());
    }
}

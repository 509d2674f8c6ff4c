package dev.eddy.window;

import java.time.Duration;
import java.util.Objects;

/**
 * One window per key spanning all time, fired by a trigger that purges: the window starts over after each firing.
 * <ul>
 * <li>{@link #withCountTrigger(long)}: every {@code count} elements of a key fire with those elements — Flink's
 *     {@code countWindow(count)}, {@code GlobalWindows} with a purging {@code CountTrigger}.</li>
 * <li>{@link #withProcessingTimeTrigger(Duration)}: a key's elements fire together once {@code interval} of
 *     processing time (the wall clock) has passed since the first of them. Lambda invokes a function only when
 *     records arrive, so a due pane fires at the shard's next invocation.</li>
 * </ul>
 *
 * <p>Each firing is a new pane, not an update: {@link dev.eddy.pipeline.Windowed#firing()} numbers the panes of a
 * key from 0, and the window reported is all of time. Event time plays no part: no element is late. As in Flink,
 * a pane that has not fired when a bounded input ends stays in state.
 *
 * @param count elements per firing, or 0 for a processing-time trigger
 * @param intervalMs processing time from a pane's first element to its firing, ms, or 0 for a count trigger
 */
public record GlobalWindows(long count, long intervalMs) implements WindowAssigner {

    /** The window of all time. */
    public static final Window ALL_TIME = new Window(Long.MIN_VALUE, Long.MAX_VALUE);

    /**
     * @throws IllegalArgumentException unless exactly one of count and interval is positive
     */
    public GlobalWindows {
        if (count < 0 || intervalMs < 0 || (count == 0) == (intervalMs == 0)) {
            throw new IllegalArgumentException("global windows need one trigger: a count of at least 1 or an"
                    + " interval of at least 1 ms (were " + count + " and " + intervalMs + " ms)");
        }
    }

    /**
     * @param count elements per firing, at least 1
     * @return global windows that fire and start over every {@code count} elements of a key
     * @throws IllegalArgumentException if the count is below 1
     */
    public static GlobalWindows withCountTrigger(long count) {
        if (count < 1) {
            throw new IllegalArgumentException("a count trigger needs at least 1 element, was " + count);
        }
        return new GlobalWindows(count, 0);
    }

    /**
     * @param interval processing time from a pane's first element to its firing, at least 1 s
     * @return global windows whose panes fire {@code interval} after their first element, by the wall clock
     * @throws IllegalArgumentException if shorter than 1 second
     */
    public static GlobalWindows withProcessingTimeTrigger(Duration interval) {
        if (Objects.requireNonNull(interval, "interval").compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("a processing-time trigger needs at least 1 s, was " + interval);
        }
        return new GlobalWindows(0, interval.toMillis());
    }

    /** @return the window of all time */
    @Override
    public Window[] assign(long timestampMs) {
        return new Window[] {ALL_TIME};
    }

    /** @return {@code false}: panes fire by their count or processing-time trigger, not by the watermark */
    @Override
    public boolean isEventTime() {
        return false;
    }
}

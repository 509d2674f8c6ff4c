package dev.eddy.window;

import java.time.Duration;
import java.util.Objects;

/**
 * Sessions: bursts of activity per key separated by at least {@code gap} of inactivity, as Flink's
 * {@code EventTimeSessionWindows.withGap}. Each element opens {@code [ts, ts + gap)}; windows of a key that overlap
 * or touch merge into one session, so a session grows as elements come, and an element that falls between two
 * sessions can bridge them into one.
 *
 * <p>A key's open sessions are kept together in one state item; a session fires when the watermark reaches its
 * {@code end − 1}. Whether an element is late is decided after merging: it is late only if the session it would
 * join has passed its end plus allowed lateness.
 *
 * @param gapMs the inactivity gap in ms, positive
 */
public record SessionWindows(long gapMs) implements WindowAssigner {

    /**
     * @throws IllegalArgumentException if the gap is not positive
     */
    public SessionWindows {
        if (gapMs <= 0) {
            throw new IllegalArgumentException("session gap must be positive, was " + gapMs + " ms");
        }
    }

    /**
     * @param gap the inactivity gap that ends a session, at least 1 ms
     * @return the assigner
     * @throws IllegalArgumentException if shorter than 1 ms
     */
    public static SessionWindows withGap(Duration gap) {
        return new SessionWindows(Objects.requireNonNull(gap, "gap").toMillis());
    }

    /** @return the element's own window, {@code [ts, ts + gap)}, before merging */
    @Override
    public Window[] assign(long timestampMs) {
        long end = timestampMs + gapMs;
        if (end < timestampMs) {
            throw WindowStarts.unrepresentable(timestampMs, gapMs, "session");
        }
        return new Window[] {new Window(timestampMs, end)};
    }

    /**
     * @param a a window
     * @param b another
     * @return whether they overlap or touch, so that their sessions merge
     */
    public static boolean merges(Window a, Window b) {
        return a.startMs() <= b.endMs() && b.startMs() <= a.endMs();
    }

    /** @return {@code true}: sessions merge */
    @Override
    public boolean isMerging() {
        return true;
    }
}

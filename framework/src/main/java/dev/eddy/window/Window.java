package dev.eddy.window;

import java.time.Instant;

/**
 * A time window, half-open: {@code [startMs, endMs)} in milliseconds since the epoch.
 *
 * <p>A result of the window carries the timestamp {@link #maxTimestamp()} = {@code endMs − 1}, and the window
 * fires once the watermark reaches it (Flink's {@code TimeWindow} rule).
 *
 * @param startMs inclusive start, ms since the epoch
 * @param endMs exclusive end, ms since the epoch; greater than {@code startMs}
 */
public record Window(long startMs, long endMs) {

    /**
     * @throws IllegalArgumentException if {@code endMs <= startMs}
     */
    public Window {
        if (endMs <= startMs) {
            throw new IllegalArgumentException("window end " + endMs + " must be after its start " + startMs);
        }
    }

    /** @return the last millisecond inside the window, {@code endMs − 1} */
    public long maxTimestamp() {
        return endMs - 1;
    }

    /** @return the inclusive start as an instant */
    public Instant start() {
        return Instant.ofEpochMilli(startMs);
    }

    /** @return the exclusive end as an instant */
    public Instant end() {
        return Instant.ofEpochMilli(endMs);
    }
}

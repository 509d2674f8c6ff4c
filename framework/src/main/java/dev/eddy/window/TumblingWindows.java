package dev.eddy.window;

import java.time.Duration;
import java.util.Objects;

/**
 * Fixed-size, non-overlapping, gap-free windows: every element belongs to exactly one.
 *
 * <p>A window starts at {@code ts − floorMod(ts − offset, size)}, the rule of Flink's
 * {@code TimeWindow.getWindowStartWithOffset}, so negative timestamps and offsets work. Windows of a day
 * with offset zero are UTC days.
 *
 * @param sizeMs window length in ms, positive
 * @param offsetMs shift of window starts from the epoch in ms, {@code 0 <= offsetMs < sizeMs}
 */
public record TumblingWindows(long sizeMs, long offsetMs) implements WindowAssigner {

    /**
     * @throws IllegalArgumentException if the size is not positive or the offset is outside {@code [0, size)}
     */
    public TumblingWindows {
        if (sizeMs <= 0) {
            throw new IllegalArgumentException("tumbling window size must be positive, was " + sizeMs + " ms");
        }
        if (offsetMs < 0 || offsetMs >= sizeMs) {
            throw new IllegalArgumentException("tumbling window offset must be in [0, size), was " + offsetMs + " ms");
        }
    }

    /**
     * Windows of {@code size}, aligned to the epoch.
     *
     * @param size window length, at least 1 ms
     * @return the assigner
     * @throws IllegalArgumentException if {@code size} is shorter than 1 ms
     */
    public static TumblingWindows of(Duration size) {
        return new TumblingWindows(Objects.requireNonNull(size, "size").toMillis(), 0);
    }

    /**
     * The same windows shifted by {@code offset}, e.g. days that start at 08:00 UTC.
     *
     * @param offset shift of window starts, {@code 0 <= offset < size}
     * @return a copy with the offset
     * @throws IllegalArgumentException if the offset is outside {@code [0, size)}
     */
    public TumblingWindows withOffset(Duration offset) {
        return new TumblingWindows(sizeMs, Objects.requireNonNull(offset, "offset").toMillis());
    }

    /**
     * @throws IllegalArgumentException if the window of {@code timestampMs} starts or ends outside the range of
     *     {@code long} (event times within about 292 million years of the epoch always have a window)
     */
    @Override
    public Window[] assign(long timestampMs) {
        long start = WindowStarts.alignedStart(timestampMs, offsetMs, sizeMs, "tumbling");
        return new Window[] {WindowStarts.window(start, sizeMs, timestampMs, "tumbling")};
    }
}

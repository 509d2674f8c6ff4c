package dev.eddy.window;

import java.time.Duration;
import java.util.Objects;

/**
 * Windows of a fixed size that start every {@code slide}: with a slide shorter than the size they overlap, and an
 * element belongs to about {@code size / slide} of them, each a separate state item and result.
 *
 * <p>Assignment follows Flink's {@code SlidingEventTimeWindows}: the last window holding {@code ts} starts at
 * {@code ts − floorMod(ts − offset, slide)}, and the element belongs to the windows starting at that start,
 * {@code start − slide}, … while {@code start > ts − size}.
 *
 * @param sizeMs window length in ms, positive
 * @param slideMs distance between window starts in ms, positive
 * @param offsetMs shift of window starts from the epoch in ms, {@code 0 <= offsetMs < slideMs}
 */
public record SlidingWindows(long sizeMs, long slideMs, long offsetMs) implements WindowAssigner {

    /** Most windows one element may belong to: each is a state item and a result per key. */
    public static final int MAX_WINDOWS_PER_ELEMENT = 100;

    /**
     * @throws IllegalArgumentException if size or slide is not positive, the slide is longer than the size, the
     *     offset is outside {@code [0, slide)}, or an element would belong to more than
     *     {@value #MAX_WINDOWS_PER_ELEMENT} windows
     */
    public SlidingWindows {
        if (sizeMs <= 0 || slideMs <= 0) {
            throw new IllegalArgumentException("sliding window size and slide must be positive, were " + sizeMs
                    + " ms and " + slideMs + " ms");
        }
        if (slideMs > sizeMs) {
            throw new IllegalArgumentException("sliding window slide " + slideMs + " ms is longer than its size "
                    + sizeMs + " ms: elements between windows would belong to none");
        }
        if (offsetMs < 0 || offsetMs >= slideMs) {
            throw new IllegalArgumentException("sliding window offset must be in [0, slide), was " + offsetMs + " ms");
        }
        if ((sizeMs + slideMs - 1) / slideMs > MAX_WINDOWS_PER_ELEMENT) {
            throw new IllegalArgumentException("a " + sizeMs + " ms window sliding by " + slideMs + " ms puts each"
                    + " element in more than " + MAX_WINDOWS_PER_ELEMENT + " windows: use a longer slide");
        }
    }

    /**
     * Windows of {@code size} starting every {@code slide}, aligned to the epoch.
     *
     * @param size window length, at least 1 ms
     * @param slide distance between window starts, at least 1 ms
     * @return the assigner
     * @throws IllegalArgumentException as the canonical constructor
     */
    public static SlidingWindows of(Duration size, Duration slide) {
        return new SlidingWindows(Objects.requireNonNull(size, "size").toMillis(),
                Objects.requireNonNull(slide, "slide").toMillis(), 0);
    }

    /**
     * @param offset shift of window starts, {@code 0 <= offset < slide}
     * @return a copy with the offset
     * @throws IllegalArgumentException if the offset is outside {@code [0, slide)}
     */
    public SlidingWindows withOffset(Duration offset) {
        return new SlidingWindows(sizeMs, slideMs, Objects.requireNonNull(offset, "offset").toMillis());
    }

    @Override
    public Window[] assign(long timestampMs) {
        long lastStart = WindowStarts.alignedStart(timestampMs, offsetMs, slideMs, "sliding");
        int count = 0;
        // windows start at lastStart, lastStart - slide, ... while start > ts - size, i.e. ts - start < size
        while (count < MAX_WINDOWS_PER_ELEMENT && distance(timestampMs, lastStart, count) < sizeMs) {
            count++;
        }
        Window[] windows = new Window[count];
        for (int i = 0; i < count; i++) {
            long start;
            try {
                start = Math.subtractExact(lastStart, (long) i * slideMs);
            } catch (ArithmeticException e) {
                throw WindowStarts.unrepresentable(timestampMs, sizeMs, "sliding");
            }
            windows[i] = WindowStarts.window(start, sizeMs, timestampMs, "sliding");
        }
        return windows;
    }

    /** {@code ts − (lastStart − windows × slide)}, saturating at {@link Long#MAX_VALUE}. */
    private long distance(long ts, long lastStart, int windows) {
        try {
            return Math.addExact(ts - lastStart, Math.multiplyExact(windows, slideMs)); // ts - lastStart < slide
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }
}

package dev.eddy.window;

/**
 * One window per key spanning all time, fired by a count trigger: every {@code count} elements of a key fire
 * with those elements and the window starts over — Flink's {@code countWindow(count)}, that is
 * {@code GlobalWindows} with a purging {@code CountTrigger}.
 *
 * <p>Each firing is a new pane, not an update: {@link dev.eddy.pipeline.Windowed#firing()} numbers the panes of a
 * key from 0, and the window reported is all of time. Event time plays no part: no element is late. As in Flink,
 * a pane that has not reached {@code count} elements when a bounded input ends does not fire; it stays in state.
 *
 * @param count elements per firing, at least 1
 */
public record GlobalWindows(long count) implements WindowAssigner {

    /** The window of all time. */
    public static final Window ALL_TIME = new Window(Long.MIN_VALUE, Long.MAX_VALUE);

    /**
     * @throws IllegalArgumentException if the count is below 1
     */
    public GlobalWindows {
        if (count < 1) {
            throw new IllegalArgumentException("a count trigger needs at least 1 element, was " + count);
        }
    }

    /**
     * @param count elements per firing, at least 1
     * @return global windows that fire and start over every {@code count} elements of a key
     * @throws IllegalArgumentException if the count is below 1
     */
    public static GlobalWindows withCountTrigger(long count) {
        return new GlobalWindows(count);
    }

    /** @return the window of all time */
    @Override
    public Window[] assign(long timestampMs) {
        return new Window[] {ALL_TIME};
    }
}

package dev.eddy.window;

/**
 * Assigns an element's event time to the windows it belongs to. A closed set: the window kinds Eddy knows how
 * to store and fire.
 */
public sealed interface WindowAssigner permits TumblingWindows, SlidingWindows, SessionWindows, GlobalWindows {

    /**
     * The windows an element with this event time belongs to.
     *
     * @param timestampMs event time, ms since the epoch; negative values are valid
     * @return the windows, never empty
     */
    Window[] assign(long timestampMs);

    /**
     * Whether the windows fire by event time: when the shard's watermark reaches a window's end (Flink's
     * {@code WindowAssigner#isEventTime}, whose default trigger is the event-time trigger). Global windows fire by
     * their count or processing-time trigger instead.
     *
     * @return {@code true} for tumbling, sliding and session windows
     */
    default boolean isEventTime() {
        return true;
    }

    /**
     * Whether windows merge: an element's window joins every open window it overlaps or touches (Flink's
     * {@code MergingWindowAssigner}). Lateness is then decided after merging.
     *
     * @return {@code true} for session windows
     */
    default boolean isMerging() {
        return false;
    }
}

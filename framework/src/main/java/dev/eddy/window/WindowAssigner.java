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
}

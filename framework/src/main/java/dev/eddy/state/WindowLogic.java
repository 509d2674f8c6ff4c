package dev.eddy.state;

import dev.eddy.window.Window;
import java.math.BigInteger;
import java.util.List;

/**
 * What happens to a window's state, decided by the framework; the backend stores the outcome with fencing.
 * Implementations are pure: the same arguments give the same state.
 */
public interface WindowLogic {

    /**
     * Applies values not applied before.
     *
     * @param key the key
     * @param window the window
     * @param stored the stored state, or {@code null} for a new window
     * @param fresh values in sequence-number order; never empty
     * @return the new state, or {@code null} to refuse the values (they go to the late-data output: the window
     *     fired or was cleaned up on another shard's watermark, because the key does not follow the partition key)
     */
    WindowState onValues(String key, Window window, WindowState stored, List<SequencedValue> fresh);

    /**
     * Applies values not applied before, refusing some of them: what the backend calls. The default refuses all
     * or none, as {@link #onValues} says.
     *
     * @param key the key
     * @param window the window
     * @param stored the stored state, or {@code null} for a new window
     * @param fresh values in sequence-number order; never empty
     * @return the new state ({@code null}: nothing to write) and the refused values
     */
    default Outcome apply(String key, Window window, WindowState stored, List<SequencedValue> fresh) {
        WindowState next = onValues(key, window, stored, fresh);
        return next == null ? new Outcome(null, fresh) : new Outcome(next, List.of());
    }

    /**
     * @param state the new state, or {@code null} when nothing is to be written
     * @param refused values that go to the late-data output
     */
    record Outcome(WindowState state, List<SequencedValue> refused) {
    }

    /**
     * A timer came due.
     *
     * @param key the key
     * @param window the window
     * @param stored the stored state
     * @param timerMs the timer's time
     * @param tag the record whose watermark made it due
     * @return the new state
     */
    WindowState onTimer(String key, Window window, WindowState stored, long timerMs, BigInteger tag);

    /**
     * A processing-time timer came due. By default nothing changes.
     *
     * @param key the key
     * @param window the window
     * @param stored the stored state
     * @param timerMs the timer's wall-clock time, ms since the epoch
     * @param tag the record its firings are tagged with: the batch's first
     * @return the new state
     */
    default WindowState onProcessingTimer(String key, Window window, WindowState stored, long timerMs,
            BigInteger tag) {
        return stored;
    }
}

package dev.eddy.state;

import java.math.BigInteger;
import java.util.List;

/**
 * What happens to a key's state, decided by the framework (its windows and triggers, or its keyed process); the
 * backend stores the outcome with fencing. Implementations are pure: the same arguments give the same state, so a
 * backend may call them again after a write conflict, with a freshly read state.
 */
public interface KeyLogic {

    /**
     * Applies values not applied before, refusing those that can no longer be taken.
     *
     * @param key the key
     * @param stored the stored state, or {@code null} for a key without state
     * @param fresh values in sequence-number order; never empty
     * @return the new state ({@code null}: nothing to write) and the refused values, which go to the late-data
     *     output (a window fired or was cleaned up on another shard's watermark, because the key does not follow the
     *     partition key)
     */
    Outcome apply(String key, KeyState stored, List<SequencedValue> fresh);

    /**
     * @param state the new state, or {@code null} when nothing is to be written
     * @param refused values that go to the late-data output
     */
    record Outcome(KeyState state, List<SequencedValue> refused) {
    }

    /**
     * An event-time timer came due: the watermark reached {@code timerMs}.
     *
     * @param key the key
     * @param stored the stored state
     * @param timerMs the timer's time, ms
     * @param tag the record whose watermark made it due
     * @return the new state
     */
    KeyState onTimer(String key, KeyState stored, long timerMs, BigInteger tag);

    /**
     * A processing-time timer came due. By default nothing changes.
     *
     * @param key the key
     * @param stored the stored state
     * @param timerMs the timer's wall-clock time, ms since the epoch
     * @param tag the record its firings are tagged with: the batch's first
     * @return the new state
     */
    default KeyState onProcessingTimer(String key, KeyState stored, long timerMs, BigInteger tag) {
        return stored;
    }
}

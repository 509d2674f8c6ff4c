package dev.eddy.state;

import java.time.Instant;
import java.util.List;

/**
 * What is stored for one key, besides its fencing: its open windows, a global window's pane, or a keyed process's
 * state, as the framework's {@link KeyLogic} writes them.
 *
 * @param accumulator the key's state as JSON: its open windows with their accumulators and firing counts, a pane,
 *     or a keyed process's state
 * @param firings panes fired (global windows), or outputs emitted (a keyed process); 0 for time windows, which
 *     count their firings in {@code accumulator}
 * @param pending firings not yet known to be emitted: kept until a later batch shows them committed
 * @param timerMs the watermark time at which the key's next event-time timer is due (the earliest firing at a
 *     window's {@code end − 1}, or clean-up at {@code end − 1 + allowed lateness}); {@code null} for none
 * @param cleanedUp whether the state is done with (its item then expires by TTL)
 * @param expiresAt when DynamoDB's TTL may delete the item, or {@code null} to let the backend decide (a week
 *     after clean-up, never before)
 * @param processingTimerMs the wall-clock time (ms since the epoch) at which the state's processing-time timer
 *     is due, or {@code null} for none
 */
public record KeyState(String accumulator, int firings, List<Firing> pending, Long timerMs, boolean cleanedUp,
        Instant expiresAt, Long processingTimerMs) {

    /** Copies the pending list. */
    public KeyState {
        pending = List.copyOf(pending);
    }

    /**
     * A state whose expiry the backend decides.
     *
     * @param accumulator the accumulator's JSON
     * @param firings firings so far
     * @param pending firings not yet known to be emitted
     * @param timerMs time of the next timer, or {@code null}
     * @param cleanedUp whether the state is done with
     */
    public KeyState(String accumulator, int firings, List<Firing> pending, Long timerMs, boolean cleanedUp) {
        this(accumulator, firings, pending, timerMs, cleanedUp, null, null);
    }

    /**
     * A state without a processing-time timer.
     *
     * @param accumulator the accumulator's JSON
     * @param firings firings so far
     * @param pending firings not yet known to be emitted
     * @param timerMs time of the next event-time timer, or {@code null}
     * @param cleanedUp whether the state is done with
     * @param expiresAt when the TTL may delete the item, or {@code null}
     */
    public KeyState(String accumulator, int firings, List<Firing> pending, Long timerMs, boolean cleanedUp,
            Instant expiresAt) {
        this(accumulator, firings, pending, timerMs, cleanedUp, expiresAt, null);
    }
}

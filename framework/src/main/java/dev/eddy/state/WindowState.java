package dev.eddy.state;

import java.time.Instant;
import java.util.List;

/**
 * What is stored for one key's window (or, for a keyed process, one key), besides its fencing.
 *
 * @param accumulator the accumulator's JSON (a keyed process's state)
 * @param firings how many times the window has fired (outputs a keyed process has emitted)
 * @param pending firings not yet known to be emitted: kept until a later batch shows them committed
 * @param timerMs the watermark time at which the window's next timer is due (its firing at {@code end − 1}, or
 *     its clean-up at {@code end − 1 + allowed lateness}); {@code null} for none
 * @param cleanedUp whether the window is past its allowed lateness (its item then expires by TTL)
 * @param expiresAt when DynamoDB's TTL may delete the item, or {@code null} to let the backend decide (a week
 *     after clean-up, never before)
 * @param processingTimerMs the wall-clock time (ms since the epoch) at which the state's processing-time timer
 *     is due, or {@code null} for none
 */
public record WindowState(String accumulator, int firings, List<Firing> pending, Long timerMs, boolean cleanedUp,
        Instant expiresAt, Long processingTimerMs) {

    /** Copies the pending list. */
    public WindowState {
        pending = List.copyOf(pending);
    }

    /**
     * A state whose expiry the backend decides.
     *
     * @param accumulator the accumulator's JSON
     * @param firings firings so far
     * @param pending firings not yet known to be emitted
     * @param timerMs time of the next timer, or {@code null}
     * @param cleanedUp whether the window is past its allowed lateness
     */
    public WindowState(String accumulator, int firings, List<Firing> pending, Long timerMs, boolean cleanedUp) {
        this(accumulator, firings, pending, timerMs, cleanedUp, null, null);
    }

    /**
     * A state without a processing-time timer.
     *
     * @param accumulator the accumulator's JSON
     * @param firings firings so far
     * @param pending firings not yet known to be emitted
     * @param timerMs time of the next event-time timer, or {@code null}
     * @param cleanedUp whether the window is past its allowed lateness
     * @param expiresAt when the TTL may delete the item, or {@code null}
     */
    public WindowState(String accumulator, int firings, List<Firing> pending, Long timerMs, boolean cleanedUp,
            Instant expiresAt) {
        this(accumulator, firings, pending, timerMs, cleanedUp, expiresAt, null);
    }
}

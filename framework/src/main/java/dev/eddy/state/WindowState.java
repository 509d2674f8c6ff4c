package dev.eddy.state;

import java.util.List;

/**
 * What is stored for one key's window, besides its fencing.
 *
 * @param accumulator the accumulator's JSON
 * @param firings how many times the window has fired
 * @param pending firings not yet known to be emitted: kept until a later batch shows them committed
 * @param timerMs the watermark time at which the window's next timer is due (its firing at {@code end − 1}, or
 *     its clean-up at {@code end − 1 + allowed lateness}); {@code null} for none
 * @param cleanedUp whether the window is past its allowed lateness (its item then expires by TTL)
 */
public record WindowState(String accumulator, int firings, List<Firing> pending, Long timerMs, boolean cleanedUp) {

    /** Copies the pending list. */
    public WindowState {
        pending = List.copyOf(pending);
    }
}

package dev.eddy.state;

import dev.eddy.window.Window;
import java.math.BigInteger;

/**
 * One firing of one key's window: what is emitted.
 *
 * @param key the key
 * @param window the window
 * @param firing 0 for the first firing; greater for late firings (updates)
 * @param accumulator the accumulator's JSON at this firing
 * @param tag sequence number of the record that caused the firing (see {@link BatchRange})
 */
public record Firing(String key, Window window, int firing, String accumulator, BigInteger tag) {
}

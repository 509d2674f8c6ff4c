package dev.eddy.state;

import dev.eddy.window.Window;

/**
 * A window committed as fired.
 *
 * @param key the key
 * @param window the window
 * @param accumulator the accumulator's JSON at firing
 * @param firing 0 for the on-time firing
 */
public record FiredWindow(String key, Window window, String accumulator, int firing) {
}

package dev.eddy.state;

import dev.eddy.window.Window;
import java.util.List;

/**
 * A batch's elements for one key and window.
 *
 * @param key the key
 * @param window the window
 * @param values elements in increasing sequence-number order
 */
public record WindowUpdate(String key, Window window, List<SequencedValue> values) {
}

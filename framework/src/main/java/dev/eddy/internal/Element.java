package dev.eddy.internal;

import dev.eddy.window.Window;

/**
 * One element read from a record: the value after the stateless steps, its event time, its key and the windows it
 * is assigned to (for a keyed process, the window of all time). Internal.
 *
 * @param value the element
 * @param timestampMs its event time, ms since the epoch
 * @param key its key
 * @param windows its windows, never empty
 */
record Element(Object value, long timestampMs, String key, Window[] windows) {
}

package dev.eddy.state.dynamodb.timers;

/**
 * A timer read from a due bucket.
 *
 * @param at when it was due, ms
 * @param stored its stored form, which orders timers of the same time
 * @param entry the key it wakes
 */
public record DueTimer(long at, String stored, TimerEntry entry) {
}

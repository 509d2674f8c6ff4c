package dev.eddy.pipeline;

import dev.eddy.window.Window;

/**
 * One firing of one key's window: what {@link WindowedStream#aggregate} emits.
 *
 * @param key the key
 * @param window the window, {@code [start, end)}
 * @param value the aggregate's result
 * @param firing 0 for the on-time firing when the watermark passes the window's end; greater for late firings
 *     (updates that replace an earlier result)
 * @param id deterministic id of this firing, derived from (pipeline, key, window start, window end, firing):
 *     a retried or duplicated batch emits the same id, so downstream can deduplicate
 * @param <R> the result type
 */
public record Windowed<R>(String key, Window window, R value, int firing, String id) {
}

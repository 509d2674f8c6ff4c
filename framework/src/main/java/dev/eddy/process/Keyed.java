package dev.eddy.process;

import java.time.Instant;

/**
 * One output of a {@link KeyedProcess} function.
 *
 * @param key the key whose element caused it
 * @param value the output
 * @param timestamp the event time of that element
 * @param index the output's number among all outputs of its key, from 0
 * @param id deterministic id derived from (pipeline, key, index): a retried batch emits the same id
 * @param <R> the output type
 */
public record Keyed<R>(String key, R value, Instant timestamp, int index, String id) {
}

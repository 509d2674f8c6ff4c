package dev.eddy.pipeline;

import java.time.Instant;

/**
 * What a {@link KeyedProcess} function sees besides its state and element.
 *
 * @param <R> the output type
 */
public interface ProcessContext<R> {

    /** @return the element's key */
    String key();

    /** @return the element's event time */
    Instant timestamp();

    /**
     * Emits an output. Outputs are committed with the state change and delivered at least once, each with a
     * deterministic id, so downstream deduplicates by id.
     *
     * @param output the output; not {@code null}; written as JSON
     */
    void emit(R output);
}

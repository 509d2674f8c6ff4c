package dev.eddy.process;

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

    /**
     * Asks for a call of the process's timer function once this shard's watermark reaches {@code time} (an
     * event-time timer, as Flink's {@code TimerService.registerEventTimeTimer}). One timer per key and time; they
     * fire in time order, before the key's next element that arrives after the watermark passed them, and all at the
     * end of a bounded input.
     *
     * @param time when the timer is due, event time
     * @throws IllegalStateException if the process has no timer function
     */
    void registerEventTimeTimer(Instant time);

    /**
     * Cancels a timer registered for this key at {@code time}; nothing happens if there is none.
     *
     * @param time the timer's time
     */
    void deleteEventTimeTimer(Instant time);
}

package dev.eddy.process;

import java.time.Duration;
import java.util.Objects;

/**
 * Per-key logic with state, outside windows: Flink's {@code KeyedProcessFunction} with one value state. The
 * function sees each element of a key in shard order with the key's state, may emit outputs, and returns the new
 * state ({@code null} clears it).
 *
 * <p>The state is stored as JSON (Jackson) in one DynamoDB item per key, written once per batch with fencing, so a
 * retried batch changes it once and emits the same outputs with the same ids. With a time to live, state not
 * written for that long is treated as absent when read and is deleted by DynamoDB's TTL (processing time, as
 * Flink's {@code StateTtlConfig}).
 *
 * <pre>{@code
 * KeyedProcess.of(CardState.class, FraudAlert.class, (state, txn, ctx) -> { ... return newState; })
 *     .withStateTtl(Duration.ofHours(2))
 * }</pre>
 *
 * @param <T> element type
 * @param <S> state type, JSON-serialisable
 * @param <R> output type, JSON-serialisable
 */
public final class KeyedProcess<T, S, R> {

    /**
     * The per-element function.
     *
     * @param <T> element type
     * @param <S> state type
     * @param <R> output type
     */
    @FunctionalInterface
    public interface Function<T, S, R> {
        /**
         * @param state the key's state, {@code null} when there is none (first element, cleared or expired)
         * @param element the element
         * @param context key, event time, and where outputs go
         * @return the new state, or {@code null} to clear it
         */
        S apply(S state, T element, ProcessContext<R> context);
    }

    /**
     * What a due event-time timer does.
     *
     * @param <S> state type
     * @param <R> output type
     */
    @FunctionalInterface
    public interface TimerFunction<S, R> {
        /**
         * @param state the key's state, {@code null} when there is none
         * @param time the timer's time
         * @param context key ({@link ProcessContext#timestamp()} is the timer's time), outputs, more timers
         * @return the new state, or {@code null} to clear it
         */
        S onTimer(S state, java.time.Instant time, ProcessContext<R> context);
    }

    private final Class<S> stateType;
    private final Class<R> outputType;
    private final Function<T, S, R> function;
    private final Duration stateTtl;
    private final TimerFunction<S, R> timerFunction;

    private KeyedProcess(Class<S> stateType, Class<R> outputType, Function<T, S, R> function, Duration stateTtl,
            TimerFunction<S, R> timerFunction) {
        this.stateType = stateType;
        this.outputType = outputType;
        this.function = function;
        this.stateTtl = stateTtl;
        this.timerFunction = timerFunction;
    }

    /**
     * Sets what a due event-time timer does; timers are registered with
     * {@link ProcessContext#registerEventTimeTimer}.
     *
     * @param timerFunction called once per due timer, in time order
     * @return a copy with that timer function
     */
    public KeyedProcess<T, S, R> onTimer(TimerFunction<S, R> timerFunction) {
        return new KeyedProcess<>(stateType, outputType, function, stateTtl,
                Objects.requireNonNull(timerFunction, "timerFunction"));
    }

    /** @return the timer function, or {@code null} for none */
    public TimerFunction<S, R> timerFunction() {
        return timerFunction;
    }

    /**
     * @param stateType the state's class
     * @param outputType the output's class
     * @param function the per-element function
     * @param <T> element type
     * @param <S> state type
     * @param <R> output type
     * @return a process without state expiry
     */
    public static <T, S, R> KeyedProcess<T, S, R> of(Class<S> stateType, Class<R> outputType,
            Function<T, S, R> function) {
        return new KeyedProcess<>(Objects.requireNonNull(stateType, "stateType"),
                Objects.requireNonNull(outputType, "outputType"), Objects.requireNonNull(function, "function"), null,
                null);
    }

    /**
     * Expires a key's state that was not written for {@code ttl} (processing time).
     *
     * @param ttl at least 1 second
     * @return a copy with that time to live
     * @throws IllegalArgumentException if shorter than 1 second
     */
    public KeyedProcess<T, S, R> withStateTtl(Duration ttl) {
        if (Objects.requireNonNull(ttl, "ttl").compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("state time to live must be at least 1 s, was " + ttl);
        }
        return new KeyedProcess<>(stateType, outputType, function, ttl, timerFunction);
    }

    /** @return the state's class */
    public Class<S> stateType() {
        return stateType;
    }

    /** @return the output's class */
    public Class<R> outputType() {
        return outputType;
    }

    /** @return the per-element function */
    public Function<T, S, R> function() {
        return function;
    }

    /** @return the state's time to live, or {@code null} for none */
    public Duration stateTtl() {
        return stateTtl;
    }
}

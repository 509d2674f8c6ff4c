package dev.eddy.pipeline.internal;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/** One stateless step of a pipeline, push style: reads a value and emits zero or more. Internal. */
@FunctionalInterface
public interface Op {

    /** The identity step. */
    Op IDENTITY = (in, ctx, out) -> out.emit(in);

    /** Receives what a step emits. */
    @FunctionalInterface
    interface Emitter {
        /** @param value the emitted value */
        void emit(Object value);
    }

    /**
     * @param in the value
     * @param ctx the record's mutable context (event time)
     * @param out where emitted values go
     */
    void apply(Object in, RecordContext ctx, Emitter out);

    /**
     * @param predicate keeps the values that match
     * @param <T> the value type
     * @return the filter step
     */
    @SuppressWarnings("unchecked")
    static <T> Op filter(Predicate<? super T> predicate) {
        Objects.requireNonNull(predicate, "predicate");
        return (in, ctx, out) -> {
            if (predicate.test((T) in)) {
                out.emit(in);
            }
        };
    }

    /**
     * @param mapper transforms each value; a {@code null} result is an error
     * @param <T> the value type
     * @return the map step
     */
    @SuppressWarnings("unchecked")
    static <T> Op map(Function<? super T, ?> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return (in, ctx, out) -> out.emit(Objects.requireNonNull(mapper.apply((T) in), "map returned null"));
    }

    /**
     * @param next the step after this one
     * @return both steps in sequence
     */
    default Op then(Op next) {
        if (this == IDENTITY) {
            return next;
        }
        return (in, ctx, out) -> apply(in, ctx, value -> next.apply(value, ctx, out));
    }
}

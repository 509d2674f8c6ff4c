package dev.eddy.internal;

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

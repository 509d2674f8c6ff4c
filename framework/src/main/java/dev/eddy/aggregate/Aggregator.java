package dev.eddy.aggregate;

import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.BinaryOperator;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * An incremental aggregation of a window's elements: Flink's {@code AggregateFunction}, with immutable
 * accumulators welcome.
 *
 * <p>The accumulator is stored in DynamoDB as JSON (Jackson) between invocations, so it must round-trip
 * through JSON; a record of numbers is ideal. Keep it small: a DynamoDB item holds at most 400 KB.
 *
 * @param <IN> element type
 * @param <ACC> accumulator type, JSON-serialisable
 * @param <OUT> result type
 */
public interface Aggregator<IN, ACC, OUT> {

    /** @return the accumulator of an empty window */
    ACC createAccumulator();

    /**
     * Adds one element.
     *
     * @param accumulator the current accumulator; may be returned changed or replaced
     * @param value the element
     * @return the new accumulator
     */
    ACC add(ACC accumulator, IN value);

    /**
     * Combines two accumulators of the same key and window, e.g. the stored one and a batch's pre-aggregate.
     * Must be associative.
     *
     * @param a one accumulator
     * @param b another
     * @return the combined accumulator
     */
    ACC merge(ACC a, ACC b);

    /**
     * @param accumulator the final accumulator of a window
     * @return the window's result
     */
    OUT result(ACC accumulator);

    /** @return the accumulator's class, used to read it back from state */
    Class<ACC> accumulatorType();

    /**
     * Builds an aggregator from functions.
     *
     * @param accumulatorType the accumulator's class (JSON-serialisable)
     * @param create the empty accumulator
     * @param add adds an element
     * @param merge combines two accumulators
     * @param result the window's result
     * @param <IN> element type
     * @param <ACC> accumulator type
     * @param <OUT> result type
     * @return the aggregator
     */
    static <IN, ACC, OUT> Aggregator<IN, ACC, OUT> of(Class<ACC> accumulatorType, Supplier<ACC> create,
            BiFunction<ACC, IN, ACC> add, BinaryOperator<ACC> merge, Function<ACC, OUT> result) {
        Objects.requireNonNull(accumulatorType, "accumulatorType");
        Objects.requireNonNull(create, "create");
        Objects.requireNonNull(add, "add");
        Objects.requireNonNull(merge, "merge");
        Objects.requireNonNull(result, "result");
        return new Aggregator<>() {
            @Override
            public ACC createAccumulator() {
                return create.get();
            }

            @Override
            public ACC add(ACC accumulator, IN value) {
                return add.apply(accumulator, value);
            }

            @Override
            public ACC merge(ACC a, ACC b) {
                return merge.apply(a, b);
            }

            @Override
            public OUT result(ACC accumulator) {
                return result.apply(accumulator);
            }

            @Override
            public Class<ACC> accumulatorType() {
                return accumulatorType;
            }
        };
    }
}

package dev.eddy.pipeline;

import dev.eddy.aggregate.Aggregator;
import dev.eddy.internal.Op;
import dev.eddy.window.WindowAssigner;
import java.util.Objects;
import java.util.function.Function;

/**
 * A keyed, windowed stream, waiting for its window function.
 *
 * @param <T> element type
 */
public final class WindowedStream<T> {
    private final PlanBuilder plan;
    private final Op steps;
    private final Function<? super T, String> key;
    private final WindowAssigner windows;

    WindowedStream(PlanBuilder plan, Op steps, Function<? super T, String> key, WindowAssigner windows) {
        this.plan = plan;
        this.steps = steps;
        this.key = key;
        this.windows = windows;
    }

    /**
     * Aggregates each key's window incrementally. State per (key, window) is the accumulator alone, kept in
     * DynamoDB; a window fires once when the watermark passes its end.
     *
     * @param aggregator the aggregation
     * @param <A> accumulator type
     * @param <R> result type
     * @return the stream of window results
     * @throws IllegalStateException if the pipeline already has a windowed aggregate
     */
    public <A, R> ResultStream<Windowed<R>> aggregate(Aggregator<? super T, A, R> aggregator) {
        plan.window(steps, key, windows, Objects.requireNonNull(aggregator, "aggregator"));
        return new ResultStream<>(plan, Op.IDENTITY);
    }
}

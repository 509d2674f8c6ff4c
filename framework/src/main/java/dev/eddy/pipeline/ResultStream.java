package dev.eddy.pipeline;

import dev.eddy.internal.Op;
import dev.eddy.internal.Plan;
import dev.eddy.sink.SinkRef;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Window results on their way to sinks. Each result keeps the deterministic id of the firing it comes from.
 *
 * @param <T> element type
 */
public final class ResultStream<T> {
    private final PlanBuilder plan;
    private final Op steps;

    ResultStream(PlanBuilder plan, Op steps) {
        this.plan = plan;
        this.steps = steps;
    }

    /**
     * @param predicate keeps the results that match
     * @return the filtered stream
     */
    public ResultStream<T> filter(Predicate<? super T> predicate) {
        return new ResultStream<>(plan, steps.then(Op.filter(predicate)));
    }

    /**
     * @param mapper transforms each result; must not return {@code null}. The output is written as JSON.
     * @param <R> the new type
     * @return the mapped stream
     */
    public <R> ResultStream<R> map(Function<? super T, ? extends R> mapper) {
        return new ResultStream<>(plan, steps.then(Op.map(mapper)));
    }

    /**
     * Sends every result of this stream to a sink, as JSON.
     *
     * @param sink the destination
     * @return this stream, to add more sinks or branches
     */
    public ResultStream<T> to(SinkRef sink) {
        plan.bindings.add(new Plan.Binding(steps, Objects.requireNonNull(sink, "sink")));
        return this;
    }

    /**
     * Defines a side branch that sees the same results, e.g. {@code s -> s.filter(isAlert).to(topic)}.
     *
     * @param branch receives this stream
     * @return this stream
     */
    public ResultStream<T> branch(Consumer<ResultStream<T>> branch) {
        Objects.requireNonNull(branch, "branch").accept(this);
        return this;
    }

    /**
     * Finishes the definition.
     *
     * @return the pipeline
     * @throws IllegalStateException if no sink was named
     */
    public Pipeline build() {
        return new Pipeline(plan.build());
    }
}

package dev.eddy.pipeline;

import dev.eddy.process.KeyedProcess;
import dev.eddy.process.Keyed;
import dev.eddy.pipeline.internal.Op;
import dev.eddy.window.WindowAssigner;
import java.util.Objects;
import java.util.function.Function;

/**
 * A keyed stream: elements grouped by a string key.
 *
 * @param <T> element type
 */
public final class KeyedStream<T> {
    private final PlanBuilder plan;
    private final Op steps;
    private final EventTime eventTime;
    private final Function<? super T, String> key;

    KeyedStream(PlanBuilder plan, Op steps, EventTime eventTime, Function<? super T, String> key) {
        this.plan = plan;
        this.steps = steps;
        this.eventTime = eventTime;
        this.key = key;
    }

    /**
     * Groups each key's elements into event-time windows.
     *
     * @param windows the window assigner, e.g. {@link dev.eddy.window.TumblingWindows#of}
     * @return the windowed stream
     */
    public WindowedStream<T> window(WindowAssigner windows) {
        return new WindowedStream<>(plan, steps, eventTime, key, Objects.requireNonNull(windows, "windows"), 0, null);
    }

    /**
     * Runs per-key logic with state on every element, outside windows (see {@link KeyedProcess}).
     *
     * @param process the function, its state and output types
     * @param <S> state type
     * @param <R> output type
     * @return the stream of outputs
     * @throws IllegalStateException if the pipeline already has a windowed aggregate or a keyed process
     */
    public <S, R> ResultStream<Keyed<R>> process(KeyedProcess<? super T, S, R> process) {
        plan.process(steps, eventTime, key, Objects.requireNonNull(process, "process"));
        return new ResultStream<>(plan, Op.IDENTITY);
    }
}

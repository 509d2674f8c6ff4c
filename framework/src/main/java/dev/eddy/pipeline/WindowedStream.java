package dev.eddy.pipeline;

import dev.eddy.aggregate.Aggregator;
import dev.eddy.pipeline.internal.Op;
import dev.eddy.sink.SinkRef;
import dev.eddy.window.WindowAssigner;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.eddy.codec.internal.Jsons;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.BinaryOperator;
import java.util.function.Function;

/**
 * A keyed, windowed stream, waiting for its window function.
 *
 * @param <T> element type
 */
public final class WindowedStream<T> {
    private final PlanBuilder plan;
    private final Op steps;
    private final EventTime eventTime;
    private final Function<? super T, String> key;
    private final WindowAssigner windows;
    private final long allowedLatenessMs;
    private final SinkRef lateDataSink;

    WindowedStream(PlanBuilder plan, Op steps, EventTime eventTime, Function<? super T, String> key,
            WindowAssigner windows, long allowedLatenessMs, SinkRef lateDataSink) {
        this.plan = plan;
        this.steps = steps;
        this.eventTime = eventTime;
        this.key = key;
        this.windows = windows;
        this.allowedLatenessMs = allowedLatenessMs;
        this.lateDataSink = lateDataSink;
    }

    /**
     * Sends late data — elements that arrive after their window's allowed lateness — to a sink, as Flink's
     * {@code sideOutputLateData}. Each is a JSON object with the pipeline, shard, sequence number, key, event
     * time, window, the watermark that made it late, and the element. Without this call late data goes to the
     * pipeline's failure destination with {@code "type": "late"} ({@code late/<pipeline>.jsonl} in local file
     * runs); it is never dropped silently.
     *
     * @param sink the destination
     * @return a copy that sends late data there
     */
    public WindowedStream<T> lateDataTo(SinkRef sink) {
        return new WindowedStream<>(plan, steps, eventTime, key, windows, allowedLatenessMs,
                Objects.requireNonNull(sink, "sink"));
    }

    /**
     * Keeps each window's state after it fired, for {@code lateness} of event time, as Flink's
     * {@code allowedLateness}: an element that arrives after the watermark passed the window's end, but before
     * {@code end − 1 + lateness}, is added and the window fires again with the full updated result (a late
     * firing, {@link Windowed#firing()} 1, 2, …), which replaces the earlier one downstream. Later elements go to
     * the late-data output. The default is zero: a window fires once.
     *
     * @param lateness zero or positive
     * @return a copy with that lateness
     * @throws IllegalArgumentException if it is negative
     */
    public WindowedStream<T> allowedLateness(java.time.Duration lateness) {
        Objects.requireNonNull(lateness, "lateness");
        if (lateness.isNegative()) {
            throw new IllegalArgumentException("allowed lateness must not be negative, was " + lateness);
        }
        return new WindowedStream<>(plan, steps, eventTime, key, windows, lateness.toMillis(), lateDataSink);
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
        plan.window(steps, eventTime, key, windows, allowedLatenessMs, lateDataSink,
                Objects.requireNonNull(aggregator, "aggregator"));
        return new ResultStream<>(plan, Op.IDENTITY);
    }

    /**
     * Counts each key's elements per window.
     *
     * @return the stream of counts
     * @throws IllegalStateException if the pipeline already has a windowed aggregate
     */
    public ResultStream<Windowed<Long>> count() {
        return aggregate(Aggregator.<T, Long, Long>of(Long.class, () -> 0L, (count, value) -> count + 1, Long::sum,
                count -> count));
    }

    /**
     * Combines each key's elements per window with a reducer, as Flink's {@code reduce}: the state is one element.
     *
     * @param type the element's class, to store the running value as JSON
     * @param reducer combines two elements into one; must be associative
     * @return the stream of reduced elements
     * @throws IllegalStateException if the pipeline already has a windowed aggregate
     */
    public ResultStream<Windowed<T>> reduce(Class<T> type, BinaryOperator<T> reducer) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(reducer, "reducer");
        // the empty window's accumulator is null: the first element becomes the value
        return aggregate(Aggregator.<T, T, T>of(type, () -> null,
                (acc, value) -> acc == null ? value : reducer.apply(acc, value),
                (a, b) -> a == null ? b : b == null ? a : reducer.apply(a, b), acc -> acc));
    }

    /**
     * Hands each key's window to a function with all its elements, in arrival order, as Flink's
     * {@code ProcessWindowFunction}: for results that need every element (a median, a top-N). The cost is that the
     * state holds every element of the window as JSON, and a DynamoDB item holds at most 400 KB: prefer
     * {@link #aggregate} where an accumulator can do.
     *
     * @param type the element's class, to read elements back from state
     * @param function the window's result from its elements (never empty)
     * @param <R> result type
     * @return the stream of results
     * @throws IllegalStateException if the pipeline already has a windowed aggregate
     */
    public <R> ResultStream<Windowed<R>> process(Class<T> type, Function<List<T>, R> function) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(function, "function");
        ObjectMapper json = Jsons.strictMapper();
        return aggregate(Aggregator.<T, ArrayNode, R>of(ArrayNode.class, json::createArrayNode,
                (elements, value) -> elements.add(json.valueToTree(value)),
                (a, b) -> a.addAll(b),
                elements -> {
                    List<T> values = new ArrayList<>(elements.size());
                    try {
                        for (JsonNode element : elements) {
                            values.add(json.treeToValue(element, type));
                        }
                    } catch (JsonProcessingException e) {
                        throw new IllegalStateException("a stored element cannot be read as " + type.getName()
                                + ": " + e.getOriginalMessage(), e);
                    }
                    return function.apply(Collections.unmodifiableList(values));
                }));
    }
}

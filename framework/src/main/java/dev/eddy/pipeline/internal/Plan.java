package dev.eddy.pipeline.internal;

import dev.eddy.aggregate.Aggregator;
import dev.eddy.codec.Decoder;
import dev.eddy.sink.SinkRef;
import dev.eddy.window.WindowAssigner;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The executable form of a pipeline, as the handler runs it. Internal: users build it through
 * {@code dev.eddy.pipeline.Pipeline}.
 *
 * @param name pipeline name
 * @param decoder turns a record's data into a value
 * @param preWindow stateless steps from decoded value to keyed element (may set event time)
 * @param eventTimeFromRecords {@code true} when an event-time extractor is set; otherwise arrival time is used
 * @param outOfOrdernessMs the watermark bound B in ms
 * @param key the key of an element
 * @param windows the window assigner, or {@code null} for a keyed process
 * @param allowedLatenessMs how long after its end a window still takes elements (late firings), ms
 * @param lateDataSink where late data goes, or {@code null} for the factory's late-data output
 * @param retryFailedRecords whether a record that cannot be processed stops the batch to be retried from it
 *     ({@code RecordErrorPolicy.RETRY}) rather than going to the failure destination
 * @param failureDestination where records that cannot be processed and results a sink refuses go
 * @param aggregator the window aggregation, or {@code null} for a keyed process
 * @param process the keyed process, or {@code null} for a windowed aggregation
 * @param bindings result steps and the sink each chain ends in
 * @param onceBindings result steps and the side effect each chain ends in ({@code forEachOnce})
 */
public record Plan(
        String name,
        Decoder<?> decoder,
        Op preWindow,
        boolean eventTimeFromRecords,
        long outOfOrdernessMs,
        Function<Object, String> key,
        WindowAssigner windows,
        long allowedLatenessMs,
        SinkRef lateDataSink,
        boolean retryFailedRecords,
        SinkRef failureDestination,
        Aggregator<Object, Object, Object> aggregator,
        dev.eddy.process.KeyedProcess<Object, Object, Object> process,
        List<Binding> bindings,
        List<OnceBinding> onceBindings) {

    /**
     * The key a record's first element gets: what a producer should use as the record's partition key, so that
     * every record of a key reaches the shard that owns the key's state.
     *
     * @param data a record's data
     * @return the key, or empty if the record does not decode, the steps drop it, or a step throws
     */
    public Optional<String> keyOf(byte[] data) {
        try {
            List<Object> elements = new ArrayList<>(1);
            preWindow.apply(decoder.decode(data), new RecordContext(), elements::add);
            return elements.isEmpty() ? Optional.empty() : Optional.ofNullable(key.apply(elements.get(0)));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Results flow through {@code steps} into {@code sink}.
     *
     * @param steps stateless steps applied to a {@code dev.eddy.pipeline.Windowed} result
     * @param sink the destination
     */
    public record Binding(Op steps, SinkRef sink) {
    }

    /**
     * Results flow through {@code steps} into a side effect, called once per idempotency key.
     *
     * @param steps stateless steps applied to a {@code dev.eddy.pipeline.Windowed} (or keyed process) result
     * @param name the binding's name, unique in the pipeline: with the pipeline's, it scopes the done-markers
     * @param idempotencyKey the key of a value, or {@code null} for the result's deterministic id
     * @param effect the side effect
     * @param retentionMs how long a done-marker is kept, ms
     */
    public record OnceBinding(Op steps, String name, Function<Object, String> idempotencyKey,
            dev.eddy.sink.SideEffect<Object> effect, long retentionMs) {

        /** @return the scope of this binding's done-markers in the state backend: {@code <pipeline>#<name>} */
        public String scope(String pipeline) {
            return pipeline + '#' + name;
        }
    }
}

package dev.eddy.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.pipeline.internal.Plan;
import dev.eddy.pipeline.internal.RecordContext;
import dev.eddy.sink.SinkFactory;
import dev.eddy.sink.SinkRecord;
import dev.eddy.sink.SinkRef;
import dev.eddy.sink.SinkWriter;
import dev.eddy.sink.internal.BatchingWriter;
import dev.eddy.state.Firing;
import dev.eddy.state.StateBackend;
import dev.eddy.window.Window;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Emission of a cycle's firings: each result with its deterministic id through the pipeline's result steps into
 * its sinks, every sink flushed once (in parallel), the side outputs (failed and late records, results a sink
 * refuses) to their destinations, then the {@code forEachOnce} side effects. Owns the pipeline's sink writers.
 * Internal.
 */
final class Emitter implements AutoCloseable {

    private final Plan plan;
    private final ObjectMapper json;
    private final Map<SinkRef, SinkWriter> writers = new LinkedHashMap<>();
    private final SinkWriter late;
    private final SinkFlush flush;
    /** The writers that count retried entries, each once (late data may share the failure destination's). */
    private final List<BatchingWriter> batchingWriters;

    Emitter(Plan plan, SinkFactory sinks, ObjectMapper json) {
        this.plan = plan;
        this.json = json;
        SinkWriter failures = sinks.failures(plan.name(), plan.failureDestination());
        for (Plan.Binding binding : plan.bindings()) {
            writers.computeIfAbsent(binding.sink(), sinks::open);
        }
        this.late = plan.lateDataSink() == null ? sinks.lateData(plan.name(), plan.failureDestination())
                : writers.computeIfAbsent(plan.lateDataSink(), sinks::open);
        Set<SinkWriter> all = Collections.newSetFromMap(new IdentityHashMap<>());
        all.addAll(writers.values());
        all.add(failures);
        all.add(late);
        this.batchingWriters = all.stream().filter(BatchingWriter.class::isInstance).map(BatchingWriter.class::cast)
                .toList();
        this.flush = new SinkFlush(plan, failures, all.size());
    }

    /**
     * Emits the firings' results, in order of window end, and the cycle's side outputs; then the side effects.
     *
     * @param firings the firings to emit
     * @param logic what a firing looks like to the result steps
     * @param lateRecords the cycle's late records
     * @param failed the cycle's failed records
     * @param state where the side effects' done-markers are
     * @return results emitted
     * @throws dev.eddy.sink.SinkException if a sink could not deliver: the cycle fails and is retried
     */
    long emit(List<Firing> firings, BatchLogic logic, List<SinkRecord> lateRecords, List<SinkRecord> failed,
            StateBackend state) {
        // in event-time order of the windows, as Flink's timer service fires them (stable: keys keep their order
        // within one time), so that a pipeline reading these results sees event time advance
        List<Firing> ordered = new ArrayList<>(firings);
        ordered.sort(Comparator.comparingLong(f -> f.window().maxTimestamp()));
        Map<SinkRef, List<SinkRecord>> out = new LinkedHashMap<>();
        OnceEffects once = new OnceEffects(plan);
        RecordContext ctx = new RecordContext();
        boolean timeWindows = plan.windows() != null && plan.windows().isEventTime();
        // the windows' bounds as text, once per window: many keys' firings share a window
        Map<Window, String[]> bounds = new HashMap<>();
        for (Firing window : ordered) {
            String id = ResultIds.ofFiring(plan.name(), window.key(), window.window(), window.firing());
            Object windowed = logic.emitted(window, id);
            ctx.timestampMs = window.window().maxTimestamp();
            Map<String, Object> attributes = new LinkedHashMap<>();
            attributes.put("id", id);
            attributes.put("pipeline", plan.name());
            attributes.put("key", window.key());
            if (timeWindows) {
                String[] text = bounds.computeIfAbsent(window.window(),
                        w -> new String[] {w.start().toString(), w.end().toString()});
                attributes.put("windowStart", text[0]);
                attributes.put("windowEnd", text[1]);
                attributes.put("firing", window.firing());
            }
            for (Plan.Binding binding : plan.bindings()) {
                List<SinkRecord> records = out.computeIfAbsent(binding.sink(), k -> new ArrayList<>());
                binding.steps().apply(windowed, ctx, value ->
                        records.add(new SinkRecord(id, window.key(), toJson(value), attributes)));
            }
            once.add(windowed, ctx, id);
        }
        List<SinkFlush.Delivery> deliveries = new ArrayList<>();
        long emitted = 0;
        for (Map.Entry<SinkRef, List<SinkRecord>> entry : out.entrySet()) {
            deliveries.add(new SinkFlush.Delivery(entry.getKey().describe(), writers.get(entry.getKey()),
                    entry.getValue()));
            emitted += entry.getValue().size();
        }
        deliveries.add(new SinkFlush.Delivery("late data", late, lateRecords));
        flush.deliver(deliveries, failed);
        // forEachOnce side effects: after the sinks, before the checkpoint; a failure fails the cycle
        once.run(state);
        return emitted;
    }

    /** @return sink entries sent again after partial failures, since this emitter was created */
    long sinkRetries() {
        long retries = 0;
        for (BatchingWriter writer : batchingWriters) {
            retries += writer.retriedEntries();
        }
        return retries;
    }

    /** Writes a value as JSON, as results are written: for priming the mapper before a snapshot. */
    byte[] toJson(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("result of pipeline " + plan.name() + " cannot be written as JSON", e);
        }
    }

    /** Stops the flush's threads; the writers' clients belong to the sink factory. */
    @Override
    public void close() {
        flush.close();
    }
}

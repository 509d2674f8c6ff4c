package dev.eddy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.aggregate.Aggregator;
import dev.eddy.codec.Json;
import dev.eddy.internal.TestInput.Ev;
import dev.eddy.internal.TestInput.In;
import dev.eddy.metrics.Figures;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.RecordStream;
import dev.eddy.pipeline.Windowed;
import dev.eddy.pipeline.WindowedStream;
import dev.eddy.sink.Firehose;
import dev.eddy.sink.SinkRecord;
import dev.eddy.state.StateBackend;
import dev.eddy.fixtures.Payloads;
import dev.eddy.sink.MemorySinkFactory;
import dev.eddy.fixtures.MemoryStateBackend;
import dev.eddy.fixtures.ShardRecords;
import dev.eddy.window.WindowAssigner;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * One handler instance over one shard: a {@link BatchProcessor} with its state in a {@link MemoryStateBackend}
 * (optionally wrapped, to inject faults) and its sinks in {@link MemorySinkFactory}.
 */
final class BatchRun implements AutoCloseable {

    /** Where the test pipelines write their results. */
    static final Firehose OUT = Firehose.deliveryStream("out");

    /** A result as the test pipelines write it. */
    record Out(String id, String key, long start, long end, int firing, long count, long sum) {
        Reference.Result result() {
            return new Reference.Result(key, start, end, firing, count, sum);
        }
    }

    /** Count and sum of a window. */
    record Acc(long count, long sum) {
    }

    static final Aggregator<Ev, Acc, Acc> COUNT_AND_SUM = Aggregator.of(Acc.class, () -> new Acc(0, 0),
            (Acc a, Ev e) -> new Acc(a.count() + 1, a.sum() + e.v()),
            (Acc a, Acc b) -> new Acc(a.count() + b.count(), a.sum() + b.sum()),
            (Acc a) -> a);

    /** @return events of JSON records, event time from {@code ts} with this out-of-orderness bound */
    static RecordStream<Ev> events(String name, long boundMs) {
        return Pipeline.named(name)
                .from(KinesisSource.stream("in").decode(Json.of(Ev.class)))
                .withEventTime(e -> Instant.ofEpochMilli(e.ts()), Duration.ofMillis(boundMs));
    }

    /** @return a pipeline counting and summing each key's windows into {@link #OUT} */
    static Pipeline windowed(String name, long boundMs, WindowAssigner windows, long latenessMs) {
        WindowedStream<Ev> stream = events(name, boundMs).keyBy(Ev::key).window(windows)
                .allowedLateness(Duration.ofMillis(latenessMs));
        return stream.aggregate(COUNT_AND_SUM).map(BatchRun::out).to(OUT).build();
    }

    static Out out(Windowed<Acc> w) {
        return new Out(w.id(), w.key(), w.window().startMs(), w.window().endMs(), w.firing(), w.value().count(),
                w.value().sum());
    }

    final MemoryStateBackend state;
    final StateBackend backend;
    final MemorySinkFactory sinks = new MemorySinkFactory();
    final BatchProcessor processor;

    BatchRun(Pipeline pipeline) {
        this(pipeline, new MemoryStateBackend(), b -> b);
    }

    BatchRun(Pipeline pipeline, MemoryStateBackend state, UnaryOperator<StateBackend> wrap) {
        this(pipeline, state, wrap, Clock.systemUTC(), new DeadlineBudget());
    }

    /**
     * @param pipeline the pipeline
     * @param state its state, perhaps shared with another run (another handler instance)
     * @param wrap wraps the state backend, to inject faults
     * @param clock processing time
     * @param budget the deadline budget
     */
    BatchRun(Pipeline pipeline, MemoryStateBackend state, UnaryOperator<StateBackend> wrap, Clock clock,
            DeadlineBudget budget) {
        this.state = state;
        this.backend = wrap.apply(state);
        this.processor = new BatchProcessor(pipeline, backend, sinks, clock, budget);
    }

    StreamsEventResponse process(List<In> batch) {
        return processor.process(ShardRecords.event(TestInput.recs(batch)));
    }

    StreamsEventResponse process(List<In> batch, LongSupplier remainingMillis) {
        return processor.process(ShardRecords.event(TestInput.recs(batch)), remainingMillis);
    }

    /** Processes each batch, each of which must succeed. */
    void processAll(List<List<In>> batches) {
        for (List<In> batch : batches) {
            assertThat(process(batch).getBatchItemFailures()).as("batch item failures").isEmpty();
        }
    }

    /** Processes the input in batches of {@code size}, then drains the shard. */
    BatchRun runAll(List<In> input, int size) {
        processAll(ShardRecords.chunks(input, size));
        processor.drain(ShardRecords.SHARD);
        return this;
    }

    /** @return the results delivered so far, repeats included */
    List<Out> outputs() {
        return sinks.delivered(OUT).stream().map(r -> TestJson.read(r, Out.class)).toList();
    }

    /** @return the results delivered so far without their ids */
    List<Reference.Result> results() {
        return outputs().stream().map(Out::result).toList();
    }

    /** @return late-data records as {@code sequenceNumber@windowStartMs}, in delivery order */
    List<String> late() {
        return sinks.delivered(MemorySinkFactory.LATE).stream().map(Payloads::json).map(n -> n.get("sequenceNumber").asText() + "@"
                + Instant.parse(n.get("windowStart").asText()).toEpochMilli()).toList();
    }

    /** @return sequence numbers of the failure records, in delivery order */
    List<String> failed() {
        return sinks.delivered(MemorySinkFactory.FAILURES).stream().map(Payloads::json).map(n -> n.get("sequenceNumber").asText()).toList();
    }

    /** @return the shard's totals as committed with its checkpoint */
    Figures totals() {
        return state.checkpoint(ShardRecords.SHARD).totals();
    }

    /** Checks the run's output against the direct computation: results, late data, failures. */
    void assertMatches(Reference.Expected expected) {
        assertThat(results()).containsExactlyInAnyOrderElementsOf(expected.results());
        assertThat(outputs()).extracting(Out::id).doesNotHaveDuplicates();
        assertThat(late()).containsExactlyElementsOf(expected.late());
        assertThat(failed()).containsExactlyElementsOf(expected.failed());
    }

    /**
     * Checks the run's output against the direct computation after failures and retries: side outputs and results
     * are delivered at least once, so repeats (same id, same payload) are dropped first.
     */
    void assertMatchesDeduplicated(Reference.Expected expected) {
        List<Reference.Result> results = byId(sinks.delivered(OUT)).values().stream()
                .map(p -> TestJson.read(p, Out.class).result()).toList();
        assertThat(results).containsExactlyInAnyOrderElementsOf(expected.results());
        assertThat(late().stream().distinct().toList()).containsExactlyElementsOf(expected.late());
        assertThat(failed().stream().distinct().toList()).containsExactlyElementsOf(expected.failed());
    }

    /**
     * @param records delivered records
     * @return id → payload; fails if one id came with two payloads
     */
    static Map<String, String> byId(List<SinkRecord> records) {
        Map<String, String> byId = new LinkedHashMap<>();
        for (SinkRecord record : records) {
            String earlier = byId.putIfAbsent(record.id(), record.payloadText());
            assertThat(earlier == null || earlier.equals(record.payloadText()))
                    .as("one payload per id: %s and %s", earlier, record.payloadText()).isTrue();
        }
        return byId;
    }

    @Override
    public void close() {
        processor.close();
    }

    /** Reading payloads as test records. */
    static final class TestJson {
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
                new com.fasterxml.jackson.databind.ObjectMapper();

        private TestJson() {
        }

        static <T> T read(SinkRecord record, Class<T> type) {
            JsonNode node = Payloads.json(record);
            return JSON.convertValue(node, type);
        }

        static <T> T read(String payload, Class<T> type) {
            try {
                return JSON.readValue(payload, type);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(payload, e);
            }
        }
    }
}

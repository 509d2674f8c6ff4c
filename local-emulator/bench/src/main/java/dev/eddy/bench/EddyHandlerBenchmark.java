package dev.eddy.bench;

import dev.eddy.pipeline.Pipeline;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.eddy.functions.flightdelays.FlightDelays;
import dev.eddy.functions.flightdelays.ReplayedFlights;
import dev.eddy.internal.BatchProcessor;
import dev.eddy.sink.SinkFactory;
import dev.eddy.sink.SinkRef;
import dev.eddy.sink.SinkWriter;
import dev.eddy.fixtures.MemoryStateBackend;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The handler's CPU per batch: the flight-delays pipeline as it ships ({@link FlightDelays}) run by the real
 * {@link BatchProcessor} over one shard's batches. Path {@code pre-aggregate}: decode (Jackson), event time, key,
 * window assignment, lateness, pre-aggregation per key into the window logic's state (read and written as JSON, as
 * the DynamoDB item holds it), the checkpoint. Path {@code whole}: the same, plus emitting the windows that fire —
 * each result built, given its deterministic id and written as JSON to sinks that keep nothing. State lives in the
 * framework's {@link MemoryStateBackend} — fencing, pending firings and timers as the DynamoDB backend keeps them —
 * so DynamoDB's network time is left out (measured end to end instead). On the {@code pre-aggregate} path it drops
 * its firings ({@link MemoryStateBackend.Firings#DROPPED}): the window logic still makes them, they are not emitted.
 * One operation is one batch of {@code batchSize} records; records/s = operations/s × batch size.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class EddyHandlerBenchmark {

    /** The flights file (vega-datasets' {@code flights-*.json}). */
    @Param("node_modules/vega-datasets/data/flights-20k.json")
    public String flights;

    /** Records in all, replicated from the file with shifted dates. */
    @Param("1000000")
    public int records;

    /** Records per batch (Lambda's batch size). */
    @Param("10000")
    public int batchSize;

    /** {@code pre-aggregate} (up to the state, nothing emitted) or {@code whole} (firings emitted too). */
    @Param({"pre-aggregate", "whole"})
    public String path;

    private Pipeline pipeline;
    private KinesisEvent[] batches;
    private BatchProcessor processor;
    private int next;
    private final AtomicLong emitted = new AtomicLong();

    /** Builds the batches once. */
    @Setup(Level.Trial)
    public void load() {
        pipeline = new FlightDelays().define();
        batches = Batches.of(ReplayedFlights.replicated(Path.of(flights), records), batchSize, System.currentTimeMillis());
    }

    /** Starts each iteration from the first batch with empty state. */
    @Setup(Level.Iteration)
    public void restart() {
        processor = new BatchProcessor(pipeline, state(path), new Discarding(emitted));
        next = 0;
    }

    /**
     * @param path {@code whole} or {@code pre-aggregate}
     * @return empty state for that path: firings returned to be emitted, or dropped
     * @throws IllegalArgumentException for another path
     */
    static MemoryStateBackend state(String path) {
        return switch (path) {
            case "whole" -> new MemoryStateBackend(Clock.systemUTC(), MemoryStateBackend.Firings.RETURNED);
            case "pre-aggregate" -> new MemoryStateBackend(Clock.systemUTC(), MemoryStateBackend.Firings.DROPPED);
            default -> throw new IllegalArgumentException("benchmark path '" + path + "' is not known: use whole"
                    + " (results emitted) or pre-aggregate (up to the state, nothing emitted)");
        };
    }

    /** @return the response (to keep it alive) */
    @Benchmark
    public StreamsEventResponse batch() {
        if (next == batches.length) {
            restart(); // every record taken: state starts again, as a fresh shard would
        }
        return processor.process(batches[next++]);
    }

    /** Checks that the work was real. */
    @TearDown(Level.Trial)
    public void check() {
        if (path.equals("whole") && emitted.get() == 0) {
            throw new IllegalStateException("no results were emitted: the benchmark measured nothing");
        }
    }

    /** Sinks that count what they are handed and keep nothing. */
    private record Discarding(AtomicLong emitted) implements SinkFactory {

        @Override
        public SinkWriter open(SinkRef ref) {
            return records -> {
                emitted.addAndGet(records.size());
                return List.of();
            };
        }

        @Override
        public SinkWriter failures(String pipeline, SinkRef destination) {
            return records -> List.of();
        }

        @Override
        public SinkWriter lateData(String pipeline, SinkRef failureDestination) {
            return records -> List.of();
        }
    }
}

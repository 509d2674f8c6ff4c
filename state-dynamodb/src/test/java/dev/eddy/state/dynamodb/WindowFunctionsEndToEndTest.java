package dev.eddy.state.dynamodb;

import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.BOUND;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.JSON;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.chunks;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.event;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.generatedInput;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.codec.Json;
import dev.eddy.internal.BatchProcessor;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.RecordStream;
import dev.eddy.pipeline.ResultStream;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.sink.FileSinkFactory;
import dev.eddy.sink.Firehose;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Ev;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.In;
import dev.eddy.window.SlidingWindows;
import dev.eddy.window.TumblingWindows;
import dev.eddy.window.Window;
import dev.eddy.window.WindowAssigner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sliding windows, {@code count} and {@code reduce} through the batch processor and DynamoDB Local, against a
 * record-by-record reference model, for several batch sizes.
 */
@ExtendWith(DynamoDbLocal.class)
class WindowFunctionsEndToEndTest {

    /** A result as both sides see it: key, window, value. */
    record Result(String key, long start, long end, long value) {
    }

    /** Reference: per element in input order, each window it belongs to either takes it or, if late, not. */
    static Set<Result> reference(List<In> input, Function<Long, List<Window>> windowsOf,
            Function<List<Long>, Long> value) {
        Map<String, List<Long>> byWindow = new TreeMap<>();
        boolean anySeen = false;
        long maxTs = 0;
        for (In in : input) {
            Ev e = in.ev();
            if (e == null) {
                continue;
            }
            for (Window w : windowsOf.apply(e.ts())) {
                boolean late = anySeen && w.endMs() - 1 <= maxTs - BOUND - 1;
                if (!late) {
                    byWindow.computeIfAbsent(e.key() + "|" + w.startMs() + "|" + w.endMs(), k -> new ArrayList<>())
                            .add(e.v());
                }
            }
            maxTs = anySeen ? Math.max(maxTs, e.ts()) : e.ts();
            anySeen = true;
        }
        Set<Result> results = new HashSet<>();
        byWindow.forEach((k, values) -> {
            String[] parts = k.split("\\|");
            results.add(new Result(parts[0], Long.parseLong(parts[1]), Long.parseLong(parts[2]), value.apply(values)));
        });
        return results;
    }

    static RecordStream<Ev> source() {
        return Pipeline.named("w")
                .from(KinesisSource.stream("s").decode(Json.of(Ev.class)))
                .withEventTime(e -> Instant.ofEpochMilli(e.ts()), Duration.ofMillis(BOUND));
    }

    static Set<Result> run(Pipeline pipeline, List<In> input, int batchSize, Path dir) throws Exception {
        try (DynamoDbStateBackend backend = new DynamoDbStateBackend(DynamoDbLocal.client(),
                DynamoDbLocal.newTable("wf"))) {
            BatchProcessor processor = new BatchProcessor(pipeline, backend, new FileSinkFactory(dir));
            for (List<In> batch : chunks(input, batchSize)) {
                assertThat(processor.process(event(batch)).getBatchItemFailures()).isEmpty();
            }
            processor.drain(BatchProcessorEndToEndTest.SHARD);
        }
        Set<Result> results = new HashSet<>();
        for (String line : Files.readAllLines(dir.resolve("firehose/out.jsonl"), StandardCharsets.UTF_8)) {
            JsonNode n = JSON.readTree(line);
            assertThat(results.add(new Result(n.get("key").asText(), n.get("start").asLong(), n.get("end").asLong(),
                    n.get("value").asLong()))).as("one result per key and window: %s", line).isTrue();
        }
        return results;
    }

    record Out(String key, long start, long end, long value) {
    }

    static <V> Pipeline finish(ResultStream<dev.eddy.pipeline.Windowed<V>> results, Function<V, Long> value) {
        return results.map(w -> new Out(w.key(), w.window().startMs(), w.window().endMs(), value.apply(w.value())))
                .to(Firehose.deliveryStream("out"))
                .build();
    }

    static List<Window> windows(WindowAssigner assigner, long ts) {
        return List.of(assigner.assign(ts));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 100})
    void slidingWindowSumsMatchTheReference(int batchSize, @TempDir Path dir) throws Exception {
        SlidingWindows sliding = new SlidingWindows(20, 5, 0);
        Pipeline pipeline = finish(source().keyBy(Ev::key).window(sliding)
                .aggregate(BatchProcessorEndToEndTest.COUNT_AND_SUM), acc -> acc.sum());
        List<In> input = generatedInput();

        Set<Result> expected = reference(input, ts -> windows(sliding, ts),
                values -> values.stream().mapToLong(Long::longValue).sum());

        assertThat(expected).hasSizeGreaterThan(20);
        assertThat(run(pipeline, input, batchSize, dir)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100})
    void countCountsEachKeysElementsPerWindow(int batchSize, @TempDir Path dir) throws Exception {
        TumblingWindows tumbling = new TumblingWindows(20, 0);
        Pipeline pipeline = finish(source().keyBy(Ev::key).window(tumbling).count(), count -> count);
        List<In> input = generatedInput();

        Set<Result> expected = reference(input, ts -> windows(tumbling, ts), values -> (long) values.size());

        assertThat(run(pipeline, input, batchSize, dir)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100})
    void reduceKeepsTheLargestValuePerWindow(int batchSize, @TempDir Path dir) throws Exception {
        SlidingWindows sliding = new SlidingWindows(30, 10, 0);
        Pipeline pipeline = finish(source().keyBy(Ev::key).window(sliding)
                .reduce(Ev.class, (a, b) -> a.v() >= b.v() ? a : b), Ev::v);
        List<In> input = generatedInput();

        Set<Result> expected = reference(input, ts -> windows(sliding, ts),
                values -> values.stream().mapToLong(Long::longValue).max().orElseThrow());

        assertThat(run(pipeline, input, batchSize, dir)).containsExactlyInAnyOrderElementsOf(expected);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100})
    void processSeesEveryElementOfTheWindowInArrivalOrder(int batchSize, @TempDir Path dir) throws Exception {
        TumblingWindows tumbling = new TumblingWindows(20, 0);
        // a result that needs all elements in order: the first value minus the last, times the count
        Pipeline pipeline = finish(source().keyBy(Ev::key).window(tumbling)
                .process(Ev.class, evs -> (evs.get(0).v() - evs.get(evs.size() - 1).v()) * evs.size()), v -> v);
        List<In> input = generatedInput();

        Set<Result> expected = reference(input, ts -> windows(tumbling, ts),
                values -> (values.get(0) - values.get(values.size() - 1)) * values.size());

        assertThat(run(pipeline, input, batchSize, dir)).containsExactlyInAnyOrderElementsOf(expected);
    }
}

package dev.eddy.state.dynamodb;

import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.BOUND;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.JSON;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.SHARD;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.chunks;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.event;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.generatedInput;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.codec.Json;
import dev.eddy.internal.BatchProcessor;
import dev.eddy.process.KeyedProcess;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.sink.FileSinkFactory;
import dev.eddy.sink.Firehose;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Ev;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.In;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Keyed process functions with state, event-time timers and time to live, through DynamoDB Local. */
@ExtendWith(DynamoDbLocal.class)
class KeyedProcessEndToEndTest {

    static final long IDLE = 10;

    /** Per key: the time of its pending inactivity timer, and how many elements since the last alert. */
    record Idle(long timer, long elements) {
    }

    /** An alert: the key has had no element for {@link #IDLE} ms of event time. */
    record Alert(String key, long idleSince, long elements) {
    }

    record Out(String key, long idleSince, long elements, int index) {
    }

    static Pipeline inactivity() {
        return Pipeline.named("idle")
                .from(KinesisSource.stream("s").decode(Json.of(Ev.class)))
                .withEventTime(e -> Instant.ofEpochMilli(e.ts()), Duration.ofMillis(BOUND))
                .keyBy(Ev::key)
                .process(KeyedProcess.<Ev, Idle, Alert>of(Idle.class, Alert.class, (state, e, ctx) -> {
                    if (state != null) {
                        ctx.deleteEventTimeTimer(Instant.ofEpochMilli(state.timer()));
                    }
                    long timer = e.ts() + IDLE;
                    ctx.registerEventTimeTimer(Instant.ofEpochMilli(timer));
                    return new Idle(timer, state == null ? 1 : state.elements() + 1);
                }).onTimer((state, time, ctx) -> {
                    ctx.emit(new Alert(ctx.key(), time.toEpochMilli() - IDLE, state.elements()));
                    return null;
                }))
                .map(k -> new Out(k.key(), k.value().idleSince(), k.value().elements(), k.index()))
                .to(Firehose.deliveryStream("out"))
                .build();
    }

    /** Reference: per record, timers the watermark reached fire first; each element re-arms its key's timer. */
    static Set<Alert> reference(List<In> input) {
        Map<String, long[]> timers = new HashMap<>(); // key -> {timer, elements}
        Set<Alert> alerts = new HashSet<>();
        long watermark = Long.MIN_VALUE;
        for (In in : input) {
            Ev e = in.ev();
            if (e == null) {
                continue;
            }
            long wm = watermark;
            timers.entrySet().removeIf(t -> {
                if (t.getValue()[0] <= wm) {
                    alerts.add(new Alert(t.getKey(), t.getValue()[0] - IDLE, t.getValue()[1]));
                    return true;
                }
                return false;
            });
            long[] t = timers.computeIfAbsent(e.key(), k -> new long[2]);
            t[0] = e.ts() + IDLE;
            t[1]++;
            watermark = Math.max(watermark, e.ts() - BOUND - 1);
        }
        timers.forEach((key, t) -> alerts.add(new Alert(key, t[0] - IDLE, t[1])));
        return alerts;
    }

    static List<Out> run(Pipeline pipeline, List<List<In>> batches, Path dir, Clock clock) throws Exception {
        try (DynamoDbStateBackend backend = new DynamoDbStateBackend(DynamoDbLocal.client(),
                DynamoDbLocal.newTable("process"))) {
            BatchProcessor processor = new BatchProcessor(pipeline, backend, new FileSinkFactory(dir), clock);
            for (List<In> batch : batches) {
                assertThat(processor.process(event(batch)).getBatchItemFailures()).isEmpty();
            }
            processor.drain(SHARD);
        }
        List<Out> outs = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("firehose/out.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            outs.add(JSON.treeToValue(n, Out.class));
        }
        return outs;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 100})
    void eventTimeTimersFireWhenTheWatermarkReachesThemWhateverTheBatchSize(int batchSize, @TempDir Path dir)
            throws Exception {
        List<In> input = generatedInput();
        Set<Alert> expected = reference(input);
        assertThat(expected).hasSizeGreaterThan(5);

        List<Out> outs = run(inactivity(), chunks(input, batchSize), dir, Clock.systemUTC());

        assertThat(outs).extracting(o -> new Alert(o.key(), o.idleSince(), o.elements()))
                .containsExactlyInAnyOrderElementsOf(expected);
        // outputs of a key are numbered 0, 1, 2, ... in the order they happened
        Map<String, List<Integer>> indexes = new HashMap<>();
        outs.forEach(o -> indexes.computeIfAbsent(o.key(), k -> new ArrayList<>()).add(o.index()));
        indexes.values().forEach(list -> assertThat(list).containsExactlyInAnyOrderElementsOf(
                java.util.stream.IntStream.range(0, list.size()).boxed().toList()));
    }

    @Test
    void stateNotWrittenForItsTimeToLiveIsGone(@TempDir Path dir) throws Exception {
        Pipeline counter = Pipeline.named("ttl")
                .from(KinesisSource.stream("s").decode(Json.of(Ev.class)))
                .keyBy(Ev::key)
                .process(KeyedProcess.<Ev, Long, Long>of(Long.class, Long.class, (count, e, ctx) -> {
                    long next = count == null ? 1 : count + 1;
                    ctx.emit(next);
                    return next;
                }).withStateTtl(Duration.ofHours(1)))
                .map(k -> new Out(k.key(), 0, k.value(), k.index()))
                .to(Firehose.deliveryStream("out"))
                .build();
        List<In> input = List.of(In.of(0, new Ev("a", 1, 0)), In.of(1, new Ev("a", 2, 0)), In.of(2, new Ev("a", 3, 0)));
        Instant t0 = Instant.parse("2024-03-01T10:00:00Z");
        try (DynamoDbStateBackend backend = new DynamoDbStateBackend(DynamoDbLocal.client(),
                DynamoDbLocal.newTable("ttl"))) {
            new BatchProcessor(counter, backend, new FileSinkFactory(dir), Clock.fixed(t0, ZoneOffset.UTC))
                    .process(event(input.subList(0, 2)));
            // two hours later, by the clock: the count starts over
            new BatchProcessor(counter, backend, new FileSinkFactory(dir),
                    Clock.fixed(t0.plus(Duration.ofHours(2)), ZoneOffset.UTC)).process(event(input.subList(2, 3)));
        }
        List<Long> counts = new ArrayList<>();
        for (String line : Files.readAllLines(dir.resolve("firehose/out.jsonl"))) {
            counts.add(JSON.readTree(line).get("elements").asLong());
        }
        assertThat(counts).containsExactly(1L, 2L, 1L);
    }
}

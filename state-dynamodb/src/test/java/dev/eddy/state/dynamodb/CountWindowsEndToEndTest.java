package dev.eddy.state.dynamodb;

import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.BOUND;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.COUNT_AND_SUM;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.JSON;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.SHARD;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.chunks;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.event;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.generatedInput;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.codec.Json;
import dev.eddy.internal.BatchProcessor;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.sink.FileSinkFactory;
import dev.eddy.sink.Firehose;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Ev;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.In;
import dev.eddy.window.GlobalWindows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Global windows with a count trigger through the batch processor and DynamoDB Local. */
@ExtendWith(DynamoDbLocal.class)
class CountWindowsEndToEndTest {

    record Out(String key, int pane, long count, long sum, long start, long end) {
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 100})
    void everyThirdElementOfAKeyFiresAPaneOfThoseThreeWhateverTheBatchSize(int batchSize, @TempDir Path dir)
            throws Exception {
        Pipeline pipeline = Pipeline.named("counts")
                .from(KinesisSource.stream("s").decode(Json.of(Ev.class)))
                .withEventTime(e -> Instant.ofEpochMilli(e.ts()), Duration.ofMillis(BOUND))
                .keyBy(Ev::key)
                .window(GlobalWindows.withCountTrigger(3))
                .aggregate(COUNT_AND_SUM)
                .map(w -> new Out(w.key(), w.firing(), w.value().count(), w.value().sum(), w.window().startMs(),
                        w.window().endMs()))
                .to(Firehose.deliveryStream("out"))
                .build();
        List<In> input = generatedInput();
        // reference: each key's valid elements in input order, in groups of three; an incomplete group never fires
        Map<String, List<Long>> byKey = new HashMap<>();
        input.stream().filter(in -> in.ev() != null)
                .forEach(in -> byKey.computeIfAbsent(in.ev().key(), k -> new ArrayList<>()).add(in.ev().v()));
        Set<Out> expected = new HashSet<>();
        byKey.forEach((key, values) -> {
            for (int pane = 0; (pane + 1) * 3 <= values.size(); pane++) {
                List<Long> group = values.subList(pane * 3, pane * 3 + 3);
                expected.add(new Out(key, pane, 3, group.stream().mapToLong(Long::longValue).sum(), Long.MIN_VALUE,
                        Long.MAX_VALUE));
            }
        });

        try (DynamoDbStateBackend backend = new DynamoDbStateBackend(DynamoDbLocal.client(),
                DynamoDbLocal.newTable("counts"))) {
            BatchProcessor processor = new BatchProcessor(pipeline, backend, new FileSinkFactory(dir));
            for (List<In> batch : chunks(input, batchSize)) {
                assertThat(processor.process(event(batch)).getBatchItemFailures()).isEmpty();
                assertThat(processor.process(event(batch)).getBatchItemFailures()).isEmpty(); // a duplicate
            }
            processor.drain(SHARD);
        }
        Set<Out> results = new HashSet<>();
        for (String line : Files.readAllLines(dir.resolve("firehose/out.jsonl"))) {
            JsonNode n = JSON.readTree(line);
            assertThat(results.add(JSON.treeToValue(n, Out.class))).as("once: %s", line).isTrue();
        }
        assertThat(expected).hasSizeGreaterThan(20);
        assertThat(results).isEqualTo(expected);
        assertThat(Files.exists(dir.resolve("late/counts.jsonl"))).as("nothing is late in a global window").isFalse();
    }

    /** A wall clock the test moves. */
    static final class TestClock extends java.time.Clock {
        java.time.Instant now = java.time.Instant.parse("2024-03-01T10:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return java.time.ZoneOffset.UTC;
        }

        @Override
        public java.time.Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public java.time.Instant instant() {
            return now;
        }
    }

    @org.junit.jupiter.api.Test
    void aProcessingTimeTriggerFiresEachPaneItsIntervalAfterItsFirstElement(@TempDir Path dir) throws Exception {
        Pipeline pipeline = Pipeline.named("minutely")
                .from(KinesisSource.stream("s").decode(Json.of(Ev.class)))
                .keyBy(Ev::key)
                .window(GlobalWindows.withProcessingTimeTrigger(Duration.ofSeconds(60)))
                .aggregate(COUNT_AND_SUM)
                .map(w -> new Out(w.key(), w.firing(), w.value().count(), w.value().sum(), w.window().startMs(),
                        w.window().endMs()))
                .to(Firehose.deliveryStream("out"))
                .build();
        TestClock clock = new TestClock();
        try (DynamoDbStateBackend backend = new DynamoDbStateBackend(DynamoDbLocal.client(),
                DynamoDbLocal.newTable("minutely"))) {
            BatchProcessor processor = new BatchProcessor(pipeline, backend, new FileSinkFactory(dir), clock);
            // 10:00:00 panes of a and b open
            processor.process(event(List.of(In.of(0, new Ev("a", 0, 1)), In.of(1, new Ev("a", 0, 2)),
                    In.of(2, new Ev("b", 0, 4)))));
            clock.now = clock.now.plusSeconds(30);
            processor.process(event(List.of(In.of(3, new Ev("a", 0, 8)))));
            assertThat(Files.exists(dir.resolve("firehose/out.jsonl"))).as("nothing due yet").isFalse();
            clock.now = clock.now.plusSeconds(31); // 10:01:01: a's and b's panes are due; c's opens
            processor.process(event(List.of(In.of(4, new Ev("c", 0, 16)))));
            clock.now = clock.now.plusSeconds(100); // 10:02:41: c's pane is due; a's new one opens
            processor.process(event(List.of(In.of(5, new Ev("a", 0, 32)))));
            processor.process(event(List.of(In.of(5, new Ev("a", 0, 32))))); // a duplicate delivery
            processor.drain(SHARD); // a's second pane has not reached its time: it stays, as in Flink
        }
        Set<Out> results = new HashSet<>();
        for (String line : Files.readAllLines(dir.resolve("firehose/out.jsonl"))) {
            assertThat(results.add(JSON.treeToValue(JSON.readTree(line), Out.class))).as("once: %s", line).isTrue();
        }
        assertThat(results).containsExactlyInAnyOrder(
                new Out("a", 0, 3, 11, Long.MIN_VALUE, Long.MAX_VALUE),
                new Out("b", 0, 1, 4, Long.MIN_VALUE, Long.MAX_VALUE),
                new Out("c", 0, 1, 16, Long.MIN_VALUE, Long.MAX_VALUE));
    }
}

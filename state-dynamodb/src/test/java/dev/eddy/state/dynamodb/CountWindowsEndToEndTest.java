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
            BatchProcessor processor = new BatchProcessor(pipeline.plan(), backend, new FileSinkFactory(dir));
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
}

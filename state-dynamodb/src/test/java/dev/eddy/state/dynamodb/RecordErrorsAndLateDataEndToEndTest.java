package dev.eddy.state.dynamodb;

import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.BOUND;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.COUNT_AND_SUM;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.JSON;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.SHARD;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.codec.Json;
import dev.eddy.internal.BatchProcessor;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.RecordErrorPolicy;
import dev.eddy.sink.FileSinkFactory;
import dev.eddy.sink.Firehose;
import dev.eddy.sink.Sns;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Ev;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.In;
import dev.eddy.window.TumblingWindows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The record-error policies and the late-data sink, through the batch processor and DynamoDB Local. */
@ExtendWith(DynamoDbLocal.class)
class RecordErrorsAndLateDataEndToEndTest {

    record Out(String key, long start, long count, long sum) {
    }

    static Pipeline pipeline(RecordErrorPolicy policy) {
        return Pipeline.named("r")
                .onRecordError(policy)
                .from(KinesisSource.stream("s").decode(Json.of(Ev.class)))
                .withEventTime(e -> Instant.ofEpochMilli(e.ts()), Duration.ofMillis(BOUND))
                .keyBy(Ev::key)
                .window(TumblingWindows.of(Duration.ofMillis(20)))
                .lateDataTo(Sns.topic("late-events"))
                .aggregate(COUNT_AND_SUM)
                .map(w -> new Out(w.key(), w.window().startMs(), w.value().count(), w.value().sum()))
                .to(Firehose.deliveryStream("out"))
                .build();
    }

    static List<JsonNode> lines(Path file) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }

    static List<String> ids(StreamsEventResponse response) {
        return response.getBatchItemFailures().stream().map(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .toList();
    }

    @Test
    void underRetryABadRecordStopsTheBatchThereAndTheRecordsBeforeItAreCommitted(@TempDir Path dir)
            throws Exception {
        List<In> input = List.of(In.of(0, new Ev("a", 100, 1)), In.of(1, new Ev("a", 101, 2)),
                In.poison(2, "not json"), In.of(3, new Ev("a", 102, 4)));
        try (DynamoDbStateBackend backend = new DynamoDbStateBackend(DynamoDbLocal.client(),
                DynamoDbLocal.newTable("retry"))) {
            BatchProcessor processor = new BatchProcessor(pipeline(RecordErrorPolicy.RETRY), backend,
                    new FileSinkFactory(dir));

            StreamsEventResponse first = processor.process(event(input));
            assertThat(ids(first)).containsExactly(input.get(2).seq().toString());
            assertThat(backend.readCheckpoint(SHARD).sequenceNumber()).isEqualTo(input.get(1).seq());

            // the event source mapping retries from the bad record: it fails again, nothing after it is applied
            assertThat(ids(processor.process(event(input.subList(2, 4))))).containsExactly(input.get(2).seq().toString());
            // its retries exhausted, the mapping skips it; the shard goes on
            assertThat(processor.process(event(input.subList(3, 4))).getBatchItemFailures()).isEmpty();
            processor.drain(SHARD);
        }
        assertThat(lines(dir.resolve("failed/r.jsonl"))).isEmpty();
        assertThat(lines(dir.resolve("firehose/out.jsonl"))).extracting(n -> n.get("count").asLong() + "/"
                + n.get("sum").asLong()).containsExactly("3/7");
    }

    @Test
    void underTheDefaultPolicyABadRecordGoesToTheFailureDestinationAndTheBatchGoesOn(@TempDir Path dir)
            throws Exception {
        List<In> input = List.of(In.of(0, new Ev("a", 100, 1)), In.poison(1, "not json"), In.of(2, new Ev("a", 101, 2)));
        try (DynamoDbStateBackend backend = new DynamoDbStateBackend(DynamoDbLocal.client(),
                DynamoDbLocal.newTable("dest"))) {
            BatchProcessor processor = new BatchProcessor(pipeline(RecordErrorPolicy.FAILURE_DESTINATION), backend, new FileSinkFactory(dir));
            assertThat(processor.process(event(input)).getBatchItemFailures()).isEmpty();
            processor.drain(SHARD);
        }
        assertThat(lines(dir.resolve("failed/r.jsonl"))).extracting(n -> n.get("sequenceNumber").asText())
                .containsExactly(input.get(1).seq().toString());
        assertThat(lines(dir.resolve("firehose/out.jsonl"))).extracting(n -> n.get("count").asLong())
                .containsExactly(2L);
    }

    @Test
    void lateDataGoesToTheSinkThePipelineNames(@TempDir Path dir) throws Exception {
        // window [100, 120) fires once the watermark reaches 119: at an event time of 119 + BOUND + 1
        List<In> input = List.of(In.of(0, new Ev("a", 105, 1)), In.of(1, new Ev("a", 120 + BOUND, 2)),
                In.of(2, new Ev("a", 110, 4)));
        try (DynamoDbStateBackend backend = new DynamoDbStateBackend(DynamoDbLocal.client(),
                DynamoDbLocal.newTable("late"))) {
            BatchProcessor processor = new BatchProcessor(pipeline(RecordErrorPolicy.FAILURE_DESTINATION), backend, new FileSinkFactory(dir));
            assertThat(processor.process(event(input)).getBatchItemFailures()).isEmpty();
            processor.drain(SHARD);
        }
        assertThat(pipeline(RecordErrorPolicy.RETRY).sinks()).containsExactly(Firehose.deliveryStream("out"),
                Sns.topic("late-events"));
        assertThat(lines(dir.resolve("sns/late-events.jsonl"))).singleElement().satisfies(late -> {
            assertThat(late.get("sequenceNumber").asText()).isEqualTo(input.get(2).seq().toString());
            assertThat(late.get("element").get("v").asLong()).isEqualTo(4);
        });
        assertThat(Files.exists(dir.resolve("late/r.jsonl"))).isFalse();
        assertThat(lines(dir.resolve("firehose/out.jsonl"))).extracting(n -> n.get("start").asLong() + "=" + n.get("sum"))
                .containsExactlyInAnyOrder("100=1", "120=2");
    }
}

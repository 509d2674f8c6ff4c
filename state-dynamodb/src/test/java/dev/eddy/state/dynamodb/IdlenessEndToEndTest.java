package dev.eddy.state.dynamodb;

import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.BOUND;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.COUNT_AND_SUM;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.SHARD;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.SIZE;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.byId;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.chunks;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.event;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.generatedInput;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.codec.Json;
import dev.eddy.metrics.Figures;
import dev.eddy.metrics.Metric;
import dev.eddy.pipeline.Heartbeat;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.sink.Firehose;
import dev.eddy.sink.FileSinkFactory;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.CrashPoint;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.CrashingBackend;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Ev;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.In;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Out;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Run;
import dev.eddy.internal.BatchProcessor;
import dev.eddy.window.GlobalWindows;
import dev.eddy.window.TumblingWindows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idleness and heartbeats end to end: {@link BatchProcessor}, DynamoDB Local and file sinks. The input's records
 * arrive about one second apart ({@link BatchProcessorEndToEndTest#event}); a heartbeat record ({@link Heartbeat})
 * carries the wall-clock time of its making. With idleness I, a heartbeat at least I after the shard's last record
 * raises the watermark to its time − I − out-of-orderness − 1 ms: for this replay of old event times, every window.
 */
@ExtendWith(DynamoDbLocal.class)
class IdlenessEndToEndTest {

    static final Duration IDLENESS = Duration.ofSeconds(5);

    static Pipeline pipeline() {
        return Pipeline.named("t")
                .from(KinesisSource.stream("s").decode(Json.of(Ev.class)).withIdleness(IDLENESS))
                .withEventTime(e -> Instant.ofEpochMilli(e.ts()), Duration.ofMillis(BOUND))
                .keyBy(Ev::key)
                .window(TumblingWindows.of(Duration.ofMillis(SIZE)))
                .aggregate(COUNT_AND_SUM)
                .map(w -> new Out(w.id(), w.key(), w.window().startMs(), w.window().endMs(), w.value().count(),
                        w.value().sum(), w.firing()))
                .to(Firehose.deliveryStream("out"))
                .build();
    }

    /** A heartbeat as record {@code index} of the shard, made at {@code timeMs}. */
    static In heartbeat(int index, long timeMs) {
        return new In(In.seq(index), Heartbeat.PARTITION_KEY, Heartbeat.data(timeMs), null);
    }

    /** @return when record {@code index} arrives, ms (as {@link BatchProcessorEndToEndTest#event} sets it) */
    static long arrival(int index) {
        return 1_700_000_000_000L + In.seq(index).subtract(In.seq(0)).longValueExact() / 1000;
    }

    static Map<String, String> drained(Path dir, List<In> input) {
        try (Run run = new Run(dir, pipeline(), b -> b)) {
            run.processAll(chunks(input, 10));
            run.processor.drain(SHARD);
            return byId(run.lines("firehose/out.jsonl"));
        }
    }

    @Test
    void aHeartbeatAfterIdlenessFiresEveryWindowADrainWouldWithoutADrain(@TempDir Path dir) {
        List<In> input = generatedInput();
        Map<String, String> drained = drained(dir.resolve("drained"), input);
        int last = input.size() - 1;

        try (Run run = new Run(dir.resolve("idle"), pipeline(), b -> b)) {
            run.processAll(chunks(input, 10));
            int before = run.lines("firehose/out.jsonl").size();
            assertThat(before).as("windows still open at the end of the input").isLessThan(drained.size());
            run.processAll(List.of(List.of(heartbeat(last + 1, arrival(last) + IDLENESS.toMillis()))));

            assertThat(byId(run.lines("firehose/out.jsonl"))).isEqualTo(drained);
            Figures totals = run.totals();
            assertThat(totals.count(Metric.HEARTBEATS)).isEqualTo(1);
            assertThat(totals.count(Metric.IDLE_FIRINGS)).isEqualTo(drained.size() - before);
            assertThat(totals.records()).as("a heartbeat is not a record").isEqualTo(input.size());
        }
    }

    @Test
    void aHeartbeatBeforeIdlenessMovesNothingAndIsNeitherDataNorFailedNorLate(@TempDir Path dir) {
        List<In> input = generatedInput();
        int last = input.size() - 1;
        try (Run run = new Run(dir, pipeline(), b -> b)) {
            run.processAll(chunks(input, 10));
            int results = run.lines("firehose/out.jsonl").size();
            int failed = run.failed().size();
            int late = run.late().size();
            // mid-input too: a heartbeat between records of the same second
            run.processAll(List.of(List.of(heartbeat(last + 1, arrival(last) + IDLENESS.toMillis() - 1))));

            assertThat(run.lines("firehose/out.jsonl")).hasSize(results);
            assertThat(run.failed()).hasSize(failed);
            assertThat(run.late()).hasSize(late);
            assertThat(run.totals().count(Metric.HEARTBEATS)).isEqualTo(1);
            assertThat(run.totals().count(Metric.IDLE_FIRINGS)).isZero();
        }
    }

    @Test
    void aRecordAfterAnIdleAdvanceIsJudgedByThatWatermarkAndIsLate(@TempDir Path dir) {
        List<In> input = generatedInput();
        int last = input.size() - 1;
        try (Run run = new Run(dir, pipeline(), b -> b)) {
            run.processAll(chunks(input, 10));
            run.processAll(List.of(List.of(heartbeat(last + 1, arrival(last) + IDLENESS.toMillis()))));
            int late = run.late().size();
            In straggler = In.of(last + 2, new Ev("a", 1_000_000 + last * 4L, 7));
            run.processAll(List.of(List.of(straggler)));

            assertThat(run.late()).hasSize(late + 1);
            assertThat(run.late().get(late).get("sequenceNumber").asText()).isEqualTo(straggler.seq().toString());
        }
    }

    @Test
    void aHeartbeatBatchRetriedAfterACrashFiresEachWindowOnce(@TempDir Path dir) {
        List<In> input = generatedInput();
        Map<String, String> drained = drained(dir.resolve("drained"), input);
        int last = input.size() - 1;
        for (CrashPoint crash : List.of(CrashPoint.AFTER_FIRE_BEFORE_EMIT, CrashPoint.AFTER_EMIT_BEFORE_CLEAR,
                CrashPoint.AFTER_CLEAR_BEFORE_COMMIT)) {
            String crashTable = DynamoDbLocal.newTable("idle-" + crash.name().toLowerCase(java.util.Locale.ROOT));
            CrashingBackend crashing = new CrashingBackend(new DynamoDbStateBackend(DynamoDbLocal.client(),
                    crashTable));
            try (Run run = new Run(dir.resolve(crash.name()), crashTable, crashing, pipeline())) {
                run.processAll(chunks(input, 10));
                List<In> beat = List.of(heartbeat(last + 1, arrival(last) + IDLENESS.toMillis()));
                crashing.armed = crash;
                assertThat(run.process(beat).getBatchItemFailures()).as(crash.name()).hasSize(1);
                run.processAll(List.of(beat));

                assertThat(byId(run.lines("firehose/out.jsonl"))).as(crash.name()).isEqualTo(drained);
                assertThat(run.totals().count(Metric.HEARTBEATS)).as("counted once").isEqualTo(1);
            }
        }
    }

    @Test
    void aProcessingTimeTriggerFiresOnAHeartbeatWithNoRecords(@TempDir Path dir) throws Exception {
        Pipeline pipeline = Pipeline.named("minutely")
                .from(KinesisSource.stream("s").decode(Json.of(Ev.class)))
                .keyBy(Ev::key)
                .window(GlobalWindows.withProcessingTimeTrigger(Duration.ofSeconds(60)))
                .aggregate(COUNT_AND_SUM)
                .map(w -> new CountWindowsEndToEndTest.Out(w.key(), w.firing(), w.value().count(), w.value().sum(),
                        w.window().startMs(), w.window().endMs()))
                .to(Firehose.deliveryStream("out"))
                .build();
        CountWindowsEndToEndTest.TestClock clock = new CountWindowsEndToEndTest.TestClock();
        try (DynamoDbStateBackend backend = new DynamoDbStateBackend(DynamoDbLocal.client(),
                DynamoDbLocal.newTable("minutely"))) {
            BatchProcessor processor = new BatchProcessor(pipeline, backend, new FileSinkFactory(dir), clock);
            processor.process(event(List.of(In.of(0, new Ev("a", 0, 1)), In.of(1, new Ev("a", 0, 2)))));
            clock.now = clock.now.plusSeconds(61);
            assertThat(Files.exists(dir.resolve("firehose/out.jsonl"))).as("no record: nothing ran").isFalse();

            processor.process(event(List.of(heartbeat(2, clock.now.toEpochMilli()))));

            List<String> lines = Files.readAllLines(dir.resolve("firehose/out.jsonl"));
            assertThat(lines).singleElement().satisfies(line -> assertThat(line).contains("\"count\":2"));
            assertThat(dir.resolve("failed/minutely.jsonl")).as("the heartbeat is not data").doesNotExist();
        }
    }
}

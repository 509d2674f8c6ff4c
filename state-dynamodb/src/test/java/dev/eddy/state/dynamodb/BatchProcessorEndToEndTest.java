package dev.eddy.state.dynamodb;

import dev.eddy.state.TimerHandle;
import dev.eddy.metrics.Figures;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.aggregate.Aggregator;
import dev.eddy.codec.Json;
import dev.eddy.internal.BatchProcessor;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.ResultStream;
import dev.eddy.sink.FileSinkFactory;
import dev.eddy.sink.Firehose;
import dev.eddy.state.BatchRange;
import dev.eddy.state.ForwardingStateBackend;
import dev.eddy.state.KeyLogic;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.StateBackend;
import dev.eddy.state.KeyUpdate;
import dev.eddy.window.TumblingWindows;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link BatchProcessor} end to end: real DynamoDB state (DynamoDB Local), file sinks, Kinesis events built as
 * Lambda delivers them. Results are compared with a plain reference computation over the input.
 */
@ExtendWith(DynamoDbLocal.class)
class BatchProcessorEndToEndTest {

    static final String SHARD = "shardId-000000000000";
    static final long SIZE = 20;
    static final long BOUND = 5;
    static final BigInteger FIRST_SEQUENCE = new BigInteger("49590338271490256608559692538361571095921575989136588898");
    static final ObjectMapper JSON = new ObjectMapper();

    record Ev(String key, long ts, long v) {
    }

    record Acc(long count, long sum) {
    }

    /** What the pipeline writes for a window: the firing's id and its result. */
    record Out(String id, String key, long start, long end, long count, long sum, int firing) {
        Result result() {
            return new Result(key, start, end, count, sum, firing);
        }
    }

    /** A window result without its id, as the reference computes it. */
    record Result(String key, long start, long end, long count, long sum, int firing) {
    }

    static final Aggregator<Ev, Acc, Acc> COUNT_AND_SUM = Aggregator.of(Acc.class, () -> new Acc(0, 0),
            (Acc a, Ev e) -> new Acc(a.count() + 1, a.sum() + e.v()),
            (Acc a, Acc b) -> new Acc(a.count() + b.count(), a.sum() + b.sum()),
            (Acc a) -> a);

    static Pipeline pipeline() {
        return pipeline(results -> results);
    }

    /** @param more what else the results go to, beside the Firehose sink {@code out} */
    static Pipeline pipeline(java.util.function.UnaryOperator<ResultStream<Out>> more) {
        ResultStream<Out> results = Pipeline.named("t")
                .from(KinesisSource.stream("s").decode(Json.of(Ev.class)))
                .withEventTime(e -> Instant.ofEpochMilli(e.ts()), Duration.ofMillis(BOUND))
                .keyBy(Ev::key)
                .window(TumblingWindows.of(Duration.ofMillis(SIZE)))
                .aggregate(COUNT_AND_SUM)
                .map(w -> new Out(w.id(), w.key(), w.window().startMs(), w.window().endMs(), w.value().count(),
                        w.value().sum(), w.firing()))
                .to(Firehose.deliveryStream("out"));
        return more.apply(results).build();
    }

    // ---------------------------------------------------------------- input

    /** One Kinesis record: its sequence number, data, and the event it encodes ({@code null} if poison). */
    record In(BigInteger seq, String partitionKey, byte[] data, Ev ev) {
        static In of(int index, Ev ev) {
            String json = "{\"key\":\"" + ev.key() + "\",\"ts\":" + ev.ts() + ",\"v\":" + ev.v() + "}";
            return new In(seq(index), ev.key(), json.getBytes(StandardCharsets.UTF_8), ev);
        }

        static In poison(int index, String text) {
            return new In(seq(index), "poison", text.getBytes(StandardCharsets.UTF_8), null);
        }

        static BigInteger seq(int index) {
            return FIRST_SEQUENCE.add(BigInteger.valueOf(index * 1_000_003L));
        }
    }

    /** 80 records of 3 keys, mostly out of order by up to 12 ms, some by 30-60 ms (late), with poison. */
    static List<In> generatedInput() {
        Random random = new Random(42);
        String[] keys = {"a", "b", "c"};
        List<In> input = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            if (i % 13 == 6) {
                input.add(In.poison(i, i % 2 == 0 ? "{\"key\":\"a\",\"ts\":" : "not json at all"));
                continue;
            }
            long disorder = random.nextInt(10) == 0 ? -30 - random.nextInt(31) : random.nextInt(21) - 12;
            long ts = 1_000_000 + i * 4L + disorder;
            input.add(In.of(i, new Ev(keys[random.nextInt(keys.length)], ts, random.nextInt(100) - 20)));
        }
        return input;
    }

    static KinesisEvent event(List<In> records) {
        List<KinesisEvent.KinesisEventRecord> list = new ArrayList<>();
        for (In in : records) {
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setSequenceNumber(in.seq().toString());
            kinesis.setPartitionKey(in.partitionKey());
            kinesis.setData(ByteBuffer.wrap(in.data()));
            kinesis.setApproximateArrivalTimestamp(new Date(1_700_000_000_000L
                    + in.seq().subtract(FIRST_SEQUENCE).longValueExact() / 1000));
            kinesis.setKinesisSchemaVersion("1.0");
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setEventID(SHARD + ":" + in.seq());
            record.setEventSource("aws:kinesis");
            record.setEventName("aws:kinesis:record");
            record.setKinesis(kinesis);
            list.add(record);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(list);
        return event;
    }

    static List<List<In>> chunks(List<In> input, int size) {
        List<List<In>> batches = new ArrayList<>();
        for (int from = 0; from < input.size(); from += size) {
            batches.add(input.subList(from, Math.min(input.size(), from + size)));
        }
        return batches;
    }

    // ---------------------------------------------------------------- reference model

    /** The expected outcome, computed record by record with no DynamoDB, batching or Eddy code. */
    record Expected(Set<Result> results, List<String> lateSequenceNumbers, List<String> failedSequenceNumbers) {
    }

    static Expected reference(List<In> input) {
        Map<List<Object>, long[]> windows = new TreeMap<>((x, y) -> x.toString().compareTo(y.toString()));
        List<String> late = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        boolean anySeen = false;
        long maxTs = 0;
        for (In in : input) {
            if (in.ev() == null) {
                failed.add(in.seq().toString());
                continue;
            }
            Ev e = in.ev();
            long start = Math.floorDiv(e.ts(), SIZE) * SIZE;
            long end = start + SIZE;
            // late: the window's last millisecond is at or below the watermark of the records before this one
            if (anySeen && end - 1 <= maxTs - BOUND - 1) {
                late.add(in.seq().toString());
            } else {
                long[] acc = windows.computeIfAbsent(List.of(e.key(), start, end), k -> new long[2]);
                acc[0]++;
                acc[1] += e.v();
            }
            maxTs = anySeen ? Math.max(maxTs, e.ts()) : e.ts();
            anySeen = true;
        }
        Set<Result> results = new HashSet<>();
        windows.forEach((k, acc) -> results.add(new Result((String) k.get(0), (Long) k.get(1), (Long) k.get(2),
                acc[0], acc[1], 0)));
        return new Expected(results, late, failed);
    }

    // ---------------------------------------------------------------- harness

    /** One handler instance: a fresh table, the real backend (optionally wrapped), file sinks under a folder. */
    static class Run implements AutoCloseable {
        final Path dir;
        final String table;
        final StateBackend backend;
        final BatchProcessor processor;

        Run(Path dir) {
            this(dir, b -> b);
        }

        Run(Path dir, java.util.function.UnaryOperator<StateBackend> wrap) {
            this(dir, pipeline(), wrap);
        }

        Run(Path dir, Pipeline pipeline, java.util.function.UnaryOperator<StateBackend> wrap) {
            this(dir, pipeline, DynamoDbLocal.newTable("e2e"), wrap);
        }

        private Run(Path dir, Pipeline pipeline, String table, java.util.function.UnaryOperator<StateBackend> wrap) {
            this(dir, table, wrap.apply(new DynamoDbStateBackend(DynamoDbLocal.client(), table)), pipeline);
        }

        /**
         * @param dir where the file sinks write
         * @param table the backend's table
         * @param backend the state backend, closed with this run
         * @param pipeline the pipeline
         */
        Run(Path dir, String table, StateBackend backend, Pipeline pipeline) {
            this.dir = dir;
            this.table = table;
            this.backend = backend;
            this.processor = new BatchProcessor(pipeline, backend, new FileSinkFactory(dir));
        }

        StreamsEventResponse process(List<In> batch) {
            return processor.process(event(batch));
        }

        void processAll(List<List<In>> batches) {
            for (List<In> batch : batches) {
                assertThat(process(batch).getBatchItemFailures()).isEmpty();
            }
        }

        List<JsonNode> lines(String file) {
            Path path = dir.resolve(file);
            return Files.exists(path) ? readLines(path) : List.of();
        }

        List<Out> outputs() {
            return lines("firehose/out.jsonl").stream().map(n -> JSON.convertValue(n, Out.class)).toList();
        }

        List<JsonNode> late() {
            return lines("late/t.jsonl");
        }

        List<JsonNode> failed() {
            return lines("failed/t.jsonl");
        }

        /** @return the shard's totals as committed with its checkpoint, read with a backend of their own */
        Figures totals() {
            try (DynamoDbStateBackend reader = new DynamoDbStateBackend(DynamoDbLocal.client(), table)) {
                return reader.readCheckpoint(SHARD).totals();
            }
        }

        @Override
        public void close() {
            backend.close();
        }
    }

    static List<String> sequenceNumbers(List<JsonNode> nodes) {
        return nodes.stream().map(n -> n.get("sequenceNumber").asText()).toList();
    }

    /** The totals of what the input's records did, whatever the faults: replays and capacity units aside. */
    static List<Long> counts(Figures t) {
        return List.of(t.records(), t.failedRecords(), t.lateRecords(), t.windowsFired(), t.resultsEmitted(),
                t.deadlineStops());
    }

    static void assertMatchesReference(Run run, Expected expected) {
        List<Out> outputs = run.outputs();
        assertThat(outputs).extracting(Out::result).containsExactlyInAnyOrderElementsOf(expected.results());
        assertThat(outputs).extracting(Out::id).doesNotHaveDuplicates();
        assertThat(sequenceNumbers(run.late())).containsExactlyElementsOf(expected.lateSequenceNumbers());
        assertThat(sequenceNumbers(run.failed())).containsExactlyElementsOf(expected.failedSequenceNumbers());
    }

    // ---------------------------------------------------------------- tests

    @Test
    void generatedInputExercisesLatenessPoisonAndManyWindows() {
        Expected expected = reference(generatedInput());
        assertThat(expected.lateSequenceNumbers()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(expected.failedSequenceNumbers()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(expected.results()).hasSizeGreaterThanOrEqualTo(20);
    }

    @ParameterizedTest(name = "batches of {0}")
    @ValueSource(ints = {1, 7, 80})
    void resultsEqualTheReferenceWhateverTheBatchSize(int batchSize, @TempDir Path dir) {
        List<In> input = generatedInput();
        try (Run run = new Run(dir)) {
            run.processAll(chunks(input, batchSize));
            run.processor.drain(SHARD);
            assertMatchesReference(run, reference(input));
            var metrics = run.processor.metrics();
            assertThat(metrics.records()).isEqualTo(input.size());
            assertThat(metrics.lateRecords()).isEqualTo(reference(input).lateSequenceNumbers().size());
            assertThat(metrics.resultsEmitted()).isEqualTo(reference(input).results().size());
        }
    }

    @Test
    void aDrainedShardFiresEachWindowOnce(@TempDir Path dir) {
        List<In> input = generatedInput();
        try (Run run = new Run(dir)) {
            run.processAll(chunks(input, 10));
            int drained = run.processor.drain(SHARD);
            assertThat(run.processor.drain(SHARD)).isZero();
            assertThat(drained).isPositive();
            assertMatchesReference(run, reference(input));
        }
    }

    @Test
    void aDuplicatedBatchChangesNothing(@TempDir Path dir) {
        List<In> input = generatedInput();
        try (Run run = new Run(dir)) {
            for (List<In> batch : chunks(input, 9)) {
                assertThat(run.process(batch).getBatchItemFailures()).isEmpty();
                assertThat(run.process(batch).getBatchItemFailures()).isEmpty();
            }
            run.processor.drain(SHARD);
            assertMatchesReference(run, reference(input));
            assertThat(run.processor.metrics().replaysSkipped()).isEqualTo(input.size());
            // the duplicates count as replays, once each, and their records once
            Figures totals = run.totals();
            assertThat(totals.records()).isEqualTo(input.size());
            assertThat(totals.replaysSkipped()).isEqualTo(input.size());
            assertThat(totals.resultsEmitted()).isEqualTo(reference(input).results().size());
        }
    }

    @Test
    void theCheckpointsTotalsAreTheHandlersFigures(@TempDir Path dir) {
        List<In> input = generatedInput();
        Expected expected = reference(input);
        try (Run run = new Run(dir)) {
            // batches of 7, one delivered twice, one retried with other boundaries
            List<List<In>> batches = chunks(input, 7);
            run.processAll(batches.subList(0, 4));
            run.processAll(List.of(batches.get(3), input.subList(25, 40), input.subList(30, 50)));
            run.processAll(chunks(input.subList(50, 80), 7));
            run.processor.drain(SHARD);
            var m = run.processor.metrics();
            Figures totals = run.totals();

            assertThat(totals.records()).isEqualTo(m.records()).isEqualTo(input.size());
            assertThat(totals.replaysSkipped()).isEqualTo(m.replaysSkipped()).isEqualTo(7 + 3 + 10);
            assertThat(totals.failedRecords()).isEqualTo(m.failedRecords())
                    .isEqualTo(expected.failedSequenceNumbers().size());
            assertThat(totals.lateRecords()).isEqualTo(m.lateRecords())
                    .isEqualTo(expected.lateSequenceNumbers().size());
            assertThat(totals.windowsFired()).isEqualTo(m.windowsFired()).isEqualTo(expected.results().size());
            assertThat(totals.resultsEmitted()).isEqualTo(m.resultsEmitted()).isEqualTo(expected.results().size());
            assertThat(totals.deadlineStops()).isEqualTo(m.deadlineStops()).isZero();
            // capacity as known before each commit: all of it but the last commit's own write (one unit)
            assertThat(totals.readUnits()).isEqualTo(m.readUnits()).isPositive();
            assertThat(totals.writeUnits()).isEqualTo(m.writeUnits() - 1.0).isPositive();
        }
    }

    @Test
    void aRetryWithOtherBatchBoundariesGivesTheOutputOfOneCleanRun(@TempDir Path dir) {
        List<In> input = generatedInput();
        try (Run run = new Run(dir)) {
            run.processAll(List.of(input.subList(0, 6), input.subList(3, 10), input.subList(8, 31),
                    input.subList(20, 25), input.subList(31, 80)));
            run.processor.drain(SHARD);
            assertMatchesReference(run, reference(input));
        }
    }

    @Test
    void aRecordThatIsNotJsonGoesToTheFailureOutputAndTheBatchGoesOn(@TempDir Path dir) {
        List<In> input = List.of(In.of(0, new Ev("a", 100, 1)), In.poison(1, "{not json"),
                In.of(2, new Ev("a", 101, 2)));
        try (Run run = new Run(dir)) {
            assertThat(run.process(input).getBatchItemFailures()).isEmpty();
            run.processor.drain(SHARD);

            assertThat(run.outputs()).extracting(Out::result)
                    .containsExactly(new Result("a", 100, 120, 2, 3, 0));
            List<JsonNode> failed = run.failed();
            assertThat(failed).hasSize(1);
            JsonNode failure = failed.get(0);
            assertThat(failure.get("sequenceNumber").asText()).isEqualTo(In.seq(1).toString());
            assertThat(Base64.getDecoder().decode(failure.get("data").asText()))
                    .isEqualTo("{not json".getBytes(StandardCharsets.UTF_8));
            assertThat(failure.get("errorType").asText()).isEqualTo("dev.eddy.codec.DecodeException");
            assertThat(failure.get("errorMessage").asText()).contains("Ev");
            assertThat(failure.get("shardId").asText()).isEqualTo(SHARD);
            assertThat(failure.get("partitionKey").asText()).isEqualTo("poison");
            assertThat(failure.get("id").asText()).isEqualTo("t:" + SHARD + ":" + In.seq(1));
            assertThat(run.processor.metrics().failedRecords()).isEqualTo(1);
        }
    }

    @Test
    void aRecordWithAnImplausibleEventTimeGoesToTheFailureOutputInsteadOfStallingTheShard(@TempDir Path dir) {
        List<In> input = List.of(In.of(0, new Ev("a", 100, 1)), In.of(1, new Ev("a", Long.MAX_VALUE - 3, 2)),
                In.of(2, new Ev("a", 101, 4)));
        try (Run run = new Run(dir)) {
            assertThat(run.process(input).getBatchItemFailures()).isEmpty();
            run.processor.drain(SHARD);
            assertThat(run.outputs()).extracting(Out::result).containsExactly(new Result("a", 100, 120, 2, 5, 0));
            assertThat(sequenceNumbers(run.failed())).containsExactly(In.seq(1).toString());
        }
    }

    @Test
    void aRecordWhoseWindowTheWatermarkPassedGoesToTheLateOutputAndIsNotCounted(@TempDir Path dir) {
        // B = 5, windows of 20 ms. After ts 205 the watermark is 205 - 5 - 1 = 199.
        List<In> input = List.of(
                In.of(0, new Ev("a", 100, 1)),   // [100, 120)
                In.of(1, new Ev("a", 205, 2)),   // [200, 220); watermark 199
                In.of(2, new Ev("a", 105, 4)),   // [100, 120): 119 <= 199, late
                In.of(3, new Ev("a", 199, 8)),   // [180, 200): 199 <= 199, late (the boundary)
                In.of(4, new Ev("a", 200, 16)),  // [200, 220): 219 > 199, on time
                In.of(5, new Ev("b", 196, 32))); // [180, 200) of another key: late as well
        try (Run run = new Run(dir)) {
            // two batches, so the first window has fired before the late record for it arrives
            run.processAll(List.of(input.subList(0, 2), input.subList(2, 6)));
            run.processor.drain(SHARD);

            assertThat(run.outputs()).extracting(Out::result).containsExactlyInAnyOrder(
                    new Result("a", 100, 120, 1, 1, 0),
                    new Result("a", 200, 220, 2, 18, 0));
            List<JsonNode> late = run.late();
            assertThat(sequenceNumbers(late))
                    .containsExactly(In.seq(2).toString(), In.seq(3).toString(), In.seq(5).toString());
            JsonNode first = late.get(0);
            assertThat(first.get("key").asText()).isEqualTo("a");
            assertThat(first.get("windowStart").asText()).isEqualTo(Instant.ofEpochMilli(100).toString());
            assertThat(first.get("windowEnd").asText()).isEqualTo(Instant.ofEpochMilli(120).toString());
            assertThat(first.get("watermark").asText()).isEqualTo(Instant.ofEpochMilli(199).toString());
            assertThat(first.get("element").get("v").asLong()).isEqualTo(4);
            assertThat(run.processor.metrics().lateRecords()).isEqualTo(3);
        }
    }

    @Test
    void lateRecordsFollowTheRecordsBeforeThemNotTheBatchEnd(@TempDir Path dir) {
        // Within one batch: the record at 101 comes before the one at 300, so it is on time although the batch's
        // final watermark (294) has passed its window.
        List<In> input = List.of(In.of(0, new Ev("a", 100, 1)), In.of(1, new Ev("a", 101, 2)),
                In.of(2, new Ev("a", 300, 4)), In.of(3, new Ev("a", 102, 8)));
        try (Run run = new Run(dir)) {
            run.processAll(List.of(input));
            assertThat(run.outputs()).extracting(Out::result).containsExactly(new Result("a", 100, 120, 2, 3, 0));
            run.processor.drain(SHARD);
            assertThat(sequenceNumbers(run.late())).containsExactly(In.seq(3).toString());
        }
    }

    // ---------------------------------------------------------------- fault injection

    enum CrashPoint {
        BEFORE_APPLY, AFTER_APPLY, AFTER_FIRE_BEFORE_EMIT, AFTER_EMIT_BEFORE_CLEAR, AFTER_CLEAR_BEFORE_COMMIT,
        AFTER_COMMIT
    }

    /** How the event source mapping delivers the records again after the failure. */
    enum Retry {
        SAME_BATCH, LONGER_BATCH, BISECTED
    }

    /** The real backend, with one crash injected at a chosen step while armed. */
    static class CrashingBackend extends ForwardingStateBackend {
        CrashPoint armed;
        int firedBeforeCrash = -1;
        private int lastFired;

        CrashingBackend(StateBackend delegate) {
            super(delegate);
        }

        private void crashIf(CrashPoint point) {
            if (armed == point) {
                armed = null;
                firedBeforeCrash = lastFired;
                throw new IllegalStateException("injected crash " + point);
            }
        }

        @Override
        public ShardCheckpoint readCheckpoint(String shardId) {
            lastFired = 0;
            return super.readCheckpoint(shardId);
        }

        @Override
        public Applied applyUpdates(String shardId, BatchRange range, List<KeyUpdate> updates,
                KeyLogic logic) {
            crashIf(CrashPoint.BEFORE_APPLY);
            Applied applied = super.applyUpdates(shardId, range, updates, logic);
            lastFired = applied.firings().size();
            crashIf(CrashPoint.AFTER_APPLY);
            return applied;
        }

        @Override
        public Due fireDue(String shardId, BatchRange range, long watermarkMs, KeyLogic logic) {
            Due due = super.fireDue(shardId, range, watermarkMs, logic);
            lastFired += due.firings().size();
            crashIf(CrashPoint.AFTER_FIRE_BEFORE_EMIT);
            return due;
        }

        @Override
        public void clearTimers(String shardId, List<TimerHandle> timers) {
            crashIf(CrashPoint.AFTER_EMIT_BEFORE_CLEAR);
            super.clearTimers(shardId, timers);
            crashIf(CrashPoint.AFTER_CLEAR_BEFORE_COMMIT);
        }

        @Override
        public void commitCheckpoint(ShardCheckpoint previous, ShardCheckpoint next) {
            super.commitCheckpoint(previous, next);
            crashIf(CrashPoint.AFTER_COMMIT);
        }
    }

    static List<Arguments> crashes() {
        List<Arguments> arguments = new ArrayList<>();
        for (CrashPoint point : CrashPoint.values()) {
            for (Retry retry : Retry.values()) {
                arguments.add(Arguments.of(point, retry));
            }
        }
        return arguments;
    }

    /** (id, payload) pairs deduplicated by id; fails if one id was written with two payloads. */
    static Map<String, String> byId(List<JsonNode> nodes) {
        Map<String, String> byId = new LinkedHashMap<>();
        for (JsonNode node : nodes) {
            String payload = node.toString();
            String previous = byId.putIfAbsent(node.get("id").asText(), payload);
            assertThat(previous).as("a duplicate of id %s carries the same payload", node.get("id").asText())
                    .isIn(null, payload);
        }
        return byId;
    }

    static List<JsonNode> readLines(Path file) {
        try {
            List<JsonNode> nodes = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                nodes.add(JSON.readTree(line));
            }
            return nodes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static int duplicates(List<JsonNode> nodes) {
        return nodes.size() - byId(nodes).size();
    }

    @ParameterizedTest(name = "crash {0}, retry {1}")
    @MethodSource("crashes")
    void aCrashAtAnyStepThenARetryGivesTheOutputOfARunWithoutFaults(CrashPoint point, Retry retry,
            @TempDir Path dir) {
        List<In> input = generatedInput();
        List<List<In>> batches = chunks(input, 10);
        int crashing = 3;

        Map<String, String> cleanResults;
        Map<String, String> cleanLate;
        Map<String, String> cleanFailed;
        Figures cleanTotals;
        try (Run clean = new Run(dir.resolve("clean"))) {
            clean.processAll(batches);
            clean.processor.drain(SHARD);
            assertMatchesReference(clean, reference(input));
            cleanResults = byId(clean.lines("firehose/out.jsonl"));
            cleanLate = byId(clean.late());
            cleanFailed = byId(clean.failed());
            cleanTotals = clean.totals();
        }

        try (Run faulty = new Run(dir.resolve("faulty"), CrashingBackend::new)) {
            CrashingBackend backend = (CrashingBackend) faulty.backend;
            for (int i = 0; i < crashing; i++) {
                assertThat(faulty.process(batches.get(i)).getBatchItemFailures()).isEmpty();
            }
            List<In> failing = batches.get(crashing);
            backend.armed = point;
            StreamsEventResponse response = faulty.process(failing);
            assertThat(backend.armed).as("the crash was injected").isNull();
            assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                    .containsExactly(failing.get(0).seq().toString());
            if (point.compareTo(CrashPoint.AFTER_FIRE_BEFORE_EMIT) >= 0) {
                assertThat(backend.firedBeforeCrash).as("windows fired in the crashing batch").isPositive();
            }

            int next = crashing + 1;
            switch (retry) {
                case SAME_BATCH -> faulty.processAll(List.of(failing));
                case LONGER_BATCH -> {
                    List<In> longer = new ArrayList<>(failing);
                    longer.addAll(batches.get(next++));
                    faulty.processAll(List.of(longer));
                }
                case BISECTED -> faulty.processAll(List.of(failing.subList(0, 5), failing.subList(5, failing.size())));
                default -> throw new AssertionError(retry);
            }
            faulty.processAll(batches.subList(next, batches.size()));
            faulty.processor.drain(SHARD);

            List<JsonNode> results = faulty.lines("firehose/out.jsonl");
            assertThat(byId(results)).isEqualTo(cleanResults);
            assertThat(byId(faulty.late())).isEqualTo(cleanLate);
            assertThat(byId(faulty.failed())).isEqualTo(cleanFailed);
            if (point == CrashPoint.AFTER_EMIT_BEFORE_CLEAR || point == CrashPoint.AFTER_CLEAR_BEFORE_COMMIT) {
                // results were delivered before the crash and again by the retry, whose records they belong to:
                // at least once, with the same ids and payloads (byId above fails on a payload that differs)
                assertThat(duplicates(results)).isPositive();
            } else {
                assertThat(duplicates(results)).isZero();
            }
            // the crashed batch counts once in the checkpoint's totals, as in a run without faults
            assertThat(counts(faulty.totals())).isEqualTo(counts(cleanTotals));
            assertThat(cleanTotals.records()).isEqualTo(input.size());
        }
    }

    @Test
    void withoutFencingTheSameCrashAndRetryCountsRecordsTwice(@TempDir Path dir) {
        List<In> input = generatedInput();
        List<List<In>> batches = chunks(input, 10);
        long cleanCount;
        try (Run clean = new Run(dir.resolve("clean"))) {
            clean.processAll(batches);
            clean.processor.drain(SHARD);
            cleanCount = clean.outputs().stream().mapToLong(Out::count).sum();
        }
        try (Run unfenced = new Run(dir.resolve("unfenced"), b -> {
            ((DynamoDbStateBackend) b).disableFencingForTest();
            return new CrashingBackend(b);
        })) {
            CrashingBackend backend = (CrashingBackend) unfenced.backend;
            unfenced.processAll(batches.subList(0, 3));
            backend.armed = CrashPoint.AFTER_APPLY;
            assertThat(unfenced.process(batches.get(3)).getBatchItemFailures()).isNotEmpty();
            unfenced.processAll(batches.subList(3, batches.size()));
            unfenced.processor.drain(SHARD);

            // the values of the crashed batch were applied by the crash and again by the retry
            assertThat(unfenced.outputs().stream().mapToLong(Out::count).sum()).isGreaterThan(cleanCount);
            assertThat(unfenced.outputs()).extracting(Out::result)
                    .isNotEqualTo(reference(input).results());
        }
    }

    @Test
    void aFailureBeforeAnyRecordIsTakenIsABatchItemFailureAtTheFirstRecord(@TempDir Path dir) {
        List<In> input = generatedInput();
        boolean[] failNextRead = {true};
        try (Run run = new Run(dir, backend -> new CrashingBackend(backend) {
            @Override
            public ShardCheckpoint readCheckpoint(String shardId) {
                if (failNextRead[0]) {
                    failNextRead[0] = false;
                    throw new IllegalStateException("injected: the checkpoint read was throttled past its retries");
                }
                return super.readCheckpoint(shardId);
            }
        })) {
            List<In> batch = input.subList(0, 20);
            assertThat(run.process(batch).getBatchItemFailures())
                    .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                    .containsExactly(batch.get(0).seq().toString());
            run.processAll(List.of(batch, input.subList(20, 80)));
            run.processor.drain(SHARD);
            assertMatchesReference(run, reference(input));
        }
    }

    @Test
    void twoInvocationsRacingOnEveryBatchChangeStateOnce(@TempDir Path dir) throws Exception {
        List<In> input = generatedInput();
        try (Run live = new Run(dir.resolve("live"))) {
            // a second handler instance gets every batch at the same moment: duplicate concurrent invocations
            DynamoDbStateBackend twinState = new DynamoDbStateBackend(DynamoDbLocal.client(), live.table);
            Path twinDir = dir.resolve("twin");
            BatchProcessor twin = new BatchProcessor(pipeline(), twinState, new FileSinkFactory(twinDir));
            java.util.concurrent.ExecutorService two = java.util.concurrent.Executors.newFixedThreadPool(2);
            int lost = 0;
            try {
                for (List<In> batch : chunks(input, 10)) {
                    java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(2);
                    var a = two.submit(() -> {
                        start.await();
                        return live.process(batch);
                    });
                    var b = two.submit(() -> {
                        start.await();
                        return twin.process(event(batch));
                    });
                    boolean aOk = a.get().getBatchItemFailures().isEmpty();
                    boolean bOk = b.get().getBatchItemFailures().isEmpty();
                    lost += (aOk ? 0 : 1) + (bOk ? 0 : 1);
                    // as the event source mapping would: deliver again until an invocation succeeds
                    for (boolean ok = aOk || bOk; !ok; ) {
                        ok = live.process(batch).getBatchItemFailures().isEmpty();
                    }
                }
            } finally {
                two.shutdownNow();
                twinState.close();
            }
            live.processor.drain(SHARD);

            // both instances' outputs, deduplicated by id (one payload per id), are one clean run's
            List<JsonNode> all = new ArrayList<>(live.lines("firehose/out.jsonl"));
            Path twinOut = twinDir.resolve("firehose/out.jsonl");
            if (Files.exists(twinOut)) {
                all.addAll(readLines(twinOut));
            }
            Map<String, String> unique = byId(all);
            List<Result> results = new ArrayList<>();
            for (String payload : unique.values()) {
                results.add(JSON.readValue(payload, Out.class).result());
            }
            assertThat(results).containsExactlyInAnyOrderElementsOf(reference(input).results());
            // the race was real: a compare-and-set lost at least once (checkpoint or item)
            assertThat(lost).isPositive();
            // two instances on every batch, yet the checkpoint counted each record and firing once
            Figures totals = live.totals();
            assertThat(totals.records()).isEqualTo(input.size());
            assertThat(totals.failedRecords()).isEqualTo(reference(input).failedSequenceNumbers().size());
            assertThat(totals.lateRecords()).isEqualTo(reference(input).lateSequenceNumbers().size());
            assertThat(totals.windowsFired()).isEqualTo(reference(input).results().size());
        }
    }

    @Test
    void aZombieInvocationInterleavedWithTheLiveOneAppliesNothingAndCannotCommit(@TempDir Path dir) {
        List<In> input = generatedInput();
        List<In> batch = input.subList(0, 20);
        try (Run live = new Run(dir.resolve("live"))) {
            // a duplicate invocation of the same batch on a second handler instance: it reads the checkpoint,
            // then the live invocation processes and commits the whole batch, then the zombie goes on
            CrashingBackend zombieState = new CrashingBackend(
                    new DynamoDbStateBackend(DynamoDbLocal.client(), live.table)) {
                private boolean interleaved;

                @Override
                public ShardCheckpoint readCheckpoint(String shardId) {
                    ShardCheckpoint read = super.readCheckpoint(shardId);
                    if (!interleaved) {
                        interleaved = true;
                        assertThat(live.process(batch).getBatchItemFailures()).isEmpty();
                    }
                    return read;
                }
            };
            Path zombieDir = dir.resolve("zombie");
            BatchProcessor zombie = new BatchProcessor(pipeline(), zombieState, new FileSinkFactory(zombieDir));
            StreamsEventResponse response = zombie.process(event(batch));

            assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                    .containsExactly(batch.get(0).seq().toString());
            // whatever the zombie emitted, the live invocation emitted too: same ids, same payloads
            Map<String, String> liveResults = byId(live.lines("firehose/out.jsonl"));
            Path zombieOut = zombieDir.resolve("firehose/out.jsonl");
            if (Files.exists(zombieOut)) {
                Map<String, String> zombieResults = byId(readLines(zombieOut));
                assertThat(liveResults).containsAllEntriesOf(zombieResults);
            }
            // its retry finds the batch committed
            assertThat(zombie.process(event(batch)).getBatchItemFailures()).isEmpty();
            assertThat(zombie.metrics().replaysSkipped()).isEqualTo(batch.size());
            zombieState.close();

            live.processAll(List.of(input.subList(20, 80)));
            live.processor.drain(SHARD);
            assertMatchesReference(live, reference(input));
        }
    }

    @Test
    void withoutAnEventTimeExtractorArrivalTimeIsEventTime(@TempDir Path dir) {
        Pipeline arrival = Pipeline.named("t")
                .from(KinesisSource.stream("s").decode(Json.of(Ev.class)))
                .keyBy(Ev::key)
                .window(TumblingWindows.of(Duration.ofMillis(SIZE)))
                .aggregate(COUNT_AND_SUM)
                .map(w -> new Out(w.id(), w.key(), w.window().startMs(), w.window().endMs(), w.value().count(),
                        w.value().sum(), w.firing()))
                .to(Firehose.deliveryStream("out"))
                .build();
        // event() sets approximateArrivalTimestamp = 1_700_000_000_000 + index * 1000.003 ms, truncated:
        // index 0 -> ...000, 1 -> ...1000, 2 -> ...2000; the ts fields inside the data are ignored
        List<In> input = List.of(In.of(0, new Ev("a", 5, 1)), In.of(1, new Ev("a", 5, 2)),
                In.of(2, new Ev("a", 5, 4)));
        try (Run run = new Run(dir)) {
            BatchProcessor processor = new BatchProcessor(arrival, run.backend, new FileSinkFactory(dir));
            assertThat(processor.process(event(input)).getBatchItemFailures()).isEmpty();
            // bound zero: the watermark after the third record is 1_700_000_002_000 - 1, so two windows fired
            assertThat(run.outputs()).extracting(Out::result).containsExactlyInAnyOrder(
                    new Result("a", 1_700_000_000_000L, 1_700_000_000_020L, 1, 1, 0),
                    new Result("a", 1_700_000_001_000L, 1_700_000_001_020L, 1, 2, 0));
            processor.drain(SHARD);
            assertThat(run.outputs()).extracting(Out::result)
                    .contains(new Result("a", 1_700_000_002_000L, 1_700_000_002_020L, 1, 4, 0)).hasSize(3);
        }
    }

    @Test
    void resultsGoToEverySinkTheirBranchNames(@TempDir Path dir) {
        Pipeline branched = Pipeline.named("t")
                .from(KinesisSource.stream("s").decode(Json.of(Ev.class)))
                .withEventTime(e -> Instant.ofEpochMilli(e.ts()), Duration.ofMillis(BOUND))
                .keyBy(Ev::key)
                .window(TumblingWindows.of(Duration.ofMillis(SIZE)))
                .aggregate(COUNT_AND_SUM)
                .map(w -> new Out(w.id(), w.key(), w.window().startMs(), w.window().endMs(), w.value().count(),
                        w.value().sum(), w.firing()))
                .to(Firehose.deliveryStream("out"))
                .branch(s -> s.filter(o -> o.sum() >= 10).to(dev.eddy.sink.Sns.topic("alerts")))
                .build();
        List<In> input = List.of(In.of(0, new Ev("a", 100, 3)), In.of(1, new Ev("b", 101, 30)),
                In.of(2, new Ev("a", 102, 4)));
        try (Run run = new Run(dir)) {
            BatchProcessor processor = new BatchProcessor(branched, run.backend, new FileSinkFactory(dir));
            assertThat(processor.process(event(input)).getBatchItemFailures()).isEmpty();
            processor.drain(SHARD);
            List<Out> all = run.outputs();
            List<Out> alerts = run.lines("sns/alerts.jsonl").stream().map(n -> JSON.convertValue(n, Out.class)).toList();
            assertThat(all).extracting(Out::result).containsExactlyInAnyOrder(
                    new Result("a", 100, 120, 2, 7, 0), new Result("b", 100, 120, 1, 30, 0));
            assertThat(alerts).extracting(Out::result).containsExactly(new Result("b", 100, 120, 1, 30, 0));
            // the same firing carries the same id in every sink
            assertThat(alerts.get(0).id()).isEqualTo(all.stream().filter(o -> o.key().equals("b")).findFirst()
                    .orElseThrow().id());
        }
    }

    @Test
    void windowsOfNegativeEventTimesWork(@TempDir Path dir) {
        List<In> input = List.of(In.of(0, new Ev("a", -25, 1)), In.of(1, new Ev("a", -21, 2)),
                In.of(2, new Ev("a", -1, 4)), In.of(3, new Ev("a", 0, 8)), In.of(4, new Ev("a", 30, 16)));
        try (Run run = new Run(dir)) {
            run.processAll(List.of(input));
            run.processor.drain(SHARD);
            assertMatchesReference(run, reference(input));
            assertThat(run.outputs()).extracting(Out::result).contains(new Result("a", -40, -20, 2, 3, 0),
                    new Result("a", -20, 0, 1, 4, 0));
        }
    }
}

package dev.eddy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.internal.BatchRun.Out;
import dev.eddy.internal.TestInput.Ev;
import dev.eddy.internal.TestInput.In;
import dev.eddy.metrics.Figures;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.sink.SinkRecord;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.StateBackend;
import dev.eddy.state.ForwardingStateBackend;
import dev.eddy.fixtures.Payloads;
import dev.eddy.sink.MemorySinkFactory;
import dev.eddy.fixtures.MemoryStateBackend;
import dev.eddy.fixtures.ShardRecords;
import dev.eddy.window.TumblingWindows;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The path of one batch through {@link BatchProcessor}, end to end in memory ({@link MemoryStateBackend},
 * {@link MemorySinkFactory}): tumbling windows of 20 ms, out-of-orderness 5 ms, checked against a direct computation over
 * the input ({@link Reference}); and exactly-once under retries, duplicates, crashes and deadlines.
 */
class BatchProcessorTest {

    static final long SIZE = 20;
    static final long BOUND = 5;
    static final List<In> INPUT = TestInput.generated(240, 42);

    static Pipeline tumbling() {
        return BatchRun.windowed("t", BOUND, TumblingWindows.of(Duration.ofMillis(SIZE)), 0);
    }

    static Reference.Expected reference(List<In> input) {
        return Reference.windows(input, BOUND, 0, Reference.tumbling(SIZE), SIZE);
    }

    /** The counts a batch's records make in the checkpoint's totals, whatever the faults: replays and units aside. */
    static List<Long> counts(Figures t) {
        return List.of(t.records(), t.failedRecords(), t.lateRecords(), t.windowsFired(), t.resultsEmitted(),
                t.deadlineStops());
    }

    @Test
    void theInputHasLateDataPoisonAndManyWindows() {
        Reference.Expected expected = reference(INPUT);
        assertThat(expected.late()).hasSizeGreaterThanOrEqualTo(10);
        assertThat(expected.failed()).hasSizeGreaterThanOrEqualTo(10);
        assertThat(expected.results()).hasSizeGreaterThanOrEqualTo(100);
    }

    @ParameterizedTest(name = "batches of {0}")
    @ValueSource(ints = {1, 7, 100, 240})
    void resultsLateDataAndFailuresEqualTheDirectComputationWhateverTheBatchSize(int batchSize) {
        Reference.Expected expected = reference(INPUT);
        try (BatchRun run = new BatchRun(tumbling()).runAll(INPUT, batchSize)) {
            run.assertMatches(expected);
            Figures metrics = run.processor.metrics();
            assertThat(metrics.records()).isEqualTo(INPUT.size());
            assertThat(metrics.failedRecords()).isEqualTo(expected.failed().size());
            assertThat(metrics.lateRecords()).isEqualTo(expected.late().size());
            assertThat(metrics.windowsFired()).isEqualTo(expected.results().size());
            assertThat(metrics.resultsEmitted()).isEqualTo(expected.results().size());
            assertThat(counts(run.totals())).isEqualTo(counts(metrics));
        }
    }

    @Test
    void aRecordThatCannotBeDecodedGoesToTheFailureOutputWithItsReasonAndTheBatchGoesOn() {
        List<In> input = new ArrayList<>();
        input.add(In.of(0, "a", 100, 1));
        for (int i = 0; i < TestInput.POISON.size(); i++) {
            input.add(In.poison(1 + i, TestInput.POISON.get(i)));
        }
        input.add(In.of(5, "a", 101, 2));
        try (BatchRun run = new BatchRun(tumbling())) {
            assertThat(run.process(input).getBatchItemFailures()).isEmpty();
            run.processor.drain(ShardRecords.SHARD);

            assertThat(run.results()).containsExactly(new Reference.Result("a", 100, 120, 0, 2, 3));
            List<JsonNode> failures = run.sinks.delivered(MemorySinkFactory.FAILURES).stream().map(Payloads::json).toList();
            assertThat(failures).hasSize(TestInput.POISON.size());
            for (int i = 0; i < failures.size(); i++) {
                JsonNode failure = failures.get(i);
                In poison = input.get(1 + i);
                assertThat(failure.get("type").asText()).isEqualTo("poison");
                assertThat(failure.get("id").asText()).isEqualTo("t:" + ShardRecords.SHARD + ":" + poison.seq());
                assertThat(failure.get("sequenceNumber").asText()).isEqualTo(poison.seq());
                assertThat(failure.get("shardId").asText()).isEqualTo(ShardRecords.SHARD);
                assertThat(failure.get("partitionKey").asText()).isEqualTo("poison");
                assertThat(failure.get("errorType").asText()).isEqualTo("dev.eddy.codec.DecodeException");
                assertThat(failure.get("errorMessage").asText()).isNotBlank().isNotEqualTo("null");
                assertThat(new String(Base64.getDecoder().decode(failure.get("data").asText()),
                        StandardCharsets.UTF_8)).isEqualTo(TestInput.POISON.get(i));
            }
            assertThat(run.processor.metrics().failedRecords()).isEqualTo(TestInput.POISON.size());
        }
    }

    @Test
    void anElementIsOnTimeOrLateByTheWatermarkOfTheRecordsBeforeItNotTheBatchsEnd() {
        List<In> input = List.of(
                In.of(0, "a", 100, 1),   // [100, 120)
                In.of(1, "a", 101, 2),   // before the jump: on time although the batch ends past its window
                In.of(2, "a", 300, 4),   // watermark 300 - 5 - 1 = 294
                In.of(3, "a", 102, 8),   // [100, 120) has fired: late
                In.of(4, "b", 294, 16),  // [280, 300): 299 > 294, on time
                In.of(5, "b", 279, 32)); // [260, 280): 279 <= 294, late
        try (BatchRun run = new BatchRun(tumbling())) {
            run.processAll(List.of(input));
            assertThat(run.results()).containsExactly(new Reference.Result("a", 100, 120, 0, 2, 3));
            run.processor.drain(ShardRecords.SHARD);
            run.assertMatches(reference(input));

            JsonNode late = Payloads.json(run.sinks.delivered(MemorySinkFactory.LATE).get(0));
            assertThat(late.get("type").asText()).isEqualTo("late");
            assertThat(late.get("key").asText()).isEqualTo("a");
            assertThat(late.get("sequenceNumber").asText()).isEqualTo(input.get(3).seq());
            assertThat(late.get("eventTime").asText()).isEqualTo(Instant.ofEpochMilli(102).toString());
            assertThat(late.get("windowStart").asText()).isEqualTo(Instant.ofEpochMilli(100).toString());
            assertThat(late.get("windowEnd").asText()).isEqualTo(Instant.ofEpochMilli(120).toString());
            assertThat(late.get("watermark").asText()).isEqualTo(Instant.ofEpochMilli(294).toString());
            assertThat(late.get("element").get("v").asLong()).isEqualTo(8);
            assertThat(run.processor.metrics().lateRecords()).isEqualTo(2);
        }
    }

    @Test
    void windowsFireWhenTheWatermarkPassesTheirEndAndTheRestWhenTheShardIsDrained() {
        Reference.Expected expected = reference(INPUT);
        long watermark = INPUT.stream().filter(i -> i.ev() != null).mapToLong(i -> i.ev().ts()).max().orElseThrow()
                - BOUND - 1;
        try (BatchRun run = new BatchRun(tumbling())) {
            run.processAll(ShardRecords.chunks(INPUT, 10));
            List<Reference.Result> due = expected.results().stream().filter(r -> r.end() - 1 <= watermark).toList();
            assertThat(due).hasSizeLessThan(expected.results().size());
            assertThat(run.results()).containsExactlyInAnyOrderElementsOf(due);

            int drained = run.processor.drain(ShardRecords.SHARD);
            assertThat(drained).isEqualTo(expected.results().size() - due.size());
            assertThat(run.processor.drain(ShardRecords.SHARD)).isZero();
            run.assertMatches(expected);
            assertThat(run.state.checkpoint(ShardRecords.SHARD).watermarkMs()).isEqualTo(Long.MAX_VALUE);
        }
    }

    @Test
    void aRetryWithOtherBatchBoundariesChangesNothing() {
        try (BatchRun run = new BatchRun(tumbling())) {
            // as the event source mapping may redeliver: overlapping, longer, shorter
            run.processAll(List.of(INPUT.subList(0, 6), INPUT.subList(3, 10), INPUT.subList(8, 31),
                    INPUT.subList(20, 25), INPUT.subList(31, 150), INPUT.subList(100, 240)));
            run.processor.drain(ShardRecords.SHARD);
            run.assertMatches(reference(INPUT));
            Figures totals = run.totals();
            assertThat(totals.records()).isEqualTo(INPUT.size());
            assertThat(totals.replaysSkipped()).isEqualTo(3 + 2 + 5 + 50);
        }
    }

    @Test
    void aDuplicateInvocationOfACommittedBatchChangesNothing() {
        try (BatchRun run = new BatchRun(tumbling())) {
            for (List<In> batch : ShardRecords.chunks(INPUT, 9)) {
                run.processAll(List.of(batch, batch));
            }
            run.processor.drain(ShardRecords.SHARD);
            run.assertMatches(reference(INPUT));
            assertThat(run.totals().records()).isEqualTo(INPUT.size());
            assertThat(run.totals().replaysSkipped()).isEqualTo(INPUT.size());
        }
    }

    @Test
    void aZombieInvocationInterleavedWithTheLiveOneEmitsWhatTheLiveOneEmitsAndCannotCommit() {
        List<In> batch = INPUT.subList(0, 60);
        MemoryStateBackend state = new MemoryStateBackend();
        boolean[] interleaved = {false};
        try (BatchRun live = new BatchRun(tumbling(), state, b -> b);
                BatchRun zombie = new BatchRun(tumbling(), state, b -> new ForwardingStateBackend(b) {
                    @Override
                    public ShardCheckpoint readCheckpoint(String shardId) {
                        ShardCheckpoint read = super.readCheckpoint(shardId);
                        if (!interleaved[0]) {
                            interleaved[0] = true;
                            live.processAll(List.of(batch));
                        }
                        return read;
                    }
                })) {
            // a duplicate invocation on a second handler instance reads the checkpoint; then the live one
            // processes and commits the whole batch; then the zombie goes on with what it read
            StreamsEventResponse response = zombie.process(batch);

            assertThat(response.getBatchItemFailures()).extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                    .containsExactly(batch.get(0).seq());
            assertThat(zombie.processor.lastFailure()).get().asString().contains("moved since version 0");
            Map<String, String> zombieResults = BatchRun.byId(zombie.sinks.delivered(BatchRun.OUT));
            assertThat(zombieResults).as("fencing applied nothing, pending firings came back").isNotEmpty();
            assertThat(BatchRun.byId(live.sinks.delivered(BatchRun.OUT))).containsAllEntriesOf(zombieResults);
            // its retry finds the batch committed
            assertThat(zombie.process(batch).getBatchItemFailures()).isEmpty();
            assertThat(zombie.processor.metrics().replaysSkipped()).isEqualTo(batch.size());

            live.processAll(List.of(INPUT.subList(60, INPUT.size())));
            live.processor.drain(ShardRecords.SHARD);
            live.assertMatches(reference(INPUT));
            assertThat(live.totals().records()).isEqualTo(INPUT.size());
        }
    }

    @Test
    void twoHandlerInstancesRacingOnEveryBatchChangeStateOnce() throws Exception {
        MemoryStateBackend state = new MemoryStateBackend();
        ExecutorService two = Executors.newFixedThreadPool(2);
        try (BatchRun live = new BatchRun(tumbling(), state, b -> b);
                BatchRun twin = new BatchRun(tumbling(), state, b -> b)) {
            for (List<In> batch : ShardRecords.chunks(INPUT, 12)) {
                CyclicBarrier start = new CyclicBarrier(2);
                Future<StreamsEventResponse> a = two.submit(() -> {
                    start.await();
                    return live.process(batch);
                });
                Future<StreamsEventResponse> b = two.submit(() -> {
                    start.await();
                    return twin.process(batch);
                });
                boolean ok = a.get().getBatchItemFailures().isEmpty() | b.get().getBatchItemFailures().isEmpty();
                // as the event source mapping does: deliver again until an invocation succeeds
                while (!ok) {
                    ok = live.process(batch).getBatchItemFailures().isEmpty();
                }
            }
            live.processor.drain(ShardRecords.SHARD);

            // both instances' results, one payload per id, are those of one clean run
            List<SinkRecord> all = new ArrayList<>(live.sinks.delivered(BatchRun.OUT));
            all.addAll(twin.sinks.delivered(BatchRun.OUT));
            List<Reference.Result> results = BatchRun.byId(all).values().stream()
                    .map(p -> BatchRun.TestJson.read(p, Out.class).result()).toList();
            Reference.Expected expected = reference(INPUT);
            assertThat(results).containsExactlyInAnyOrderElementsOf(expected.results());
            Figures totals = live.totals();
            assertThat(totals.records()).isEqualTo(INPUT.size());
            assertThat(totals.lateRecords()).isEqualTo(expected.late().size());
            assertThat(totals.windowsFired()).isEqualTo(expected.results().size());
        } finally {
            two.shutdownNow();
        }
    }

    /** How the event source mapping delivers the records of a failed batch again. */
    enum Retry {
        SAME_BATCH, LONGER_BATCH, BISECTED
    }

    /** A backend whose checkpoint commit fails once while armed: a crash after the state writes and the emission. */
    static final class CrashBeforeCommit extends ForwardingStateBackend {
        volatile boolean armed;

        CrashBeforeCommit(StateBackend delegate) {
            super(delegate);
        }

        @Override
        public void commitCheckpoint(ShardCheckpoint previous, ShardCheckpoint next) {
            if (armed) {
                armed = false;
                throw new IllegalStateException("injected crash before the checkpoint commit");
            }
            super.commitCheckpoint(previous, next);
        }
    }

    @ParameterizedTest
    @EnumSource(Retry.class)
    void aCrashAfterTheStateWritesAndBeforeTheCheckpointIsRetriedWithTheSameIdsAndCountedOnce(Retry retry) {
        List<List<In>> batches = ShardRecords.chunks(INPUT, 20);
        Map<String, String> clean;
        Figures cleanTotals;
        try (BatchRun run = new BatchRun(tumbling()).runAll(INPUT, 20)) {
            clean = BatchRun.byId(run.sinks.delivered(BatchRun.OUT));
            cleanTotals = run.totals();
        }

        try (BatchRun run = new BatchRun(tumbling(), new MemoryStateBackend(), CrashBeforeCommit::new)) {
            CrashBeforeCommit crash = (CrashBeforeCommit) run.backend;
            int failing = 4;
            run.processAll(batches.subList(0, failing));
            int before = run.sinks.delivered(BatchRun.OUT).size();
            crash.armed = true;
            List<In> batch = batches.get(failing);
            assertThat(run.process(batch).getBatchItemFailures())
                    .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                    .containsExactly(batch.get(0).seq());
            List<SinkRecord> crashed = run.sinks.delivered(BatchRun.OUT).subList(before,
                    run.sinks.delivered(BatchRun.OUT).size());
            assertThat(crashed).as("results delivered before the crash").isNotEmpty();

            int next = failing + 1;
            switch (retry) {
                case SAME_BATCH -> run.processAll(List.of(batch));
                case LONGER_BATCH -> {
                    List<In> longer = new ArrayList<>(batch);
                    longer.addAll(batches.get(next++));
                    run.processAll(List.of(longer));
                }
                case BISECTED -> run.processAll(List.of(batch.subList(0, 10), batch.subList(10, batch.size())));
                default -> throw new AssertionError(retry);
            }
            List<SinkRecord> all = run.sinks.delivered(BatchRun.OUT);
            Map<String, String> retried = BatchRun.byId(all.subList(before + crashed.size(), all.size()));
            // every result of the crashed attempt comes again, with the same id and payload. (Every key has values in
            // the crashed batch. A window fired by a timer alone, of a key without values in the retry, would not
            // come again: its timer was cleared before the commit failed. It was delivered before the crash.)
            assertThat(retried).containsAllEntriesOf(BatchRun.byId(crashed));
            run.processAll(batches.subList(next, batches.size()));
            run.processor.drain(ShardRecords.SHARD);

            assertThat(BatchRun.byId(run.sinks.delivered(BatchRun.OUT))).isEqualTo(clean);
            assertThat(run.sinks.delivered(BatchRun.OUT)).hasSize(clean.size() + crashed.size());
            assertThat(counts(run.totals())).as("the crashed batch counts once").isEqualTo(counts(cleanTotals));
            run.assertMatchesDeduplicated(reference(INPUT));
        }
    }

    @Test
    void aSinkOutageFailsTheBatchAndItsRetryDeliversTheSameIds() {
        try (BatchRun run = new BatchRun(tumbling())) {
            List<List<In>> batches = ShardRecords.chunks(INPUT, 30);
            run.processAll(batches.subList(0, 2));
            run.sinks.failNext(BatchRun.OUT.describe(), 1);
            assertThat(run.process(batches.get(2)).getBatchItemFailures())
                    .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                    .containsExactly(batches.get(2).get(0).seq());
            assertThat(run.processor.lastFailure()).get().asString().contains("failure injected");
            assertThat(run.processor.metrics().failedBatches()).as("counted: the Blocked alarm's metric").isEqualTo(1);
            run.processAll(batches.subList(2, batches.size()));
            run.processor.drain(ShardRecords.SHARD);
            run.assertMatchesDeduplicated(reference(INPUT));
        }
    }

    /**
     * Time passes at 2 ms per committed record: the supplier of the remaining time reads it off the checkpoint of
     * the invocation's shard, starting from {@code startMs}.
     */
    static final class SimulatedDeadline {
        final MemoryStateBackend state;
        final long startMs;
        final long committedAtStart;

        SimulatedDeadline(MemoryStateBackend state, long startMs) {
            this.state = state;
            this.startMs = startMs;
            this.committedAtStart = state.checkpoint(ShardRecords.SHARD).totals().records();
        }

        long remaining() {
            return startMs - 2 * (state.checkpoint(ShardRecords.SHARD).totals().records() - committedAtStart);
        }
    }

    @Test
    void underADeadlineABatchRunsInCyclesAndStopsAtTheFirstRecordThatDoesNotFit() {
        List<In> input = INPUT.subList(0, 200);
        DeadlineBudget budget = new DeadlineBudget(1_000);
        budget.measured(100, 200); // 2 ms per record, as the simulated time passes
        try (BatchRun run = new BatchRun(tumbling(), new MemoryStateBackend(), b -> b, Clock.systemUTC(), budget)) {
            // 1,300 ms: 150 records fit before the 1,000 ms reserve; then 1,000 ms are left and none fits
            SimulatedDeadline first = new SimulatedDeadline(run.state, 1_300);
            StreamsEventResponse response = run.process(input, first::remaining);
            assertThat(response.getBatchItemFailures())
                    .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                    .containsExactly(input.get(150).seq());
            assertThat(run.state.checkpoint(ShardRecords.SHARD).sequenceNumber().toString())
                    .isEqualTo(input.get(149).seq());
            assertThat(run.processor.lastFailure()).get().asString().contains("deadline");

            // the event source mapping retries from there, and the rest fits
            SimulatedDeadline second = new SimulatedDeadline(run.state, 1_100);
            assertThat(run.process(input.subList(150, 200), second::remaining).getBatchItemFailures()).isEmpty();
            run.processor.drain(ShardRecords.SHARD);
            run.assertMatches(reference(input));
            Figures totals = run.totals();
            assertThat(totals.records()).isEqualTo(input.size());
            assertThat(totals.deadlineStops()).isEqualTo(1);
        }
    }

    @Test
    void whenNotEvenTheFirstCycleFitsNothingIsTakenAndTheFailureIsAtTheFirstRecord() {
        List<In> input = INPUT.subList(0, 50);
        try (BatchRun run = new BatchRun(tumbling(), new MemoryStateBackend(), b -> b, Clock.systemUTC(),
                new DeadlineBudget(1_000))) {
            assertThat(run.process(input, () -> 999).getBatchItemFailures())
                    .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                    .containsExactly(input.get(0).seq());
            assertThat(run.state.checkpoint(ShardRecords.SHARD).version()).isZero();
            assertThat(run.outputs()).isEmpty();
            // an unreadable remaining time is no known deadline: the batch runs in one cycle
            assertThat(run.process(input, () -> {
                throw new IllegalStateException("no context");
            }).getBatchItemFailures()).isEmpty();
            assertThat(run.totals().deadlineStops()).isEqualTo(1);
            assertThat(run.totals().records()).isEqualTo(input.size());
        }
    }

    @Test
    void sideEffectsOfResultsAlreadyMarkedDoneAreNotRepeatedByTheRetryOfACrashedBatch() {
        Map<String, Integer> calls = new HashMap<>();
        Pipeline pipeline = BatchRun.events("once", BOUND).keyBy(Ev::key)
                .window(TumblingWindows.of(Duration.ofMillis(SIZE))).aggregate(BatchRun.COUNT_AND_SUM)
                .map(BatchRun::out).to(BatchRun.OUT)
                .forEachOnce("notify", (out, key) -> calls.merge(key, 1, Integer::sum))
                .build();
        try (BatchRun run = new BatchRun(pipeline, new MemoryStateBackend(), CrashBeforeCommit::new)) {
            List<List<In>> batches = ShardRecords.chunks(INPUT, 40);
            run.processAll(batches.subList(0, 2));
            ((CrashBeforeCommit) run.backend).armed = true;
            assertThat(run.process(batches.get(2)).getBatchItemFailures()).hasSize(1);
            run.processAll(batches.subList(2, batches.size()));
            run.processor.drain(ShardRecords.SHARD);

            Map<String, String> results = BatchRun.byId(run.sinks.delivered(BatchRun.OUT));
            assertThat(run.sinks.delivered(BatchRun.OUT)).hasSizeGreaterThan(results.size()); // redelivered
            assertThat(calls.keySet()).isEqualTo(results.keySet());
            assertThat(calls.values()).containsOnly(1);
        }
    }
}

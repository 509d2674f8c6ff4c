package dev.eddy.state.dynamodb;

import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.BOUND;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.COUNT_AND_SUM;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.SHARD;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.SIZE;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.byId;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.chunks;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.duplicates;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.generatedInput;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.sequenceNumbers;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.codec.Json;
import dev.eddy.internal.ResultIds;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.sink.Firehose;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.CrashPoint;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.CrashingBackend;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Ev;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Expected;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.In;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Out;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Result;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Retry;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Run;
import dev.eddy.window.TumblingWindows;
import dev.eddy.window.Window;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Allowed lateness end to end: {@link dev.eddy.internal.BatchProcessor}, DynamoDB state (DynamoDB Local) and file
 * sinks, compared with a record-by-record model of Flink's event-time trigger with {@code allowedLateness}.
 */
@ExtendWith(DynamoDbLocal.class)
class AllowedLatenessEndToEndTest {

    /** Allowed lateness of the runs with lateness: 1.5 windows. */
    static final long LATENESS = 30;

    static Pipeline pipeline(long latenessMs) {
        return Pipeline.named("t")
                .from(KinesisSource.stream("s").decode(Json.of(Ev.class)))
                .withEventTime(e -> Instant.ofEpochMilli(e.ts()), Duration.ofMillis(BOUND))
                .keyBy(Ev::key)
                .window(TumblingWindows.of(Duration.ofMillis(SIZE)))
                .allowedLateness(Duration.ofMillis(latenessMs))
                .aggregate(COUNT_AND_SUM)
                .map(w -> new Out(w.id(), w.key(), w.window().startMs(), w.window().endMs(), w.value().count(),
                        w.value().sum(), w.firing()))
                .to(Firehose.deliveryStream("out"))
                .build();
    }

    static Run run(Path dir, long latenessMs) {
        return new Run(dir, pipeline(latenessMs), UnaryOperator.identity());
    }

    static Run run(Path dir, long latenessMs, UnaryOperator<dev.eddy.state.StateBackend> wrap) {
        return new Run(dir, pipeline(latenessMs), wrap);
    }

    // ---------------------------------------------------------------- input

    /**
     * 150 records of 3 keys (mostly "a", so that windows take several late elements), 4 ms apart in event time:
     * 40% out of order by up to 12 ms (within the bound or just past a window's end), 50% by 13-45 ms (late
     * firings within {@link #LATENESS}, late data without it), 10% by 46-100 ms (late data), and poison.
     */
    static List<In> latenessInput() {
        Random random = new Random(7);
        String[] keys = {"a", "a", "a", "b", "b", "c"};
        List<In> input = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            if (i % 17 == 9) {
                input.add(In.poison(i, "{\"key\":"));
                continue;
            }
            int kind = random.nextInt(10);
            long disorder = kind < 4 ? random.nextInt(21) - 12
                    : kind < 9 ? -13 - random.nextInt(33)
                    : -46 - random.nextInt(55);
            long ts = 1_000_000 + i * 4L + disorder;
            input.add(In.of(i, new Ev(keys[random.nextInt(keys.length)], ts, random.nextInt(100) - 20)));
        }
        return input;
    }

    // ---------------------------------------------------------------- reference model

    /**
     * Flink's {@code EventTimeTrigger} with {@code allowedLateness} over {@code forBoundedOutOfOrderness}, record
     * by record, with no DynamoDB, batching or Eddy code.
     */
    static final class Flink {
        final long latenessMs;
        final Map<List<Object>, long[]> windows = new LinkedHashMap<>(); // (key, start, end) -> count, sum, firings
        final Set<Result> results = new HashSet<>();
        final List<String> late = new ArrayList<>();
        final List<String> failed = new ArrayList<>();
        long watermark = Long.MIN_VALUE;
        long maxTs = Long.MIN_VALUE;
        int firstFiringsByLateElements;

        Flink(long latenessMs) {
            this.latenessMs = latenessMs;
        }

        Flink run(List<In> input) {
            input.forEach(this::onRecord);
            return this;
        }

        void onRecord(In in) {
            if (in.ev() == null) {
                failed.add(in.seq().toString());
                return;
            }
            Ev e = in.ev();
            long start = Math.floorDiv(e.ts(), SIZE) * SIZE;
            long end = start + SIZE;
            if (end - 1 + latenessMs <= watermark) {
                late.add(in.seq().toString()); // past the allowed lateness: late data
            } else {
                List<Object> id = List.of(e.key(), start, end);
                long[] w = windows.computeIfAbsent(id, k -> new long[3]);
                w[0]++;
                w[1] += e.v();
                if (end - 1 <= watermark) {
                    if (w[2] == 0) {
                        firstFiringsByLateElements++; // the end passed before any element of this window
                    }
                    fire(id, w); // a late element: the full updated result again
                }
            }
            maxTs = Math.max(maxTs, e.ts());
            watermark = Math.max(watermark, maxTs - BOUND - 1);
            windows.forEach((id, w) -> {
                if (w[2] == 0 && (Long) id.get(2) - 1 <= watermark) {
                    fire(id, w); // the watermark reached the window's end
                }
            });
        }

        void fire(List<Object> id, long[] w) {
            results.add(new Result((String) id.get(0), (Long) id.get(1), (Long) id.get(2), w[0], w[1], (int) w[2]));
            w[2]++;
        }

        /** End of input: the watermark goes to +∞, every window that has not fired fires. */
        Flink drain() {
            windows.forEach((id, w) -> {
                if (w[2] == 0) {
                    fire(id, w);
                }
            });
            return this;
        }

        Expected expected() {
            return new Expected(Set.copyOf(results), List.copyOf(late), List.copyOf(failed));
        }
    }

    static Expected reference(List<In> input, long latenessMs) {
        return new Flink(latenessMs).run(input).drain().expected();
    }

    /** The firings the reference makes while processing these records, after the ones before them. */
    static Set<Result> firingsWithin(List<In> input, int from, int to, long latenessMs) {
        Set<Result> after = new HashSet<>(new Flink(latenessMs).run(input.subList(0, to)).results);
        after.removeAll(new Flink(latenessMs).run(input.subList(0, from)).results);
        return after;
    }

    static void assertMatchesReference(Run run, Expected expected) {
        List<Out> outputs = run.outputs();
        assertThat(outputs).extracting(Out::result).containsExactlyInAnyOrderElementsOf(expected.results());
        assertThat(outputs).extracting(Out::id).doesNotHaveDuplicates();
        assertThat(sequenceNumbers(run.late())).containsExactlyElementsOf(expected.lateSequenceNumbers());
        assertThat(sequenceNumbers(run.failed())).containsExactlyElementsOf(expected.failedSequenceNumbers());
    }

    /** Results deduplicated by id (a duplicate must carry the same payload), as the reference computes them. */
    static Set<Result> distinctResults(List<JsonNode> lines) {
        return byId(lines).values().stream().map(AllowedLatenessEndToEndTest::result).collect(Collectors.toSet());
    }

    static Result result(String json) {
        try {
            return BatchProcessorEndToEndTest.JSON.readValue(json, Out.class).result();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------- the model and the input

    @Test
    void theInputExercisesLateFiringsLateDataAndPoison() {
        Flink flink = new Flink(LATENESS).run(latenessInput()).drain();
        assertThat(flink.results.stream().filter(r -> r.firing() > 0)).hasSizeGreaterThanOrEqualTo(20);
        assertThat(flink.results.stream().mapToInt(Result::firing).max().orElseThrow()).isGreaterThanOrEqualTo(3);
        assertThat(flink.firstFiringsByLateElements).isPositive();
        assertThat(flink.late).hasSizeGreaterThanOrEqualTo(5);
        assertThat(flink.failed).hasSizeGreaterThanOrEqualTo(5);
        // without lateness the same input has no late firings, and more late data
        Expected none = reference(latenessInput(), 0);
        assertThat(none.results()).allMatch(r -> r.firing() == 0);
        assertThat(none.lateSequenceNumbers()).hasSizeGreaterThan(flink.late.size() + 20);
    }

    @Test
    void withoutLatenessTheModelIsTheOneFiringModel() {
        for (List<In> input : List.of(generatedInput(), latenessInput())) {
            assertThat(reference(input, 0)).isEqualTo(BatchProcessorEndToEndTest.reference(input));
        }
    }

    // ---------------------------------------------------------------- against the model

    static List<Arguments> batchSizesAndLateness() {
        List<Arguments> arguments = new ArrayList<>();
        for (long lateness : new long[] {0, LATENESS}) {
            for (int batchSize : new int[] {1, 7, 100}) {
                arguments.add(Arguments.of(batchSize, lateness));
            }
        }
        return arguments;
    }

    @ParameterizedTest(name = "batches of {0}, lateness {1} ms")
    @MethodSource("batchSizesAndLateness")
    void resultsAndLateDataEqualTheModelAndAreIdenticalWhateverTheBatchSize(int batchSize, long lateness,
            @TempDir Path dir) {
        List<In> input = latenessInput();
        Expected expected = reference(input, lateness);
        try (Run run = run(dir, lateness)) {
            run.processAll(chunks(input, batchSize));
            run.processor.drain(SHARD);
            assertMatchesReference(run, expected);
            var metrics = run.processor.metrics();
            assertThat(metrics.records()).isEqualTo(input.size());
            assertThat(metrics.lateRecords()).isEqualTo(expected.lateSequenceNumbers().size());
            assertThat(metrics.resultsEmitted()).isEqualTo(expected.results().size());
            // ids and payloads alike, as a run in batches of 10: an update replaces the earlier result downstream
            List<Map<String, String>> clean = clean(lateness, input.size());
            assertThat(byId(run.lines("firehose/out.jsonl"))).isEqualTo(clean.get(0));
            assertThat(byId(run.late())).isEqualTo(clean.get(1));
            assertThat(byId(run.failed())).isEqualTo(clean.get(2));
        }
    }

    @ParameterizedTest(name = "lateness {0} ms")
    @ValueSource(longs = {0, LATENESS})
    void aDuplicatedBatchChangesNothing(long lateness, @TempDir Path dir) {
        List<In> input = latenessInput();
        try (Run run = run(dir, lateness)) {
            for (List<In> batch : chunks(input, 9)) {
                assertThat(run.process(batch).getBatchItemFailures()).isEmpty();
                assertThat(run.process(batch).getBatchItemFailures()).isEmpty();
            }
            run.processor.drain(SHARD);
            assertMatchesReference(run, reference(input, lateness));
            assertThat(run.processor.metrics().replaysSkipped()).isEqualTo(input.size());
        }
    }

    @Test
    void aRetryWithOtherBatchBoundariesGivesTheOutputOfOneCleanRun(@TempDir Path dir) {
        List<In> input = latenessInput();
        try (Run run = run(dir, LATENESS)) {
            run.processAll(List.of(input.subList(0, 6), input.subList(3, 10), input.subList(8, 51),
                    input.subList(20, 25), input.subList(51, 90), input.subList(60, 150)));
            run.processor.drain(SHARD);
            assertMatchesReference(run, reference(input, LATENESS));
        }
    }

    // ---------------------------------------------------------------- a worked example

    /**
     * B = 5, windows of 20 ms, allowed lateness 50 ms: window [100, 120) fires at watermark 119, takes late
     * elements until 169, then is cleaned up.
     */
    static List<In> workedExample() {
        return List.of(
                In.of(0, new Ev("a", 100, 1)),    // [100, 120); watermark 94
                In.of(1, new Ev("a", 150, 2)),    // [140, 160); watermark 144: [100, 120) fires (1, 1)
                In.of(2, new Ev("a", 105, 4)),    // late: firing 1 of [100, 120), (2, 5)
                In.of(3, new Ev("a", 110, 8)),    // late: firing 2, (3, 13)
                In.of(4, new Ev("b", 115, 64)),   // b's [100, 120) had no element: firing 0 with it alone
                In.of(5, new Ev("a", 180, 16)),   // [180, 200); watermark 174: [140, 160) fires; [100, 120) done
                In.of(6, new Ev("a", 101, 32)),   // 119 + 50 <= 174: late data
                In.of(7, new Ev("b", 118, 128)),  // late data
                In.of(8, new Ev("a", 155, 256))); // late: firing 1 of [140, 160), (2, 258)
    }

    static final List<Result> WORKED_EXAMPLE_RESULTS = List.of(
            new Result("a", 100, 120, 1, 1, 0),
            new Result("a", 100, 120, 2, 5, 1),
            new Result("a", 100, 120, 3, 13, 2),
            new Result("b", 100, 120, 1, 64, 0),
            new Result("a", 140, 160, 1, 2, 0),
            new Result("a", 140, 160, 2, 258, 1),
            new Result("a", 180, 200, 1, 16, 0));

    @Test
    void theWorkedExampleIsWhatTheModelComputes() {
        Expected expected = reference(workedExample(), 50);
        assertThat(expected.results()).containsExactlyInAnyOrderElementsOf(WORKED_EXAMPLE_RESULTS);
        assertThat(expected.lateSequenceNumbers()).containsExactly(In.seq(6).toString(), In.seq(7).toString());
    }

    @ParameterizedTest(name = "batches of {0}")
    @ValueSource(ints = {1, 2, 3, 9})
    void lateFiringsCarryIncreasingNumbersAndTheFullUpdatedResult(int batchSize, @TempDir Path dir) {
        try (Run run = run(dir, 50)) {
            run.processAll(chunks(workedExample(), batchSize));
            run.processor.drain(SHARD);

            List<Out> outputs = run.outputs();
            assertThat(outputs).extracting(Out::result).containsExactlyInAnyOrderElementsOf(WORKED_EXAMPLE_RESULTS);
            // in emission order, each window's firings count up from 0, each one element more than the last
            Map<List<Object>, List<Out>> byWindow = new LinkedHashMap<>();
            outputs.forEach(o -> byWindow.computeIfAbsent(List.of(o.key(), o.start()), k -> new ArrayList<>()).add(o));
            byWindow.values().forEach(firings -> {
                for (int i = 0; i < firings.size(); i++) {
                    assertThat(firings.get(i).firing()).isEqualTo(i);
                    if (i > 0) {
                        assertThat(firings.get(i).count()).isEqualTo(firings.get(i - 1).count() + 1);
                    }
                }
            });
            // one id per (key, window, firing): an update replaces the earlier result downstream
            assertThat(outputs).extracting(Out::id).doesNotHaveDuplicates()
                    .contains(ResultIds.ofFiring("t", "a", new Window(100, 120), 0),
                            ResultIds.ofFiring("t", "a", new Window(100, 120), 1),
                            ResultIds.ofFiring("t", "a", new Window(100, 120), 2));
            assertThat(sequenceNumbers(run.late())).containsExactly(In.seq(6).toString(), In.seq(7).toString());
            assertThat(run.late().get(0).get("watermark").asText()).isEqualTo(Instant.ofEpochMilli(174).toString());
            assertThat(run.processor.metrics().windowsFired()).isEqualTo(WORKED_EXAMPLE_RESULTS.size());
        }
    }

    // ---------------------------------------------------------------- fault injection

    /** The output of a clean run in batches of 10 over the first records of the input: (results, late, failed) by id. */
    static final Map<List<Long>, List<Map<String, String>>> CLEAN = new ConcurrentHashMap<>();
    static final List<Path> CLEAN_DIRS = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterAll
    static void deleteCleanRuns() throws IOException {
        for (Path dir : CLEAN_DIRS) {
            try (var paths = Files.walk(dir)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    static List<Map<String, String>> clean(long lateness, int records) {
        return CLEAN.computeIfAbsent(List.of(lateness, (long) records), k -> {
            List<In> input = latenessInput().subList(0, records);
            try {
                Path dir = Files.createTempDirectory("eddy-lateness-clean");
                CLEAN_DIRS.add(dir);
                try (Run clean = run(dir, lateness)) {
                    clean.processAll(chunks(input, 10));
                    clean.processor.drain(SHARD);
                    assertMatchesReference(clean, reference(input, lateness));
                    return List.of(byId(clean.lines("firehose/out.jsonl")), byId(clean.late()),
                            byId(clean.failed()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    static List<Arguments> crashes() {
        List<Arguments> arguments = new ArrayList<>();
        for (long lateness : new long[] {0, LATENESS}) {
            for (CrashPoint point : CrashPoint.values()) {
                for (Retry retry : Retry.values()) {
                    arguments.add(Arguments.of(point, retry, lateness));
                }
            }
        }
        return arguments;
    }

    /** The batch that crashes: its records cause on-time firings and, with lateness, late firings too. */
    static final int CRASHING = 5;
    /** Records of the crash runs: the crashing batch and three after it. */
    static final int CRASH_RECORDS = 90;

    @Test
    void theCrashingBatchCausesOnTimeAndLateFirings() {
        List<In> input = latenessInput();
        int from = CRASHING * 10;
        Set<Result> withLateness = firingsWithin(input, from, from + 10, LATENESS);
        assertThat(withLateness).anyMatch(r -> r.firing() == 0).anyMatch(r -> r.firing() > 0);
        // and its first half too, so that a bisected retry splits them
        assertThat(firingsWithin(input, from, from + 5, LATENESS)).anyMatch(r -> r.firing() > 0);
        assertThat(firingsWithin(input, from + 5, from + 10, LATENESS)).isNotEmpty();
        assertThat(firingsWithin(input, from, from + 10, 0)).isNotEmpty();
    }

    @ParameterizedTest(name = "crash {0}, retry {1}, lateness {2} ms")
    @MethodSource("crashes")
    void aCrashAtAnyStepThenARetryGivesTheOutputOfARunWithoutFaults(CrashPoint point, Retry retry, long lateness,
            @TempDir Path dir) {
        List<In> input = latenessInput().subList(0, CRASH_RECORDS);
        List<List<In>> batches = chunks(input, 10);
        List<Map<String, String>> clean = clean(lateness, CRASH_RECORDS);

        try (Run faulty = run(dir, lateness, CrashingBackend::new)) {
            CrashingBackend backend = (CrashingBackend) faulty.backend;
            faulty.processAll(batches.subList(0, CRASHING));
            List<In> failing = batches.get(CRASHING);
            backend.armed = point;
            StreamsEventResponse response = faulty.process(failing);
            assertThat(backend.armed).as("the crash was injected").isNull();
            assertThat(response.getBatchItemFailures())
                    .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                    .containsExactly(failing.get(0).seq().toString());
            if (point.compareTo(CrashPoint.AFTER_FIRE_BEFORE_EMIT) >= 0) {
                assertThat(backend.firedBeforeCrash).as("windows fired in the crashing batch").isPositive();
            }

            int next = CRASHING + 1;
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
            Expected expected = reference(input, lateness);
            // deduplicated by id, with equal payloads for equal ids: the model's results, and a clean run's bytes
            assertThat(distinctResults(results)).isEqualTo(expected.results());
            assertThat(byId(results)).isEqualTo(clean.get(0));
            assertThat(byId(faulty.late())).isEqualTo(clean.get(1));
            assertThat(byId(faulty.failed())).isEqualTo(clean.get(2));
            assertThat(sequenceNumbers(faulty.late())).containsSubsequence(expected.lateSequenceNumbers());
            if (point == CrashPoint.AFTER_EMIT_BEFORE_CLEAR) {
                // results were delivered before the crash and again by the retry, whose records they belong to:
                // at least once, with the same ids and payloads (byId above fails on a payload that differs)
                assertThat(duplicates(results)).isPositive();
            } else if (point != CrashPoint.AFTER_CLEAR_BEFORE_COMMIT) {
                assertThat(duplicates(results)).isZero();
            }
        }
    }
}

package dev.eddy.state.dynamodb;

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
import dev.eddy.window.SessionWindows;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Session windows through the batch processor and DynamoDB Local, against a record-by-record reference. */
@ExtendWith(DynamoDbLocal.class)
class SessionWindowsEndToEndTest {

    static final long GAP = 10;

    /** A result: key, session bounds, firing, count and sum. */
    record Result(String key, long start, long end, int firing, long count, long sum) {
    }

    record Out(String key, long start, long end, int firing, long count, long sum) {
    }

    static Pipeline pipeline(long bound, long lateness) {
        return Pipeline.named("sessions")
                .from(KinesisSource.stream("s").decode(Json.of(Ev.class)))
                .withEventTime(e -> Instant.ofEpochMilli(e.ts()), Duration.ofMillis(bound))
                .keyBy(Ev::key)
                .window(SessionWindows.withGap(Duration.ofMillis(GAP)))
                .allowedLateness(Duration.ofMillis(lateness))
                .aggregate(COUNT_AND_SUM)
                .map(w -> new Out(w.key(), w.window().startMs(), w.window().endMs(), w.firing(), w.value().count(),
                        w.value().sum()))
                .to(Firehose.deliveryStream("out"))
                .build();
    }

    /**
     * Reference for allowed lateness zero: before each element, sessions whose end − 1 the watermark reached fire
     * and close; the element's [ts, ts + gap) merges with the open sessions it overlaps or touches, unless the
     * merged session is already due (then the element is late). Remaining sessions fire at the end of input.
     */
    static Set<Result> reference(List<In> input, long bound, List<String> lateOut) {
        Map<String, List<long[]>> open = new HashMap<>(); // key -> {start, end, count, sum}
        Set<Result> results = new HashSet<>();
        long watermark = Long.MIN_VALUE;
        for (In in : input) {
            Ev e = in.ev();
            if (e == null) {
                continue;
            }
            for (Map.Entry<String, List<long[]>> entry : open.entrySet()) {
                for (var it = entry.getValue().iterator(); it.hasNext(); ) {
                    long[] s = it.next();
                    if (s[1] - 1 <= watermark) {
                        results.add(new Result(entry.getKey(), s[0], s[1], 0, s[2], s[3]));
                        it.remove();
                    }
                }
            }
            List<long[]> sessions = open.computeIfAbsent(e.key(), k -> new ArrayList<>());
            long[] merged = {e.ts(), e.ts() + GAP, 1, e.v()};
            List<long[]> joined = new ArrayList<>();
            for (boolean grew = true; grew; ) {
                grew = false;
                for (long[] s : sessions) {
                    if (!joined.contains(s) && s[0] <= merged[1] && merged[0] <= s[1]) {
                        joined.add(s);
                        merged[0] = Math.min(merged[0], s[0]);
                        merged[1] = Math.max(merged[1], s[1]);
                        merged[2] += s[2];
                        merged[3] += s[3];
                        grew = true;
                    }
                }
            }
            if (merged[1] - 1 <= watermark) {
                lateOut.add(in.seq().toString());
            } else {
                sessions.removeAll(joined);
                sessions.add(merged);
            }
            watermark = Math.max(watermark, e.ts() - bound - 1);
        }
        open.forEach((key, sessions) -> sessions.forEach(s -> results.add(new Result(key, s[0], s[1], 0, s[2], s[3]))));
        return results;
    }

    static Set<Result> run(Pipeline pipeline, List<List<In>> batches, Path dir, List<String> lateOut)
            throws Exception {
        try (DynamoDbStateBackend backend = new DynamoDbStateBackend(DynamoDbLocal.client(),
                DynamoDbLocal.newTable("sessions"))) {
            BatchProcessor processor = new BatchProcessor(pipeline, backend, new FileSinkFactory(dir));
            for (List<In> batch : batches) {
                assertThat(processor.process(event(batch)).getBatchItemFailures()).isEmpty();
            }
            processor.drain(SHARD);
        }
        Set<Result> results = new HashSet<>();
        Path out = dir.resolve("firehose/out.jsonl");
        for (String line : Files.exists(out) ? Files.readAllLines(out, StandardCharsets.UTF_8) : List.<String>of()) {
            JsonNode n = JSON.readTree(line);
            assertThat(results.add(new Result(n.get("key").asText(), n.get("start").asLong(), n.get("end").asLong(),
                    n.get("firing").asInt(), n.get("count").asLong(), n.get("sum").asLong())))
                    .as("one result per session and firing: %s", line).isTrue();
        }
        Path late = dir.resolve("late/sessions.jsonl");
        for (String line : Files.exists(late) ? Files.readAllLines(late, StandardCharsets.UTF_8) : List.<String>of()) {
            lateOut.add(JSON.readTree(line).get("sequenceNumber").asText());
        }
        return results;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 100})
    void sessionsMatchTheReferenceWhateverTheBatchSize(int batchSize, @TempDir Path dir) throws Exception {
        List<In> input = generatedInput();
        List<String> expectedLate = new ArrayList<>();
        Set<Result> expected = reference(input, BatchProcessorEndToEndTest.BOUND, expectedLate);
        assertThat(expected).anySatisfy(r -> assertThat(r.end() - r.start()).isGreaterThan(GAP)); // merged ones
        assertThat(expectedLate).isNotEmpty();

        List<String> late = new ArrayList<>();
        assertThat(run(pipeline(BatchProcessorEndToEndTest.BOUND, 0), chunks(input, batchSize), dir, late))
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(late).containsExactlyInAnyOrderElementsOf(expectedLate);
    }

    @Test
    void anElementBetweenTwoSessionsBridgesThemIntoOne(@TempDir Path dir) throws Exception {
        List<In> input = List.of(In.of(0, new Ev("a", 0, 1)), In.of(1, new Ev("a", 15, 2)),
                In.of(2, new Ev("a", 9, 4)), In.of(3, new Ev("b", 3, 8)));

        Set<Result> results = run(pipeline(100, 0), List.of(input), dir, new ArrayList<>());

        assertThat(results).containsExactlyInAnyOrder(new Result("a", 0, 25, 0, 3, 7), new Result("b", 3, 13, 0, 1, 8));
    }

    @Test
    void aLateElementWithinTheLatenessBridgesFiredSessionsIntoANewSession(@TempDir Path dir) throws Exception {
        List<In> input = List.of(In.of(0, new Ev("a", 0, 1)), In.of(1, new Ev("a", 15, 2)),
                In.of(2, new Ev("a", 40, 4)),   // watermark 39: [0,10) and [15,25) fire
                In.of(3, new Ev("a", 9, 8)),    // late, within lateness: bridges them into [0, 25)
                In.of(4, new Ev("a", 41, 16))); // joins [40, 50), which fires at the end of input

        for (int batchSize : new int[] {1, 2, 5}) {
            Set<Result> results = run(pipeline(0, 100), chunks(input, batchSize), dir.resolve("b" + batchSize),
                    new ArrayList<>());
            assertThat(results).as("batch size %d", batchSize).containsExactlyInAnyOrder(
                    new Result("a", 0, 10, 0, 1, 1), new Result("a", 15, 25, 0, 1, 2),
                    new Result("a", 0, 25, 0, 3, 11), new Result("a", 40, 51, 0, 2, 20));
        }
    }

    @Test
    void aLateElementJoiningAFiredSessionWithoutExtendingItFiresItAgain(@TempDir Path dir) throws Exception {
        List<In> input = List.of(In.of(0, new Ev("a", 0, 1)), In.of(1, new Ev("a", 5, 2)),
                In.of(2, new Ev("a", 30, 4)),   // watermark 29: [0, 15) fires with 1 + 2
                In.of(3, new Ev("a", 4, 8)),    // inside [0, 15): late firing 1 of the same session
                In.of(4, new Ev("a", 200, 0))); // watermark 199: past the lateness of [0, 15)

        Set<Result> results = run(pipeline(0, 100), List.of(input), dir, new ArrayList<>());

        assertThat(results).containsExactlyInAnyOrder(new Result("a", 0, 15, 0, 2, 3),
                new Result("a", 0, 15, 1, 3, 11), new Result("a", 30, 40, 0, 1, 4), new Result("a", 200, 210, 0, 1, 0));
    }
}

package dev.eddy.state.dynamodb;

import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.BOUND;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.COUNT_AND_SUM;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.SHARD;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.byId;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.chunks;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.event;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.generatedInput;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.codec.Json;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.sink.Firehose;
import dev.eddy.state.RedriveLane;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.SkippedRange;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.CrashPoint;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.CrashingBackend;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Ev;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.In;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Out;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Run;
import dev.eddy.window.TumblingWindows;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Re-driving a range the event source mapping skipped, end to end: {@link dev.eddy.internal.BatchProcessor}, the
 * DynamoDB backend (DynamoDB Local) and file sinks. The shard fails on one batch (an injected crash at a step of the
 * batch, after which a bounded retry budget would skip it), its later batches are processed, then the skipped batch
 * is re-driven, twice. Compared with a run of the same input without faults.
 */
@ExtendWith(DynamoDbLocal.class)
class RedriveEndToEndTest {

    /** The batch that fails and is skipped. */
    static final int SKIPPED = 3;

    static Pipeline pipeline(long windowMs) {
        return Pipeline.named("t")
                .from(KinesisSource.stream("s").decode(Json.of(Ev.class)))
                .withEventTime(e -> Instant.ofEpochMilli(e.ts()), Duration.ofMillis(BOUND))
                .keyBy(Ev::key)
                .window(TumblingWindows.of(Duration.ofMillis(windowMs)))
                .aggregate(COUNT_AND_SUM)
                .map(w -> new Out(w.id(), w.key(), w.window().startMs(), w.window().endMs(), w.value().count(),
                        w.value().sum(), w.firing()))
                .to(Firehose.deliveryStream("out"))
                .build();
    }

    /** Results, late and failed records by id. */
    record Outputs(Map<String, String> results, Set<String> late, Set<String> failed) {
        static Outputs of(Run run) {
            return new Outputs(byId(run.lines("firehose/out.jsonl")), sequences(run.late()), sequences(run.failed()));
        }

        private static Set<String> sequences(List<JsonNode> nodes) {
            return nodes.stream().map(n -> n.get("sequenceNumber").asText()).collect(Collectors.toSet());
        }
    }

    /** The outputs of the same input without faults. */
    static Outputs clean(Path dir, Pipeline pipeline, List<List<In>> batches) {
        try (Run clean = new Run(dir, pipeline, b -> b)) {
            clean.processAll(batches);
            clean.processor.drain(SHARD);
            return Outputs.of(clean);
        }
    }

    /**
     * Fails the skipped batch at {@code crash} (once, then the mapping gives up on it), processes every later batch,
     * and returns the shard's checkpoint after them.
     */
    static ShardCheckpoint skipping(Run run, CrashingBackend crashing, List<List<In>> batches, CrashPoint crash) {
        for (int i = 0; i < batches.size(); i++) {
            if (i == SKIPPED) {
                crashing.armed = crash;
                assertThat(run.process(batches.get(i)).getBatchItemFailures()).as("the injected failure").hasSize(1);
                continue; // the event source mapping's retries ran out: it moves on
            }
            assertThat(run.process(batches.get(i)).getBatchItemFailures()).isEmpty();
        }
        return run.backend.readCheckpoint(SHARD);
    }

    static void redrive(Run run, List<In> batch, SkippedRange skip) {
        assertThat(run.processor.redrive(event(batch), skip, batch.get(0).seq()).getBatchItemFailures()).isEmpty();
    }

    @ParameterizedTest(name = "failed {0}")
    @EnumSource(value = CrashPoint.class, names = {"BEFORE_APPLY", "AFTER_APPLY", "AFTER_FIRE_BEFORE_EMIT",
        "AFTER_EMIT_BEFORE_CLEAR"})
    void aSkippedRangeReDrivenWhileItsWindowsAreOpenGivesTheResultsOfARunWithoutFaults(CrashPoint crash,
            @TempDir Path dir) {
        // windows of 1 s: every record's window is still open when the range is re-driven
        Pipeline pipeline = pipeline(1_000);
        List<List<In>> batches = chunks(generatedInput(), 10);
        Outputs clean = clean(dir.resolve("clean"), pipeline, batches);

        String table = DynamoDbLocal.newTable("redrive");
        CrashingBackend crashing = new CrashingBackend(new DynamoDbStateBackend(DynamoDbLocal.client(), table));
        try (Run run = new Run(dir.resolve("run"), table, crashing, pipeline)) {
            ShardCheckpoint checkpoint = skipping(run, crashing, batches, crash);
            List<In> skipped = batches.get(SKIPPED);
            assertThat(checkpoint.blocked()).as("a commit ends the block").isNull();
            assertThat(checkpoint.skipped()).singleElement().satisfies(range -> {
                assertThat(range.from()).isEqualTo(skipped.get(0).seq());
                assertThat(range.resumedAt()).isEqualTo(batches.get(SKIPPED + 1).get(0).seq());
                assertThat(range.error()).contains("injected crash " + crash);
            });

            redrive(run, skipped, checkpoint.skipped().get(0));
            run.processor.drain(SHARD);
            Outputs outputs = Outputs.of(run);
            assertThat(outputs.results()).as("results").isEqualTo(clean.results());
            assertThat(outputs.late()).as("late records").isEqualTo(clean.late());
            assertThat(outputs.failed()).as("failed records").isEqualTo(clean.failed());

            int lines = run.lines("firehose/out.jsonl").size();
            int failed = run.failed().size();
            ShardCheckpoint lane = run.backend.readCheckpoint(RedriveLane.of(SHARD, skipped.get(0).seq()));
            assertThat(lane.sequenceNumber()).isEqualTo(skipped.get(skipped.size() - 1).seq());
            redrive(run, skipped, checkpoint.skipped().get(0));
            assertThat(run.lines("firehose/out.jsonl")).as("a second redrive adds nothing").hasSize(lines);
            assertThat(run.failed()).hasSize(failed);
            assertThat(run.backend.readCheckpoint(lane.shardId()).version()).as("nor commits")
                    .isEqualTo(lane.version());
        }
    }

    @ParameterizedTest(name = "failed {0}")
    @EnumSource(value = CrashPoint.class, names = {"BEFORE_APPLY", "AFTER_APPLY", "AFTER_FIRE_BEFORE_EMIT"})
    void aSkippedRangeReDrivenAfterItsWindowsFiredIsAccountedForAsLateDataWithTheReason(CrashPoint crash,
            @TempDir Path dir) {
        // windows of 20 ms: the skipped batch's windows fire with the batches after it
        Pipeline pipeline = pipeline(20);
        List<List<In>> batches = chunks(generatedInput(), 10);
        List<In> skipped = batches.get(SKIPPED);

        String table = DynamoDbLocal.newTable("redrive");
        CrashingBackend crashing = new CrashingBackend(new DynamoDbStateBackend(DynamoDbLocal.client(), table));
        try (Run run = new Run(dir.resolve("run"), table, crashing, pipeline)) {
            ShardCheckpoint checkpoint = skipping(run, crashing, batches, crash);
            run.processor.drain(SHARD);
            Map<String, String> before = byId(run.lines("firehose/out.jsonl"));
            assertThat(counted(before) + run.late().size() + run.failed().size())
                    .as("records missing before the redrive").isLessThan(batches.stream().mapToLong(List::size).sum());

            redrive(run, skipped, checkpoint.skipped().get(0));
            Set<String> skippedSequences = skipped.stream().map(in -> in.seq().toString()).collect(Collectors.toSet());
            List<JsonNode> late = run.late().stream()
                    .filter(n -> skippedSequences.contains(n.get("sequenceNumber").asText())).toList();
            List<JsonNode> failed = run.failed().stream()
                    .filter(n -> skippedSequences.contains(n.get("sequenceNumber").asText())).toList();
            assertThat(late).allSatisfy(n ->
                    assertThat(n.get("reason").asText()).isEqualTo("re-driven after skip"));
            assertThat(byId(run.lines("firehose/out.jsonl"))).as("no window fires again: all are closed")
                    .isEqualTo(before);

            // every record is accounted for once: counted in its window, late, or failed
            long poison = skipped.stream().filter(in -> in.ev() == null).count();
            assertThat(failed).hasSize((int) poison).allSatisfy(n ->
                    assertThat(n.get("reason").asText()).isEqualTo("re-driven after skip"));
            assertThat(counted(before) + run.late().size() + run.failed().size())
                    .isEqualTo(batches.stream().mapToLong(List::size).sum());
            if (crash == CrashPoint.BEFORE_APPLY) {
                assertThat(late).as("nothing of the range was applied before the skip")
                        .hasSize((int) (skipped.size() - poison));
            }

            int lateLines = run.late().size();
            redrive(run, skipped, checkpoint.skipped().get(0));
            assertThat(run.late()).as("a second redrive adds nothing").hasSize(lateLines);
        }
    }

    @org.junit.jupiter.api.Test
    void aFailingBatchBlocksTheShardWithItsErrorUntilARetryFromTheSameRecordCommits(@TempDir Path dir) {
        List<List<In>> batches = chunks(generatedInput(), 10);
        String table = DynamoDbLocal.newTable("blocked");
        CrashingBackend crashing = new CrashingBackend(new DynamoDbStateBackend(DynamoDbLocal.client(), table));
        try (Run run = new Run(dir, table, crashing, pipeline(20))) {
            run.processAll(batches.subList(0, 2));
            for (int attempt = 1; attempt <= 3; attempt++) {
                crashing.armed = CrashPoint.AFTER_APPLY;
                assertThat(run.process(batches.get(2)).getBatchItemFailures()).hasSize(1);
                ShardCheckpoint blocked = run.backend.readCheckpoint(SHARD);
                assertThat(blocked.blocked()).isNotNull();
                assertThat(blocked.blocked().from()).isEqualTo(batches.get(2).get(0).seq());
                assertThat(blocked.blocked().attempts()).isEqualTo(attempt);
                assertThat(blocked.blocked().error()).isEqualTo("injected crash AFTER_APPLY");
                assertThat(blocked.blocked().sinceMs()).isLessThanOrEqualTo(blocked.blocked().lastMs());
            }
            run.processAll(batches.subList(2, batches.size()));
            ShardCheckpoint after = run.backend.readCheckpoint(SHARD);
            assertThat(after.blocked()).as("the retry committed").isNull();
            assertThat(after.skipped()).as("nothing was skipped").isEmpty();
        }
    }

    /** Records counted in windows: the count of each window's latest firing. */
    private static long counted(Map<String, String> results) {
        Map<List<Object>, JsonNode> latest = new java.util.HashMap<>();
        for (String payload : results.values()) {
            JsonNode n = BatchProcessorEndToEndTest.JSON.valueToTree(readTree(payload));
            List<Object> window = List.of(n.get("key").asText(), n.get("start").asLong());
            latest.merge(window, n, (a, b) -> a.get("firing").asInt() >= b.get("firing").asInt() ? a : b);
        }
        return latest.values().stream().mapToLong(n -> n.get("count").asLong()).sum();
    }

    private static JsonNode readTree(String json) {
        try {
            return BatchProcessorEndToEndTest.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

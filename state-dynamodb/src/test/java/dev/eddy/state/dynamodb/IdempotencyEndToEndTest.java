package dev.eddy.state.dynamodb;

import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.SHARD;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.chunks;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.generatedInput;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.internal.BatchProcessor;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.ResultStream;
import dev.eddy.sink.SideEffect;
import dev.eddy.state.StateBackend;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.CrashPoint;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.CrashingBackend;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Ev;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.In;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Out;
import dev.eddy.state.dynamodb.IdempotencyMarkersTest.MovableClock;
import dev.eddy.state.dynamodb.IdempotencyMarkersTest.RoundTrips;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code forEachOnce} end to end: {@link BatchProcessor} with real DynamoDB state (DynamoDB Local), the pipeline of
 * {@link BatchProcessorEndToEndTest} (20 ms tumbling windows, out-of-orderness 5 ms) with a side effect beside its
 * sink. The side effect is a test double of the user's external service that records each call.
 */
@ExtendWith(DynamoDbLocal.class)
class IdempotencyEndToEndTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** One call of the external service. */
    record Call(String idempotencyKey, Out value) {
    }

    /** The user's external service: records calls; the call numbered {@code failOn} (from 1) throws, once. */
    static final class Service implements SideEffect<Out> {
        final List<Call> calls = new ArrayList<>();
        int failOn = -1;

        @Override
        public void apply(Out value, String idempotencyKey) throws IOException {
            calls.add(new Call(idempotencyKey, value));
            if (calls.size() == failOn) {
                throw new IOException("service unavailable");
            }
        }

        List<String> keys() {
            return calls.stream().map(Call::idempotencyKey).toList();
        }

        Map<String, Long> callsPerKey() {
            return calls.stream().collect(Collectors.groupingBy(Call::idempotencyKey, Collectors.counting()));
        }
    }

    static Pipeline pipeline(UnaryOperator<ResultStream<Out>> sideEffects) {
        return BatchProcessorEndToEndTest.pipeline(sideEffects);
    }

    /** One handler instance: a fresh table, the real backend on a client that counts round trips, file sinks. */
    static final class Run extends BatchProcessorEndToEndTest.Run {
        final RoundTrips roundTrips;
        final MovableClock clock;

        Run(Path dir, Pipeline pipeline) {
            this(dir, pipeline, b -> b);
        }

        Run(Path dir, Pipeline pipeline, UnaryOperator<StateBackend> wrap) {
            this(dir, pipeline, wrap, DynamoDbLocal.newTable("once-e2e"), new RoundTrips(),
                    new MovableClock(IdempotencyMarkersTest.T0));
        }

        private Run(Path dir, Pipeline pipeline, UnaryOperator<StateBackend> wrap, String table, RoundTrips roundTrips,
                MovableClock clock) {
            super(dir, table, wrap.apply(new DynamoDbStateBackend(IdempotencyMarkersTest.client(roundTrips), table,
                    clock)), pipeline);
            this.roundTrips = roundTrips;
            this.clock = clock;
        }

        Set<String> outputIds() {
            return outputs().stream().map(Out::id).collect(Collectors.toSet());
        }
    }

    /** {@link CrashingBackend} that can also crash before the done-markers are written. */
    static class OnceCrashingBackend extends CrashingBackend {
        /** Fails the next {@code markDone} before it writes, once. */
        boolean failNextMark;

        OnceCrashingBackend(StateBackend delegate) {
            super(delegate);
        }

        @Override
        public void markDone(String scope, Collection<String> keys, Duration retention) {
            if (failNextMark) {
                failNextMark = false;
                throw new IllegalStateException("injected crash before the markers are written");
            }
            super.markDone(scope, keys, retention);
        }
    }

    /** {@code count} keys with one record each in window [1000, 1020), then one record that makes them all fire. */
    static List<In> windowsFiringInOneBatch(int count) {
        List<In> batch = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            batch.add(In.of(i, new Ev(String.format("k%03d", i), 1000 + i % 20, i)));
        }
        batch.add(In.of(count, new Ev("zz", 1100, 0))); // watermark 1094: every window up to 1020 fires
        return batch;
    }

    // ---------------------------------------------------------------- (a) once per result

    @Test
    void eachResultIsCalledOnceWithItsIdAcrossACrashFreeRun(@TempDir Path dir) {
        Service service = new Service();
        try (Run run = new Run(dir, pipeline(r -> r.forEachOnce("notify", service)))) {
            run.processAll(chunks(generatedInput(), 7));
            run.processor.drain(SHARD);

            assertThat(run.outputIds()).hasSizeGreaterThanOrEqualTo(20);
            assertThat(service.keys()).doesNotHaveDuplicates()
                    .as("the default idempotency key is the result's id, the one its sink gets")
                    .containsExactlyInAnyOrderElementsOf(run.outputIds());
            assertThat(service.calls).allSatisfy(c -> assertThat(c.value().id()).isEqualTo(c.idempotencyKey()));
        }
    }

    // ---------------------------------------------------------------- (b) redelivery

    @Test
    void aDuplicatedBatchCallsNothingAgain(@TempDir Path dir) {
        Service service = new Service();
        try (Run run = new Run(dir, pipeline(r -> r.forEachOnce("notify", service)))) {
            for (List<In> batch : chunks(generatedInput(), 9)) {
                assertThat(run.process(batch).getBatchItemFailures()).isEmpty();
                int calls = service.calls.size();
                assertThat(run.process(batch).getBatchItemFailures()).isEmpty();
                assertThat(service.calls).hasSize(calls);
            }
            run.processor.drain(SHARD);
            assertThat(service.keys()).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(run.outputIds());
        }
    }

    @Test
    void aRetryAfterACrashBeforeTheCheckpointCallsNothingAgainButTheSinkGetsTheResultsAgain(@TempDir Path dir) {
        Service service = new Service();
        List<In> batch = windowsFiringInOneBatch(5);
        OnceCrashingBackend[] crashing = new OnceCrashingBackend[1];
        try (Run run = new Run(dir, pipeline(r -> r.forEachOnce("notify", service)),
                b -> crashing[0] = new OnceCrashingBackend(b))) {
            crashing[0].armed = CrashPoint.AFTER_CLEAR_BEFORE_COMMIT; // after emission, before the checkpoint
            assertThat(run.process(batch).getBatchItemFailures()).hasSize(1);
            assertThat(service.calls).hasSize(5);

            assertThat(run.process(batch).getBatchItemFailures()).isEmpty();
            assertThat(service.calls).as("the retry emits the same results, all marked done").hasSize(5);
            assertThat(run.outputs()).as("sinks are at least once").hasSize(10);
            assertThat(service.keys()).containsExactlyInAnyOrderElementsOf(run.outputIds());
        }
    }

    @Test
    void aCrashBetweenACallAndItsMarkerRepeatsTheCallWithTheSameKey(@TempDir Path dir) {
        Service service = new Service();
        List<In> batch = windowsFiringInOneBatch(5);
        OnceCrashingBackend[] crashing = new OnceCrashingBackend[1];
        try (Run run = new Run(dir, pipeline(r -> r.forEachOnce("notify", service)),
                b -> crashing[0] = new OnceCrashingBackend(b))) {
            crashing[0].failNextMark = true;
            assertThat(run.process(batch).getBatchItemFailures()).hasSize(1);
            assertThat(run.process(batch).getBatchItemFailures()).isEmpty();

            // at least once: the five calls again, with the keys the external service deduplicates by
            assertThat(service.calls).hasSize(10);
            assertThat(service.keys().subList(5, 10)).containsExactlyElementsOf(service.keys().subList(0, 5));
            assertThat(run.process(batch).getBatchItemFailures()).isEmpty();
            assertThat(service.calls).hasSize(10);
        }
    }

    // ---------------------------------------------------------------- (c) a failing call

    @Test
    void aThrowingCallFailsTheBatchAndTheRetryCallsOnlyWhatIsNotDone(@TempDir Path dir) {
        Service service = new Service();
        service.failOn = 3;
        List<In> batch = windowsFiringInOneBatch(5);
        try (Run run = new Run(dir, pipeline(r -> r.forEachOnce("notify", service)))) {
            StreamsEventResponse failed = run.process(batch);
            assertThat(failed.getBatchItemFailures())
                    .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                    .as("the batch fails at its first uncommitted record").containsExactly(In.seq(0).toString());
            List<String> firstAttempt = List.copyOf(service.keys());
            assertThat(firstAttempt).hasSize(3).doesNotHaveDuplicates();

            assertThat(run.process(batch).getBatchItemFailures()).isEmpty();
            Set<String> all = run.outputIds();
            assertThat(all).hasSize(5);
            Set<String> notDone = new HashSet<>(all);
            notDone.removeAll(firstAttempt.subList(0, 2));
            assertThat(service.keys().subList(3, service.keys().size()))
                    .as("the retry calls the throwing key and those after it, not the two done")
                    .containsExactlyInAnyOrderElementsOf(notDone);
            assertThat(service.callsPerKey()).containsOnlyKeys(all)
                    .allSatisfy((key, count) -> assertThat(count).isEqualTo(key.equals(firstAttempt.get(2)) ? 2 : 1));

            assertThat(run.process(batch).getBatchItemFailures()).isEmpty();
            assertThat(run.processor.metrics().replaysSkipped()).isEqualTo(batch.size());
            assertThat(service.calls).hasSize(6);
        }
    }

    // ---------------------------------------------------------------- (d) once per key

    @Test
    void perKeyModeCallsOncePerKeyAcrossWindowsAndBatches(@TempDir Path dir) {
        Service service = new Service();
        try (Run run = new Run(dir, pipeline(r -> r.forEachOnce("welcome", Out::key, service)))) {
            // a fires [1000, 1020) and [1020, 1040), b fires [1000, 1020), in one batch
            run.processAll(List.of(List.of(In.of(0, new Ev("a", 1000, 1)), In.of(1, new Ev("b", 1001, 2)),
                    In.of(2, new Ev("a", 1025, 3)), In.of(3, new Ev("x", 1200, 4)))));
            assertThat(service.keys()).containsExactlyInAnyOrder("a", "b");
            assertThat(service.calls).filteredOn(c -> c.idempotencyKey().equals("a"))
                    .extracting(c -> c.value().start()).as("with the first result of the key").containsExactly(1000L);
            // a later window of a, in a later batch: a is done; x's window fires and x is new
            run.processAll(List.of(List.of(In.of(4, new Ev("a", 1300, 5)), In.of(5, new Ev("y", 1500, 6)))));
            run.processor.drain(SHARD);

            assertThat(run.outputs()).extracting(Out::key).containsExactlyInAnyOrder("a", "a", "b", "x", "a", "y");
            assertThat(service.keys()).containsExactlyInAnyOrder("a", "b", "x", "y");
        }
    }

    // ---------------------------------------------------------------- (e) cost

    @Test
    void eachCallCostsOneWriteUnitAndOneBatchWritePerTwentyFiveCalls(@TempDir Path dir) {
        List<In> batch = windowsFiringInOneBatch(60);
        Service service = new Service();
        double[] without = new double[2];
        try (Run plain = new Run(dir.resolve("plain"), pipeline(r -> r))) {
            plain.processAll(List.of(batch));
            without[0] = plain.backend.usage().writeUnits();
            without[1] = plain.backend.usage().readUnits();
        }
        try (Run run = new Run(dir.resolve("once"), pipeline(r -> r.forEachOnce("notify", service)))) {
            run.processAll(List.of(batch));
            assertThat(service.calls).hasSize(60);

            double writeUnits = run.backend.usage().writeUnits() - without[0];
            double readUnits = run.backend.usage().readUnits() - without[1];
            assertThat(writeUnits).as("write units of 60 calls").isEqualTo(60.0);
            assertThat(run.roundTrips.markerWrites.get()).as("BatchWriteItem round trips").isEqualTo(3);
            assertThat(run.roundTrips.markerReads.get()).as("BatchGetItem round trips").isEqualTo(1);
            assertThat(readUnits).as("consistent lookups of absent markers").isLessThanOrEqualTo(60.0);
            System.out.printf("forEachOnce, 60 calls in one batch: %.1f write units, %.1f read units, %d BatchWriteItem"
                    + " and %d BatchGetItem round trips (per-record idempotency: 120 writes in 120 round trips)%n",
                    writeUnits, readUnits, run.roundTrips.markerWrites.get(), run.roundTrips.markerReads.get());
        }
    }

    // ---------------------------------------------------------------- (f) retention

    @Test
    void anExpiredMarkerCountsAsAbsentSoTheKeyIsCalledAgain(@TempDir Path dir) {
        Service service = new Service();
        Function<Out, String> key = Out::key;
        try (Run run = new Run(dir, pipeline(r -> r.forEachOnce("welcome", key, Duration.ofHours(1), service)))) {
            run.processAll(List.of(List.of(In.of(0, new Ev("a", 1000, 1)), In.of(1, new Ev("x", 1100, 2)))));
            assertThat(service.keys()).containsExactly("a");
            try (DynamoDbClient client = DynamoDbLocal.client()) {
                var item = client.getItem(b -> b.tableName(run.table).consistentRead(true).key(Map.of(
                        "pk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("I#t#welcome#a"),
                        "sk", software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS("done")))).item();
                assertThat(item.get("expiresAt").n()).isEqualTo(Long.toString(
                        IdempotencyMarkersTest.T0.plus(Duration.ofHours(1)).getEpochSecond()));
            }

            run.clock.advance(Duration.ofMinutes(59));
            run.processAll(List.of(List.of(In.of(2, new Ev("a", 1200, 3)), In.of(3, new Ev("y", 1300, 4)))));
            assertThat(service.keys()).as("a is still done; x is new").containsExactlyInAnyOrder("a", "x");

            run.clock.advance(Duration.ofMinutes(2));
            run.processAll(List.of(List.of(In.of(4, new Ev("a", 1400, 5)), In.of(5, new Ev("z", 1500, 6)))));
            assertThat(service.keys()).as("a's marker expired: called again").containsExactlyInAnyOrder("a", "x",
                    "y", "a");
        }
    }
}

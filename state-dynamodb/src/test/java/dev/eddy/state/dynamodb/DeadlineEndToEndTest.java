package dev.eddy.state.dynamodb;

import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.SHARD;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.assertMatchesReference;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.byId;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.duplicates;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.event;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.reference;
import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.config.EddySettings;
import dev.eddy.internal.DeadlineBudget;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.StateBackend;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.CrashingBackend;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Ev;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.In;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Run;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping before the Lambda deadline, end to end: real DynamoDB state (DynamoDB Local), file sinks. Time is a
 * fake clock that the state backend advances at each checkpoint commit, so nothing depends on the machine's speed.
 */
@ExtendWith(DynamoDbLocal.class)
class DeadlineEndToEndTest {

    static final int RECORDS = 2_500;

    /** A fake clock: the remaining time is the deadline minus the time the chunks have "taken" so far. */
    static final class FakeTime implements LongSupplier {
        final long costPerCommitMs;
        long deadline;
        long now;
        int reads;

        FakeTime(long deadline, long costPerCommitMs) {
            this.deadline = deadline;
            this.costPerCommitMs = costPerCommitMs;
        }

        /** A new invocation: this much time remains. */
        FakeTime invocation(long remainingMs) {
            deadline = now + remainingMs;
            return this;
        }

        @Override
        public long getAsLong() {
            reads++;
            return deadline - now;
        }
    }

    /** The real backend; each checkpoint commit is counted and advances the fake clock by the chunk's cost. */
    static final class TimedBackend extends CrashingBackend {
        final FakeTime time;
        int commits;

        TimedBackend(StateBackend delegate, FakeTime time) {
            super(delegate);
            this.time = time;
        }

        @Override
        public void commitCheckpoint(ShardCheckpoint previous, ShardCheckpoint next) {
            super.commitCheckpoint(previous, next);
            commits++;
            time.now += time.costPerCommitMs;
        }
    }

    /** 2,500 records of 12 keys, out of order by up to 12 ms, some by 30-60 ms (late), with poison. */
    static List<In> input() {
        Random random = new Random(7);
        List<In> input = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            if (i % 101 == 50) {
                input.add(In.poison(i, "not json"));
                continue;
            }
            long disorder = random.nextInt(10) == 0 ? -30 - random.nextInt(31) : random.nextInt(21) - 12;
            long ts = 1_000_000 + i * 4L + disorder;
            input.add(In.of(i, new Ev("k" + random.nextInt(12), ts, random.nextInt(100) - 20)));
        }
        return input;
    }

    static List<String> failures(StreamsEventResponse response) {
        return response.getBatchItemFailures().stream().map(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                .toList();
    }

    static String seq(In in) {
        return in.seq().toString();
    }

    static ShardCheckpoint checkpoint(Run run) {
        return run.backend.readCheckpoint(SHARD);
    }

    /** Results, late and failed records by id, of one run with no deadline. */
    record Outputs(Map<String, String> results, Map<String, String> late, Map<String, String> failed) {
        static Outputs of(Run run) {
            return new Outputs(byId(run.lines("firehose/out.jsonl")), byId(run.late()), byId(run.failed()));
        }
    }

    @Test
    void aBatchThatRunsOutOfTimeAfterItsFirstChunkIsRetriedFromTheSecondAndGivesTheResultsOfARunWithoutDeadline(
            @TempDir Path dir) {
        List<In> input = input();

        Outputs clean;
        try (Run run = new Run(dir.resolve("clean"))) {
            assertThat(run.process(input).getBatchItemFailures()).isEmpty();
            run.processor.drain(SHARD);
            assertMatchesReference(run, reference(input));
            clean = Outputs.of(run);
        }
        assertThat(clean.results()).hasSizeGreaterThan(400);
        assertThat(clean.late()).isNotEmpty();
        assertThat(clean.failed()).hasSizeGreaterThanOrEqualTo(24);

        // 4 s left; each chunk takes 3 s. Cold: a first chunk of 1,000 records, measured at 3 ms per record;
        // then 1 s is left, no more than the reserve: stop before the second chunk.
        FakeTime time = new FakeTime(4_000, 3_000);
        try (Run run = new Run(dir.resolve("deadline"), b -> new TimedBackend(b, time))) {
            TimedBackend backend = (TimedBackend) run.backend;
            StreamsEventResponse response = run.processor.process(event(input), time);

            assertThat(failures(response)).containsExactly(seq(input.get(1_000)));
            assertThat(backend.commits).isEqualTo(1);
            assertThat(checkpoint(run).sequenceNumber()).isEqualTo(input.get(999).seq());
            assertThat(run.processor.metrics().records()).isEqualTo(1_000);
            assertThat(run.processor.metrics().deadlineStops()).isEqualTo(1);
            assertThat(run.processor.metrics().invocations()).isEqualTo(1);

            // the event source mapping retries from the failed record; this time there is plenty of time, and
            // the warm estimate (3 ms per record) says the 1,500 records fit: one chunk
            response = run.processor.process(event(input.subList(1_000, RECORDS)), time.invocation(900_000));
            assertThat(response.getBatchItemFailures()).isEmpty();
            assertThat(backend.commits).isEqualTo(2);
            assertThat(checkpoint(run).sequenceNumber()).isEqualTo(input.get(RECORDS - 1).seq());
            run.processor.drain(SHARD);

            List<JsonNode> results = run.lines("firehose/out.jsonl");
            assertThat(byId(results)).isEqualTo(clean.results());
            assertThat(duplicates(results)).isZero();
            assertThat(byId(run.late())).isEqualTo(clean.late());
            assertThat(byId(run.failed())).isEqualTo(clean.failed());
            assertMatchesReference(run, reference(input));
            assertThat(run.processor.metrics().records()).isEqualTo(RECORDS);
            assertThat(run.processor.metrics().replaysSkipped()).isZero();
            assertThat(run.processor.metrics().deadlineStops()).isEqualTo(1);
            // the stop is counted in the checkpoint's totals by the shard's next commit
            assertThat(checkpoint(run).totals().deadlineStops()).isEqualTo(1);
            assertThat(checkpoint(run).totals().records()).isEqualTo(RECORDS);
        }
    }

    @Test
    void whenNotEvenTheFirstChunkFitsTheWholeBatchIsRetriedAndNothingIsCommitted(@TempDir Path dir) {
        List<In> input = input();
        FakeTime time = new FakeTime(999, 1_000);
        try (Run run = new Run(dir, b -> new TimedBackend(b, time))) {
            TimedBackend backend = (TimedBackend) run.backend;

            // cold, 999 ms left: under the 1,000 ms reserve
            assertThat(failures(run.processor.process(event(input), time))).containsExactly(seq(input.get(0)));
            assertThat(failures(run.processor.process(event(input), time))).containsExactly(seq(input.get(0)));

            assertThat(backend.commits).isZero();
            assertThat(checkpoint(run)).isEqualTo(ShardCheckpoint.initial(SHARD));
            assertThat(run.outputs()).isEmpty();
            assertThat(run.late()).isEmpty();
            assertThat(run.failed()).isEmpty();
            assertThat(run.processor.metrics().records()).isZero();
            assertThat(run.processor.metrics().deadlineStops()).isEqualTo(2);

            // warm: 100 records take 1 s, 10 ms per record; with 1,999 ms left, 99 records would fit under the
            // reserve, fewer than the smallest chunk: stop at the batch's first record
            assertThat(run.processor.process(event(input.subList(0, 100)), time.invocation(60_000))
                    .getBatchItemFailures()).isEmpty();
            assertThat(backend.commits).isEqualTo(1);
            assertThat(failures(run.processor.process(event(input.subList(100, RECORDS)), time.invocation(1_999))))
                    .containsExactly(seq(input.get(100)));
            assertThat(backend.commits).isEqualTo(1);
            assertThat(checkpoint(run).sequenceNumber()).isEqualTo(input.get(99).seq());
            assertThat(run.processor.metrics().deadlineStops()).isEqualTo(3);
            // the two stops before the commit are in its totals; the third waits for the shard's next commit
            assertThat(checkpoint(run).totals().deadlineStops()).isEqualTo(2);
            assertThat(checkpoint(run).totals().records()).isEqualTo(100);
        }
    }

    /**
     * A remaining time that cannot be read means no deadline is known: the batch runs in one cycle, as without a
     * context. Reading it as no time left instead would stop every invocation at its first record and stall the
     * shard for good.
     */
    @Test
    void aRemainingTimeThatCannotBeReadRunsTheBatchAsWithoutADeadline(@TempDir Path dir) {
        List<In> input = input();
        try (Run run = new Run(dir, b -> new TimedBackend(b, new FakeTime(0, 0)))) {
            TimedBackend backend = (TimedBackend) run.backend;
            assertThat(run.processor.process(event(input), () -> {
                throw new IllegalStateException("no clock");
            }).getBatchItemFailures()).isEmpty();
            assertThat(backend.commits).isEqualTo(1);
            assertThat(checkpoint(run).sequenceNumber()).isEqualTo(input.get(RECORDS - 1).seq());
            assertThat(run.processor.metrics().deadlineStops()).isZero();
        }
    }

    @Test
    void withUnlimitedTimeTheBatchIsOneChunk(@TempDir Path dir) {
        List<In> input = input();
        FakeTime unused = new FakeTime(0, 0);
        try (Run run = new Run(dir.resolve("unlimited"), b -> new TimedBackend(b, unused))) {
            TimedBackend backend = (TimedBackend) run.backend;
            assertThat(run.processor.process(event(input)).getBatchItemFailures()).isEmpty();
            assertThat(backend.commits).isEqualTo(1);
            ShardCheckpoint checkpoint = checkpoint(run);
            assertThat(checkpoint.version()).isEqualTo(1);
            assertThat(checkpoint.sequenceNumber()).isEqualTo(input.get(RECORDS - 1).seq());

            // the same with an explicit unlimited supplier: a duplicate delivery, skipped in one chunk
            assertThat(run.processor.process(event(input), () -> DeadlineBudget.UNLIMITED).getBatchItemFailures())
                    .isEmpty();
            assertThat(backend.commits).isEqualTo(1);
            assertThat(run.processor.metrics().replaysSkipped()).isEqualTo(RECORDS);
            assertThat(run.processor.metrics().deadlineStops()).isZero();
            run.processor.drain(SHARD);
            assertMatchesReference(run, reference(input));
        }

        // with plenty of finite time, a cold container cuts the same batch in chunks of 1,000 and then the rest
        FakeTime time = new FakeTime(600_000, 10);
        try (Run run = new Run(dir.resolve("finite"), b -> new TimedBackend(b, time))) {
            TimedBackend backend = (TimedBackend) run.backend;
            assertThat(run.processor.process(event(input), time).getBatchItemFailures()).isEmpty();
            assertThat(backend.commits).isEqualTo(2);
            assertThat(time.reads).isEqualTo(3); // before the first chunk, and after each
            assertThat(checkpoint(run).version()).isEqualTo(2);
            assertThat(run.processor.metrics().invocations()).isEqualTo(1);
            run.processor.drain(SHARD);
            assertMatchesReference(run, reference(input));
        }
    }

    // ---------------------------------------------------------------- through the Lambda handler

    @RegisterExtension
    final SystemProperties properties = new SystemProperties();

    /** A Lambda context that only knows its remaining time. */
    static Context context(int remainingMs) {
        return (Context) Proxy.newProxyInstance(Context.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getRemainingTimeInMillis")) {
                        return remainingMs;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void theHandlerStopsByTheContextsRemainingTimeAndTheConfiguredReserve(@TempDir Path dir) {
        properties.set(EddySettings.STATE_TABLE, DynamoDbLocal.newTable("deadline-handler"));
        properties.set(EddySettings.SINKS, "file:" + dir);
        properties.set(EddySettings.DEADLINE_RESERVE_MS, "5000");
        properties.set("AWS_ENDPOINT_URL_DYNAMODB", DynamoDbLocal.endpoint().toString());
        properties.set("AWS_REGION", "us-east-1");
        properties.set("aws.accessKeyId", "dummy");
        properties.set("aws.secretAccessKey", "dummy");

        EddyHandlerWithDynamoDbTest.TestHandler handler = new EddyHandlerWithDynamoDbTest.TestHandler();
        List<In> input = List.of(In.of(0, new Ev("a", 100, 1)), In.of(1, new Ev("a", 110, 2)),
                In.of(2, new Ev("b", 130, 4)));

        // 4 s left would do under the default reserve; under 5 s it does not
        assertThat(failures(handler.handleRequest(event(input), context(4_000)))).containsExactly(seq(input.get(0)));
        assertThat(handler.metrics().deadlineStops()).isEqualTo(1);
        assertThat(handler.metrics().records()).isZero();

        assertThat(handler.handleRequest(event(input), context(6_000)).getBatchItemFailures()).isEmpty();
        assertThat(handler.metrics().records()).isEqualTo(3);
        // no context: no deadline
        assertThat(handler.handleRequest(event(input), null).getBatchItemFailures()).isEmpty();
        assertThat(handler.metrics().replaysSkipped()).isEqualTo(3);
        assertThat(handler.metrics().deadlineStops()).isEqualTo(1);
        assertThat(handler.metrics().invocations()).isEqualTo(3);
    }
}

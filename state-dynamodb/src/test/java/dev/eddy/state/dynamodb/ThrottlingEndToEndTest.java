package dev.eddy.state.dynamodb;

import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.JSON;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.SHARD;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.byId;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.chunks;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.duplicates;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.event;
import static dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.generatedInput;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.eddy.config.EddySettings;
import dev.eddy.internal.BatchProcessor;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.In;
import dev.eddy.state.dynamodb.local.DynamoDbFront;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.retries.StandardRetryStrategy;
import software.amazon.awssdk.retries.api.AcquireInitialTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenRequest;
import software.amazon.awssdk.retries.api.RefreshRetryTokenResponse;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.retries.api.RetryToken;
import software.amazon.awssdk.retries.api.TokenAcquisitionFailedException;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;

/**
 * Throttling, end to end: the client {@link DynamoDbStateBackendProvider} builds for Lambda, DynamoDB Local, and
 * {@link BatchProcessor} running the pipeline of {@link BatchProcessorEndToEndTest} over its generated input.
 * Outcomes (results, late data, failed records, by id and payload) are compared with an unthrottled run.
 *
 * <p><b>How faults are injected.</b> An SDK {@link ExecutionInterceptor} ({@link Injector}) is added to the
 * provider's client through its package-private factory; nothing is mocked. Its {@code modifyHttpRequest} sends
 * every request of the client to an HTTP front on a loopback port ({@link DynamoDbFront}, eddy-dynamodb-local), which
 * forwards it byte for byte to DynamoDB Local, or answers it itself: HTTP 400 with the body DynamoDB sends when it
 * throttles, {@code {"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
 * "message":"injected"}} (and its {@code x-amz-crc32}, which the DynamoDB client checks). So the SDK's own HTTP
 * handling, error unmarshalling ({@link ProvisionedThroughputExceededException}), retry classification
 * (throttling), back-off and attempt accounting all run, and a throttled attempt never reaches DynamoDB Local.
 * (The SDK signs each attempt after {@code modifyHttpRequest}, for the front's address; DynamoDB Local does not
 * check signatures.)
 *
 * <p>Why not the alternatives: {@code modifyHttpRequest} runs once per API call, before the SDK's retry loop (SDK
 * 2.29, {@code BaseClientHandler}), so it cannot throttle some attempts of a call and not others; turning a
 * response into an error in {@code modifyHttpResponse} comes after DynamoDB Local applied the request, so a
 * throttled conditional write would have been made, and its SDK retry would fail its condition (the zombie case
 * fencing handles, tested elsewhere, not throttling); throwing from {@code beforeTransmission} would skip the
 * SDK's error parsing; a closed port is an I/O error, retried with the non-throttling back-off. The front decides
 * per HTTP request, reading the headers the SDK sets on every attempt: {@code amz-sdk-invocation-id} (one per API
 * call) and {@code amz-sdk-request: attempt=N; max=M}. The interceptor counts attempts independently
 * ({@code beforeTransmission} runs once per attempt) and records how each call ended.
 *
 * <p>The same front injects partial results of {@code BatchGetItem} and {@code BatchWriteItem}: it forwards only
 * the first entries of the request and answers the rest as {@code UnprocessedKeys} / {@code UnprocessedItems}, as
 * DynamoDB does when it throttles part of a batch; those entries never reach DynamoDB Local until the backend asks
 * again.
 */
@ExtendWith(DynamoDbLocal.class)
class ThrottlingEndToEndTest {

    @RegisterExtension
    final SystemProperties properties = new SystemProperties();

    /** Settings as the handler reads them (system properties win over the environment). */
    private EddySettings settings() {
        properties.set("AWS_ENDPOINT_URL_DYNAMODB", DynamoDbLocal.endpoint().toString());
        properties.set("AWS_REGION", "us-east-1");
        properties.set("aws.accessKeyId", "dummy");
        properties.set("aws.secretAccessKey", "dummy");
        return EddySettings.fromEnvironment();
    }

    // ---------------------------------------------------------------- the client's retry strategy

    @Test
    void theClientRetriesThrottlingWithTheStandardStrategyAndFullJitterBackOff() {
        RetryStrategy strategy;
        try (DynamoDbClient client = DynamoDbStateBackendProvider.client(settings(), List.of())) {
            strategy = client.serviceClientConfiguration().overrideConfiguration().retryStrategy().orElseThrow();
        }
        assertThat(strategy).isInstanceOf(StandardRetryStrategy.class);
        assertThat(strategy.maxAttempts()).isEqualTo(DynamoDbStateBackendProvider.DEFAULT_MAX_ATTEMPTS).isEqualTo(5);

        Throwable throttled = ProvisionedThroughputExceededException.builder().message("throttled").statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ProvisionedThroughputExceededException").build())
                .build();
        Throwable internal = InternalServerErrorException.builder().message("internal").statusCode(500)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("InternalServerError").build()).build();

        // attempt n waits uniformly in [0, base * 2^(n-2)): 1 s for throttling, 25 ms otherwise; 5 attempts at most
        assertFullJitter(strategy, throttled, DynamoDbStateBackendProvider.THROTTLING_BASE_DELAY.toMillis());
        assertFullJitter(strategy, internal, DynamoDbStateBackendProvider.BASE_DELAY.toMillis());

        Throwable conflict = ConditionalCheckFailedException.builder().message("conflict").statusCode(400)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("ConditionalCheckFailedException").build())
                .build();
        RetryToken token = strategy.acquireInitialToken(AcquireInitialTokenRequest.create("conflict")).token();
        assertThatThrownBy(() -> strategy.refreshRetryToken(
                RefreshRetryTokenRequest.builder().token(token).failure(conflict).build()))
                .as("a failed condition is not retried by the SDK").isInstanceOf(TokenAcquisitionFailedException.class);
    }

    private static void assertFullJitter(RetryStrategy strategy, Throwable failure, long baseMillis) {
        Map<Integer, List<Long>> delays = new HashMap<>();
        for (int sample = 0; sample < 300; sample++) {
            // one scope per sample: each has its own circuit-breaker bucket, which 300 failing calls would drain
            String scope = failure.getClass().getSimpleName() + sample;
            RetryToken token = strategy.acquireInitialToken(AcquireInitialTokenRequest.create(scope)).token();
            for (int attempt = 2; attempt <= 5; attempt++) {
                RefreshRetryTokenResponse response = strategy.refreshRetryToken(
                        RefreshRetryTokenRequest.builder().token(token).failure(failure).build());
                delays.computeIfAbsent(attempt, a -> new ArrayList<>()).add(response.delay().toMillis());
                token = response.token();
            }
            RetryToken last = token;
            assertThatThrownBy(() -> strategy.refreshRetryToken(
                    RefreshRetryTokenRequest.builder().token(last).failure(failure).build()))
                    .as("no sixth attempt").isInstanceOf(TokenAcquisitionFailedException.class);
        }
        delays.forEach((attempt, millis) -> {
            long ceiling = baseMillis << (attempt - 2);
            assertThat(millis).as("delays before attempt %d after %s", attempt, failure.getClass().getSimpleName())
                    .allSatisfy(d -> assertThat(d).isBetween(0L, ceiling - 1));
            assertThat(millis.stream().mapToLong(Long::longValue).max().orElseThrow()).isGreaterThan(ceiling * 3 / 4);
            assertThat(millis.stream().mapToLong(Long::longValue).min().orElseThrow()).isLessThan(ceiling / 4);
        });
    }

    @Test
    void theAttemptsComeFromTheSettingAndABadValueIsRefusedByName() {
        EddySettings settings = settings();
        properties.set(DynamoDbStateBackendProvider.MAX_ATTEMPTS_SETTING, "2");
        try (DynamoDbClient client = DynamoDbStateBackendProvider.client(settings, List.of())) {
            assertThat(client.serviceClientConfiguration().overrideConfiguration().retryStrategy().orElseThrow()
                    .maxAttempts()).isEqualTo(2);
        }
        for (String bad : List.of("0", "-1", "five")) {
            properties.set(DynamoDbStateBackendProvider.MAX_ATTEMPTS_SETTING, bad);
            assertThatThrownBy(() -> DynamoDbStateBackendProvider.client(settings))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("EDDY_DYNAMODB_MAX_ATTEMPTS='" + bad + "'");
        }
    }

    // ---------------------------------------------------------------- end to end

    /** The batch that meets the faults: three batches of ten were processed before it. */
    static final int FAULTY = 3;

    @Test
    void aFewThrottledAttemptsAreRetriedByTheSdkAndTheBatchSucceeds(@TempDir Path dir) {
        List<List<In>> batches = chunks(generatedInput(), 10);
        Outcome clean = clean(dir.resolve("clean"), batches);

        try (Injector injector = new Injector(DynamoDbLocal.endpoint());
             Run run = new Run(dir.resolve("throttled"), settings(), injector)) {
            run.processAll(batches.subList(0, FAULTY));
            injector.throttle("BatchGetItem", 1, 2);
            injector.throttle("PutItem", 1, 2);
            assertThat(run.process(batches.get(FAULTY)).getBatchItemFailures()).isEmpty();
            injector.reset();
            run.processAll(batches.subList(FAULTY + 1, batches.size()));
            run.processor.drain(SHARD);

            assertThat(run.outcome()).isEqualTo(clean);
            assertThat(duplicates(run.lines("firehose/out.jsonl"))).isZero();

            for (String operation : List.of("BatchGetItem", "PutItem")) {
                // the front answered attempts 1 and 2 of one call with throttling errors, and forwarded attempt 3
                assertThat(injector.requests(operation, "throttled"))
                        .extracting(Request::attempt, Request::maxAttempts).containsExactly(
                                tuple(1, 5), tuple(2, 5));
                String invocation = injector.requests(operation, "throttled").get(0).invocationId();
                assertThat(injector.requests.stream().filter(r -> r.invocationId().equals(invocation)))
                        .extracting(Request::attempt, Request::action).containsExactly(
                                tuple(1, "throttled"),
                                tuple(2, "throttled"),
                                tuple(3, "forwarded"));
                // the interceptor saw the same: one call of three attempts that succeeded, all others in one
                List<Call> retried = injector.calls(operation).stream().filter(c -> c.attempts() > 1).toList();
                assertThat(retried).hasSize(1);
                Call call = retried.get(0);
                assertThat(call.attempts()).isEqualTo(3);
                assertThat(call.failure()).isNull();
                List<Long> waits = call.waitsMillis();
                System.out.printf("%s throttled twice: the SDK waited %s ms before attempts 2 and 3%n", operation,
                        waits);
                // full jitter: under 1 s before attempt 2 and 2 s before attempt 3 (plus the request's own time)
                assertThat(waits.get(0)).isLessThan(1_000 + 500);
                assertThat(waits.get(1)).isLessThan(2_000 + 500);
            }
            assertThat(injector.calls.stream().filter(c -> !c.operation().equals("BatchGetItem")
                    && !c.operation().equals("PutItem"))).allSatisfy(c -> assertThat(c.attempts()).isEqualTo(1));
            assertThat(injector.calls).allSatisfy(c -> assertThat(c.failure()).isNull());
        }
    }

    @Test
    void throttlingBeyondTheRetryBudgetFailsTheBatchAtItsFirstRecordAndItsRedeliveryCountsNothingTwice(
            @TempDir Path dir) {
        List<In> input = generatedInput();
        List<List<In>> batches = chunks(input, 10);
        Outcome clean = clean(dir.resolve("clean"), batches);

        EddySettings settings = settings();
        properties.set(DynamoDbStateBackendProvider.MAX_ATTEMPTS_SETTING, "3");
        try (Injector injector = new Injector(DynamoDbLocal.endpoint());
             Run run = new Run(dir.resolve("throttled"), settings, injector)) {
            run.processAll(batches.subList(0, FAULTY));
            List<In> failing = batches.get(FAULTY);
            // every attempt of the batch's first state-item write: the others run in parallel and may succeed
            injector.throttle("PutItem", 1, Integer.MAX_VALUE);
            StreamsEventResponse response = run.process(failing);

            assertThat(response.getBatchItemFailures())
                    .extracting(StreamsEventResponse.BatchItemFailure::getItemIdentifier)
                    .containsExactly(failing.get(0).seq().toString());
            List<Call> failed = injector.calls("PutItem").stream().filter(c -> c.failure() != null).toList();
            assertThat(failed).hasSize(1);
            assertThat(failed.get(0).attempts()).isEqualTo(3);
            assertThat(failed.get(0).failure()).isInstanceOf(ProvisionedThroughputExceededException.class)
                    .hasMessageContaining("injected");
            System.out.printf("PutItem throttled 3 times: the SDK waited %s ms before attempts 2 and 3; it threw %s%n",
                    failed.get(0).waitsMillis(), failed.get(0).failure());
            assertThat(injector.requests("PutItem", "throttled")).extracting(Request::attempt, Request::maxAttempts)
                    .containsExactly(tuple(1, 3),
                            tuple(2, 3), tuple(3, 3));
            // the batch was not committed: its checkpoint is still the previous batch's last record
            assertThat(run.backend.readCheckpoint(SHARD).sequenceNumber())
                    .isEqualTo(batches.get(FAULTY - 1).get(batches.get(FAULTY - 1).size() - 1).seq());

            // the event source mapping delivers the batch again, from its first record; throttling has passed
            injector.reset();
            run.processAll(List.of(failing));
            run.processAll(batches.subList(FAULTY + 1, batches.size()));
            run.processor.drain(SHARD);

            assertThat(run.outcome()).isEqualTo(clean);
            // the failure came before anything was emitted: no result twice, and every record counted once
            assertThat(duplicates(run.lines("firehose/out.jsonl"))).isZero();
            assertThat(run.processor.metrics().records()).isEqualTo(input.size());
        }
    }

    @Test
    void unprocessedKeysAndItemsAreAskedForAgainByTheBackend(@TempDir Path dir) {
        // batches of 4: several timer buckets come due in one batch, so some BatchWriteItem deletes more than one
        List<List<In>> batches = chunks(generatedInput(), 4);
        Outcome clean = clean(dir.resolve("clean"), batches);

        try (Injector injector = new Injector(DynamoDbLocal.endpoint());
             Run run = new Run(dir.resolve("partial"), settings(), injector)) {
            injector.split("BatchGetItem", 1);
            injector.split("BatchWriteItem", 1);
            run.processAll(batches);
            run.processor.drain(SHARD);

            assertThat(run.outcome()).isEqualTo(clean);
            for (String operation : List.of("BatchGetItem", "BatchWriteItem")) {
                List<Request> split = injector.requests(operation, "split");
                assertThat(split).as("%s answered in part once", operation).hasSize(1);
                JsonNode withheld = split.get(0).withheld();
                assertThat(withheld.size()).isPositive();
                // a later call asked for exactly what was left unprocessed
                int index = injector.requests.indexOf(split.get(0));
                assertThat(injector.requests.subList(index + 1, injector.requests.size()))
                        .filteredOn(r -> r.operation().equals(operation) && r.action().equals("forwarded"))
                        .extracting(Request::entries).contains(withheld);
            }
            // partial results are not errors: the SDK made one attempt of every call
            assertThat(injector.calls).allSatisfy(c -> {
                assertThat(c.attempts()).isEqualTo(1);
                assertThat(c.failure()).isNull();
            });
        }
    }

    // ---------------------------------------------------------------- harness

    /** What a run leaves: results, late data and failed records by id (payloads compared), and the table's keys. */
    record Outcome(Map<String, String> results, Map<String, String> late, Map<String, String> failed,
            Set<String> tableKeys) {
    }

    private Outcome clean(Path dir, List<List<In>> batches) {
        try (Run run = new Run(dir, settings(), null)) {
            run.processAll(batches);
            run.processor.drain(SHARD);
            return run.outcome();
        }
    }

    /** One handler instance: a fresh table, the provider's client (with the injector, if any), file sinks. */
    static final class Run extends BatchProcessorEndToEndTest.Run {

        Run(Path dir, EddySettings settings, Injector injector) {
            this(dir, settings, injector, DynamoDbLocal.newTable("throttle"));
        }

        private Run(Path dir, EddySettings settings, Injector injector, String table) {
            super(dir, table, new DynamoDbStateBackend(DynamoDbStateBackendProvider.client(settings,
                    injector == null ? List.of() : List.of(injector)), table), BatchProcessorEndToEndTest.pipeline());
        }

        Outcome outcome() {
            Set<String> keys = new TreeSet<>();
            try (DynamoDbClient client = DynamoDbLocal.client()) {
                client.scanPaginator(b -> b.tableName(table).consistentRead(true)).items()
                        .forEach(item -> keys.add(item.get("pk").s() + " | " + item.get("sk").s()));
            }
            return new Outcome(byId(lines("firehose/out.jsonl")), byId(lines("late/t.jsonl")),
                    byId(lines("failed/t.jsonl")), keys);
        }
    }

    /** One API call as the interceptor saw it: its operation, when each attempt was sent, how it ended. */
    record Call(String operation, List<Long> attemptNanos, Throwable failure) {
        int attempts() {
            return attemptNanos.size();
        }

        /** @return the time between consecutive attempts: the SDK's back-off plus the previous attempt's round trip */
        List<Long> waitsMillis() {
            List<Long> waits = new ArrayList<>();
            for (int i = 1; i < attemptNanos.size(); i++) {
                waits.add((attemptNanos.get(i) - attemptNanos.get(i - 1)) / 1_000_000);
            }
            return waits;
        }
    }

    /**
     * One HTTP request the front received.
     *
     * @param action {@code forwarded}, {@code throttled} (answered with a throttling error) or {@code split}
     *     (forwarded in part, the rest answered as unprocessed)
     * @param entries the request's keys ({@code BatchGetItem}) or write requests ({@code BatchWriteItem}) of the
     *     table, as received; otherwise {@code null}
     * @param withheld for {@code split}: the entries answered as unprocessed
     */
    record Request(String operation, String invocationId, int attempt, int maxAttempts, String action,
            JsonNode entries, JsonNode withheld) {
    }

    /**
     * The fault injector: an execution interceptor that sends the client's requests through a {@link DynamoDbFront},
     * whose rules throttle or split chosen calls and forward everything else to DynamoDB Local.
     */
    static final class Injector implements ExecutionInterceptor, AutoCloseable {
        private static final ExecutionAttribute<List<Long>> ATTEMPTS = new ExecutionAttribute<>("eddy.test.attempts");

        /** API calls, in the order they ended. */
        final List<Call> calls = new CopyOnWriteArrayList<>();
        /** HTTP requests, in the order the front received them. */
        final List<Request> requests = new CopyOnWriteArrayList<>();

        private final DynamoDbFront front;
        private final Map<String, Rule> rules = new ConcurrentHashMap<>();
        /** Per operation: calls seen so far (guarded by this). */
        private final Map<String, Integer> callsSeen = new HashMap<>();
        /** Per invocation id: the call's number among its operation's calls (guarded by this). */
        private final Map<String, Integer> callNumbers = new HashMap<>();

        /**
         * What to do to one call of an operation.
         *
         * @param call the operation's call number it applies to
         * @param throttledAttempts attempts of that call answered with a throttling error
         * @param splitKeep for a split: the entries forwarded (the rest is answered as unprocessed), else -1
         */
        private record Rule(int call, int throttledAttempts, int splitKeep) {
        }

        Injector(URI dynamoDb) {
            front = new DynamoDbFront(dynamoDb, this::answer);
        }

        /** Answers attempts 1 to {@code attempts} of the operation's {@code call}-th call from now with throttling. */
        synchronized void throttle(String operation, int call, int attempts) {
            rules.put(operation, new Rule(callsSeen.getOrDefault(operation, 0) + call, attempts, -1));
        }

        /**
         * Forwards only the first {@code keep} entries of the operation's first call from now that holds more,
         * and answers the others as unprocessed.
         */
        synchronized void split(String operation, int keep) {
            rules.put(operation, new Rule(-1, 0, keep));
        }

        /** Stops all injection. */
        void reset() {
            rules.clear();
        }

        List<Call> calls(String operation) {
            return calls.stream().filter(c -> c.operation().equals(operation)).toList();
        }

        List<Request> requests(String operation, String action) {
            return requests.stream().filter(r -> r.operation().equals(operation) && r.action().equals(action))
                    .toList();
        }

        // ------------------------------------------------------------ the interceptor

        @Override
        public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
            attributes.putAttribute(ATTEMPTS, new CopyOnWriteArrayList<>());
        }

        /** Once per API call, before the SDK's retry loop: every attempt of the call goes to the front. */
        @Override
        public SdkHttpRequest modifyHttpRequest(Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
            return front.redirect(context.httpRequest());
        }

        /** Once per attempt, after signing. */
        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            attributes.getAttribute(ATTEMPTS).add(System.nanoTime());
        }

        @Override
        public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
            calls.add(new Call(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                    List.copyOf(attributes.getAttribute(ATTEMPTS)), null));
        }

        @Override
        public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
            List<Long> attempts = attributes.getAttribute(ATTEMPTS);
            calls.add(new Call(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
                    attempts == null ? List.of() : List.copyOf(attempts), context.exception()));
        }

        // ------------------------------------------------------------ the front's rules

        /** Decides per HTTP request, by the call's number and the attempt, and records the request. */
        private DynamoDbFront.Answer answer(DynamoDbFront.Request request) {
            String operation = request.operation();
            int call = callNumber(operation, request.invocationId());
            JsonNode entries = request.entries();
            Rule rule = rules.get(operation);
            if (rule != null && rule.call() == call && request.attempt() <= rule.throttledAttempts()) {
                record(request, "throttled", entries, null);
                return DynamoDbFront.Answer.THROTTLE;
            }
            if (rule != null && rule.splitKeep() >= 0 && entries != null && entries.size() > rule.splitKeep()
                    && rules.remove(operation, rule)) {
                ArrayNode withheld = JSON.createArrayNode();
                for (int i = rule.splitKeep(); i < entries.size(); i++) {
                    withheld.add(entries.get(i));
                }
                record(request, "split", entries, withheld);
                return DynamoDbFront.Answer.split(rule.splitKeep());
            }
            record(request, "forwarded", entries, null);
            return DynamoDbFront.Answer.FORWARD;
        }

        private void record(DynamoDbFront.Request request, String action, JsonNode entries, JsonNode withheld) {
            requests.add(new Request(request.operation(), request.invocationId(), request.attempt(),
                    request.maxAttempts(), action, entries, withheld));
        }

        private synchronized int callNumber(String operation, String invocation) {
            return callNumbers.computeIfAbsent(invocation, id -> callsSeen.merge(operation, 1, Integer::sum));
        }

        @Override
        public void close() {
            front.close();
        }
    }
}

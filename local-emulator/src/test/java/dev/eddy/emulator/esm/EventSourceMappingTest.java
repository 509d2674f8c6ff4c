package dev.eddy.emulator.esm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.eddy.aggregate.Aggregator;
import dev.eddy.codec.Json;
import dev.eddy.state.dynamodb.local.DynamoDbLocal;
import dev.eddy.emulator.embedded.Kinesalite;
import dev.eddy.emulator.embedded.KinesisEmulator;
import dev.eddy.emulator.esm.Invocation.Outcome;
import dev.eddy.pipeline.KinesisSource.StartingPosition;
import dev.eddy.emulator.sinks.EntryFaults;
import dev.eddy.handler.EddyHandler;
import dev.eddy.config.EddySettings;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.RecordErrorPolicy;
import dev.eddy.pipeline.Windowed;
import dev.eddy.sink.Firehose;
import dev.eddy.state.dynamodb.table.StateTable;
import dev.eddy.window.TumblingWindows;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * The local event source mapping's behaviours, each driven through kinesalite with a handler built for the case
 * (a record that fails once, that sleeps past the timeout, …), asserting the invocations and checkpoints Lambda's
 * documentation describes for Kinesis event source mappings (AWS Lambda Developer Guide: "Using Lambda with Kinesis
 * Data Streams", "Configuring partial batch response", and the CreateEventSourceMapping API). Runs against both
 * Kinesis emulators: {@link OnKinesaliteTest} and {@link OnKinesisMockTest}.
 */
@org.junit.jupiter.api.TestInstance(org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS)
abstract class EventSourceMappingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private KinesisEmulator emulator;
    private DynamoDbLocal dynamoDbLocal;
    private KinesisClient kinesis;
    private DynamoDbClient dynamo;
    private int runs;

    /** What the probe pipeline does to record n: how many more times it fails, sleeps (ms). */
    private static final Map<Integer, AtomicInteger> FAILURES = new ConcurrentHashMap<>();
    private static final Map<Integer, Long> SLEEPS = new ConcurrentHashMap<>();
    private static final AtomicLong SLEEPS_LEFT = new AtomicLong();

    @TempDir
    Path dir;
    private String stream;
    private final Map<String, String> saved = new java.util.HashMap<>();

    /** One record of the probe pipeline: a number and a key. */
    public record Probe(int n, String key) {
    }

    /** @return the Kinesis emulator to run against: {@code kinesalite} or {@code kinesis-mock} */
    abstract String emulator();

    @BeforeAll
    void start() {
        Kinesalite.disableCbor();
        System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "eddytest"));
        System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "eddytest"));
        System.setProperty("aws.region", System.getProperty("aws.region", "us-east-1"));
        emulator = KinesisEmulator.start(emulator());
        dynamoDbLocal = DynamoDbLocal.server();
        kinesis = KinesisClient.builder().endpointOverride(emulator.endpoint()).region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create()).build();
        dynamo = DynamoDbClient.builder().endpointOverride(dynamoDbLocal.endpoint()).region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterAll
    void stop() {
        kinesis.close();
        dynamo.close();
        emulator.close();
        dynamoDbLocal.close();
    }

    @BeforeEach
    void fresh() throws InterruptedException {
        runs++;
        stream = "probe-" + runs;
        kinesis.createStream(b -> b.streamName(stream).shardCount(1));
        awaitActive(stream);
        StateTable.create(dynamo, "probe-state-" + runs);
        set(EddySettings.STATE_TABLE, "probe-state-" + runs);
        set(EddySettings.SINKS, "file:" + dir);
        set("AWS_ENDPOINT_URL_DYNAMODB", dynamoDbLocal.endpoint().toString());
        set("AWS_ENDPOINT_URL_KINESIS", emulator.endpoint().toString());
        // the handler stops on its own 1 s before the deadline; these tests want Lambda's timeout itself
        set(EddySettings.DEADLINE_RESERVE_MS, "0");
        FAILURES.clear();
        SLEEPS.clear();
    }

    private void awaitActive(String name) throws InterruptedException {
        KinesisStreams.awaitStatus(kinesis, name, Duration.ofSeconds(10),
                software.amazon.awssdk.services.kinesis.model.StreamStatus.ACTIVE);
    }

    @AfterEach
    void restore() {
        saved.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
        saved.clear();
    }

    private void set(String property, String value) {
        saved.putIfAbsent(property, System.getProperty(property));
        System.setProperty(property, value);
    }

    /** Counts records per key in hour windows of arrival time; a record fails or sleeps as the test set it up. */
    private Pipeline probe() {
        Aggregator<Probe, Long, Long> count = Aggregator.of(Long.class, () -> 0L, (c, p) -> c + 1, Long::sum,
                c -> c);
        return Pipeline.named("probe").onRecordError(RecordErrorPolicy.RETRY)
                .from(KinesisSource.stream(stream).decode(Json.of(Probe.class)))
                .map(EventSourceMappingTest::act)
                .keyBy(Probe::key)
                .window(TumblingWindows.of(Duration.ofHours(1)))
                .aggregate(count)
                .map((Windowed<Long> w) -> Map.of("key", w.key(), "count", w.value()))
                .to(Firehose.deliveryStream("probe-counts"))
                .build();
    }

    private static Probe act(Probe probe) {
        if (!Thread.currentThread().getName().startsWith("lambda-")) {
            // the emulator's key-ownership check runs the steps too; only the function's invocations act
            return probe;
        }
        Long sleep = SLEEPS.get(probe.n());
        if (sleep != null && SLEEPS_LEFT.getAndDecrement() > 0) {
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted: the invocation timed out", e);
            }
        }
        AtomicInteger failures = FAILURES.get(probe.n());
        if (failures != null && failures.getAndDecrement() > 0) {
            throw new IllegalStateException("record " + probe.n() + " fails (test)");
        }
        return probe;
    }

    private EventSourceMapping mapping(MappingSettings settings, java.util.function.BooleanSupplier complete) {
        Pipeline pipeline = probe();
        return new EventSourceMapping(kinesis, stream, () -> new EddyHandler(() -> pipeline) { }, settings, complete,
                new OnFailureDestination(dir, "probe"));
    }

    /** Puts records n = from..to-1 with key "k", one call each, and returns their sequence numbers. */
    private List<String> put(int from, int to) {
        List<String> sequences = new ArrayList<>();
        for (int n = from; n < to; n++) {
            byte[] data = ("{\"n\":" + n + ",\"key\":\"k\"}").getBytes(StandardCharsets.UTF_8);
            sequences.add(kinesis.putRecord(b -> b.streamName(stream).partitionKey("k")
                    .data(SdkBytes.fromByteArray(data))).sequenceNumber());
        }
        return sequences;
    }

    private long counted() throws Exception {
        long total = 0;
        Path file = dir.resolve("firehose/probe-counts.jsonl");
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                total += JSON.readTree(line).get("count").asLong();
            }
        }
        return total;
    }

    private List<JsonNode> onFailureRecords() throws Exception {
        List<JsonNode> records = new ArrayList<>();
        Path file = dir.resolve("esm-failures/probe.jsonl");
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                records.add(JSON.readTree(line));
            }
        }
        return records;
    }

    private static MappingSettings settings(int batchSize) {
        return MappingSettings.defaults(batchSize);
    }

    private static MappingSettings with(MappingSettings s, long timeoutMs, long windowMs, StartingPosition position,
            Instant timestamp, boolean bisect, long maxAgeMs, int maxRetries) {
        return new MappingSettings(s.batchSize(), maxRetries, timeoutMs, s.memoryMb(), 50, windowMs, position,
                timestamp, bisect, maxAgeMs, 1, 0);
    }

    @Test
    void aBatchItemFailureResumesFromTheLowestFailedRecordAndRetriesNothingBeforeIt() throws Exception {
        List<String> sequences = put(0, 6);
        FAILURES.put(3, new AtomicInteger(1));
        try (EventSourceMapping mapping = mapping(settings(10), () -> true)) {
            mapping.start();
            mapping.awaitDrained();
            assertThat(mapping.invocationLog()).extracting(Invocation::firstSequenceNumber, Invocation::records,
                    Invocation::outcome, Invocation::retryFrom).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(sequences.get(0), 6, Outcome.PARTIAL_FAILURE, sequences.get(3)),
                    org.assertj.core.groups.Tuple.tuple(sequences.get(3), 3, Outcome.SUCCESS, null));
        }
        assertThat(counted()).isEqualTo(6);
    }

    @Test
    void aRecordThatKeepsFailingGoesToTheOnFailureDestinationAfterTheRetriesAndTheShardGoesOn() throws Exception {
        List<String> sequences = put(0, 5);
        FAILURES.put(2, new AtomicInteger(Integer.MAX_VALUE));
        MappingSettings s = with(settings(10), 60_000, 0, StartingPosition.TRIM_HORIZON, null, false, -1, 2);
        try (EventSourceMapping mapping = mapping(s, () -> true)) {
            mapping.start();
            mapping.awaitDrained();
            assertThat(mapping.invocationLog()).extracting(Invocation::outcome).containsExactly(
                    Outcome.PARTIAL_FAILURE, Outcome.PARTIAL_FAILURE, Outcome.PARTIAL_FAILURE);
            assertThat(mapping.discardedBatches()).isOne();
        }
        assertThat(onFailureRecords()).singleElement().satisfies(f -> {
            assertThat(f.get("requestContext").get("condition").asText()).isEqualTo("RetryAttemptsExhausted");
            assertThat(f.get("requestContext").get("approximateInvokeCount").asInt()).isEqualTo(3);
            assertThat(f.get("KinesisBatchInfo").get("startSequenceNumber").asText()).isEqualTo(sequences.get(2));
            assertThat(f.get("KinesisBatchInfo").get("endSequenceNumber").asText()).isEqualTo(sequences.get(4));
        });
        // records 0 and 1 are committed; the rest of the batch, 2..4, is given up with it
        assertThat(counted()).isEqualTo(2);
    }

    @Test
    void anInvocationPastItsTimeoutFailsAndRunsAgainInANewExecutionEnvironment() throws Exception {
        put(0, 4);
        SLEEPS.put(1, 3_000L);
        SLEEPS_LEFT.set(1);
        MappingSettings s = with(settings(10), 1_000, 0, StartingPosition.TRIM_HORIZON, null, false, -1, 10);
        try (EventSourceMapping mapping = mapping(s, () -> true)) {
            mapping.start();
            mapping.awaitDrained();
            assertThat(mapping.invocationLog()).extracting(Invocation::outcome)
                    .containsExactly(Outcome.TIMEOUT, Outcome.SUCCESS);
            assertThat(mapping.coldStarts()).isEqualTo(2);
        }
        assertThat(counted()).isEqualTo(4);
    }

    @Test
    void bisectOnFunctionErrorHalvesTheBatchUntilTheFailingRecordIsAlone() throws Exception {
        List<String> sequences = put(0, 8);
        SLEEPS.put(5, 2_000L);
        SLEEPS_LEFT.set(Long.MAX_VALUE);
        MappingSettings s = with(settings(8), 1_000, 0, StartingPosition.TRIM_HORIZON, null, true, -1, 1);
        try (EventSourceMapping mapping = mapping(s, () -> true)) {
            mapping.start();
            mapping.awaitDrained();
            List<Invocation> log = mapping.invocationLog();
            assertThat(log).extracting(Invocation::records, Invocation::outcome).containsExactly(
                    org.assertj.core.groups.Tuple.tuple(8, Outcome.TIMEOUT),
                    org.assertj.core.groups.Tuple.tuple(4, Outcome.SUCCESS),
                    org.assertj.core.groups.Tuple.tuple(4, Outcome.TIMEOUT),
                    org.assertj.core.groups.Tuple.tuple(2, Outcome.TIMEOUT),
                    org.assertj.core.groups.Tuple.tuple(1, Outcome.SUCCESS),
                    // alone, record 5 uses its retries (1): splitting did not count
                    org.assertj.core.groups.Tuple.tuple(1, Outcome.TIMEOUT),
                    org.assertj.core.groups.Tuple.tuple(1, Outcome.TIMEOUT),
                    org.assertj.core.groups.Tuple.tuple(2, Outcome.SUCCESS));
            assertThat(log.get(5).firstSequenceNumber()).isEqualTo(sequences.get(5));
            assertThat(log.get(7).firstSequenceNumber()).isEqualTo(sequences.get(6));
        }
        assertThat(onFailureRecords()).singleElement().satisfies(f -> assertThat(
                f.get("KinesisBatchInfo").get("startSequenceNumber").asText()).isEqualTo(sequences.get(5)));
        assertThat(counted()).isEqualTo(7);
    }

    @Test
    void startingPositionLatestReadsOnlyRecordsPutAfterTheMappingStarts() throws Exception {
        put(0, 3);
        AtomicInteger phase = new AtomicInteger();
        MappingSettings s = with(settings(10), 60_000, 0, StartingPosition.LATEST, null, false, -1, 10);
        try (EventSourceMapping mapping = mapping(s, () -> phase.get() == 1)) {
            mapping.start();
            Thread.sleep(500);
            put(3, 7);
            phase.set(1);
            mapping.awaitDrained();
            assertThat(mapping.recordsDelivered()).isEqualTo(4);
        }
        assertThat(counted()).isEqualTo(4);
    }

    @Test
    void startingPositionAtTimestampReadsRecordsArrivedFromThatTime() throws Exception {
        put(0, 3);
        Thread.sleep(1_100);
        Instant from = Instant.now();
        Thread.sleep(100);
        put(3, 5);
        MappingSettings s = with(settings(10), 60_000, 0, StartingPosition.AT_TIMESTAMP, from, false, -1, 10);
        try (EventSourceMapping mapping = mapping(s, () -> true)) {
            mapping.start();
            mapping.awaitDrained();
            assertThat(mapping.recordsDelivered()).isEqualTo(2);
        }
        assertThat(counted()).isEqualTo(2);
    }

    @Test
    void aBatchingWindowGathersRecordsArrivingWithinItIntoOneInvocation() throws Exception {
        AtomicInteger phase = new AtomicInteger();
        MappingSettings s = with(settings(100), 60_000, 2_000, StartingPosition.TRIM_HORIZON, null, false, -1, 10);
        try (EventSourceMapping mapping = mapping(s, () -> phase.get() == 1)) {
            mapping.start();
            for (int n = 0; n < 4; n++) {
                put(n, n + 1);
                Thread.sleep(250);
            }
            Thread.sleep(2_500);
            phase.set(1);
            mapping.awaitDrained();
            assertThat(mapping.invocationLog()).extracting(Invocation::records, Invocation::outcome)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(4, Outcome.SUCCESS));
        }
    }

    @Test
    void recordsOlderThanTheMaximumRecordAgeGoToTheOnFailureDestinationUnprocessed() throws Exception {
        List<String> sequences = put(0, 3);
        MappingSettings s = with(settings(10), 60_000, 0, StartingPosition.TRIM_HORIZON, null, false, 60_000, 10);
        try (EventSourceMapping mapping = mapping(s, () -> true)
                .withClock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)))) {
            mapping.start();
            mapping.awaitDrained();
            assertThat(mapping.invocationLog()).isEmpty();
        }
        assertThat(onFailureRecords()).singleElement().satisfies(f -> {
            assertThat(f.get("requestContext").get("condition").asText()).isEqualTo("RecordAgeExceeded");
            assertThat(f.get("KinesisBatchInfo").get("batchSize").asInt()).isEqualTo(3);
            assertThat(f.get("KinesisBatchInfo").get("startSequenceNumber").asText()).isEqualTo(sequences.get(0));
        });
        assertThat(counted()).isZero();
    }

    @Test
    void executionEnvironmentsReplacedAfterEveryInvocationLoseNothingSinceStateIsNotInMemory() throws Exception {
        put(0, 12);
        MappingSettings d = settings(3);
        MappingSettings s = new MappingSettings(3, 10, 60_000, 1024, 50, 0, StartingPosition.TRIM_HORIZON, null,
                false, -1, 1, 1);
        try (EventSourceMapping mapping = mapping(s, () -> true)) {
            mapping.start();
            mapping.awaitDrained();
            assertThat(mapping.invocations()).isEqualTo(4);
            // the first environment, and a new one after each of the 4 invocations
            assertThat(mapping.coldStarts()).isEqualTo(5);
        }
        assertThat(counted()).isEqualTo(12);
        assertThat(d.coldStartEvery()).isZero();
    }

    @Test
    void theLastRecordsPutWhileAShardIsReadEmptyAreStillRead() throws Exception {
        // the producer completes between the poller's empty read and its look at whether the input is complete:
        // here, at the first look, which puts the records and says complete
        AtomicInteger looks = new AtomicInteger();
        java.util.function.BooleanSupplier complete = () -> {
            if (looks.getAndIncrement() == 0) {
                put(0, 5);
            }
            return true;
        };
        try (EventSourceMapping mapping = mapping(settings(10), complete)) {
            mapping.start();
            mapping.awaitDrained();
            assertThat(mapping.recordsDelivered()).isEqualTo(5);
        }
        assertThat(counted()).isEqualTo(5);
    }

    @Test
    void anExpiredShardIteratorIsRenewedAndNoRecordIsLostOrRepeated() throws Exception {
        put(0, 3);
        EntryFaults.reset();
        EntryFaults.expireIterators(1);
        try (EventSourceMapping mapping = mapping(settings(10), () -> true)) {
            mapping.start();
            mapping.awaitDrained();
            assertThat(mapping.invocationLog()).extracting(Invocation::records, Invocation::outcome)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(3, Outcome.SUCCESS));
            assertThat(mapping.iteratorRenewals()).isOne();
        } finally {
            EntryFaults.reset();
        }
        assertThat(counted()).isEqualTo(3);
    }

    /** A function built for the case: answers each invocation with the next response, or throws it. */
    private EventSourceMapping scripted(MappingSettings settings, List<Object> answers, List<Integer> sizes) {
        AtomicInteger call = new AtomicInteger();
        LocalFunction function = new LocalFunction() {
            @Override
            public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
                sizes.add(event.getRecords().size());
                Object answer = call.get() < answers.size() ? answers.get(call.getAndIncrement()) : null;
                if (answer instanceof RuntimeException e) {
                    throw e;
                }
                return (StreamsEventResponse) answer;
            }

            @Override
            public String name() {
                return "scripted";
            }
        };
        return new EventSourceMapping(kinesis, stream, settings, () -> true, new OnFailureDestination(dir, "probe"),
                () -> function);
    }

    private static StreamsEventResponse failing(String identifier) {
        List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
        failures.add(new StreamsEventResponse.BatchItemFailure(identifier));
        return new StreamsEventResponse(failures);
    }

    @Test
    void aNullEmptyOrUnknownItemIdentifierFailsTheWholeBatchAndAnEmptyListIsSuccess() throws Exception {
        List<String> sequences = put(0, 4);
        List<Object> answers = new ArrayList<>();
        answers.add(failing(null));
        answers.add(failing(""));
        answers.add(failing("12345"));
        answers.add(new StreamsEventResponse(new ArrayList<>()));
        List<Integer> sizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (EventSourceMapping mapping = scripted(settings(10), answers, sizes)) {
            mapping.start();
            mapping.awaitDrained();
            assertThat(mapping.invocationLog()).extracting(Invocation::firstSequenceNumber, Invocation::outcome)
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple(sequences.get(0), Outcome.BATCH_FAILURE),
                            org.assertj.core.groups.Tuple.tuple(sequences.get(0), Outcome.BATCH_FAILURE),
                            org.assertj.core.groups.Tuple.tuple(sequences.get(0), Outcome.BATCH_FAILURE),
                            org.assertj.core.groups.Tuple.tuple(sequences.get(0), Outcome.SUCCESS));
            assertThat(sizes).containsExactly(4, 4, 4, 4);
            assertThat(mapping.recordsDelivered()).isEqualTo(4);
        }
    }

    @Test
    void aFunctionErrorRetriesTheWholeBatchWithoutBisect() throws Exception {
        put(0, 5);
        List<Object> answers = List.of(new IllegalStateException("boom (test)"));
        List<Integer> sizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (EventSourceMapping mapping = scripted(settings(10), answers, sizes)) {
            mapping.start();
            mapping.awaitDrained();
            assertThat(mapping.invocationLog()).extracting(Invocation::outcome)
                    .containsExactly(Outcome.FUNCTION_ERROR, Outcome.SUCCESS);
            assertThat(sizes).containsExactly(5, 5);
        }
    }

    @Test
    void anInvocationsPayloadStaysWithinLambdas6MbLimit() throws Exception {
        byte[] big = new byte[1_000_000];
        java.util.Arrays.fill(big, (byte) 'x');
        for (int i = 0; i < 6; i++) {
            kinesis.putRecord(b -> b.streamName(stream).partitionKey("k").data(SdkBytes.fromByteArray(big)));
        }
        List<Integer> sizes = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (EventSourceMapping mapping = scripted(settings(10), List.of(), sizes)) {
            mapping.start();
            mapping.awaitDrained();
        }
        // base64 makes each record 1,333,336 bytes: 4 fit in 6 MB (6,291,456 bytes), 5 do not
        assertThat(sizes).containsExactly(4, 2);
    }

    @Test
    @org.junit.jupiter.api.extension.ExtendWith(dev.eddy.emulator.sinks.Moto.class)
    void onFailureRecordsReachAnSqsQueueInTheShapeLambdaSends(dev.eddy.emulator.embedded.MotoServer moto)
            throws Exception {
        List<String> sequences = put(0, 3);
        List<Object> answers = List.of(failing(null), failing(null));
        MappingSettings s = with(settings(10), 60_000, 0, StartingPosition.TRIM_HORIZON, null, false, -1, 1);
        try (dev.eddy.emulator.sinks.LocalSinks local = dev.eddy.emulator.sinks.Moto.sinks(moto)) {
            local.createQueue("probe-failures");
            List<Integer> sizes = new java.util.concurrent.CopyOnWriteArrayList<>();
            AtomicInteger call = new AtomicInteger();
            LocalFunction function = new LocalFunction() {
                @Override
                public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
                    sizes.add(event.getRecords().size());
                    return (StreamsEventResponse) answers.get(Math.min(call.getAndIncrement(), 1));
                }

                @Override
                public String name() {
                    return "probe";
                }
            };
            try (EventSourceMapping mapping = new EventSourceMapping(kinesis, stream, s, () -> true,
                    new OnFailureDestination(dir, "probe", body -> local.send("probe-failures", body)),
                    () -> function)) {
                mapping.start();
                mapping.awaitDrained();
            }
            var messages = local.drain("probe-failures");
            assertThat(messages).hasSize(1);
            JsonNode record = JSON.readTree(messages.get(0).body());
            // AWS Lambda Developer Guide, "Retaining discarded batch records for a Kinesis Data Streams event
            // source": the record's fields
            assertThat(fieldNames(record)).containsExactlyInAnyOrder("requestContext", "responseContext", "version",
                    "timestamp", "KinesisBatchInfo");
            assertThat(fieldNames(record.get("requestContext"))).containsExactlyInAnyOrder("requestId",
                    "functionArn", "condition", "approximateInvokeCount");
            assertThat(fieldNames(record.get("responseContext"))).containsExactlyInAnyOrder("statusCode",
                    "executedVersion", "functionError");
            assertThat(fieldNames(record.get("KinesisBatchInfo"))).containsExactlyInAnyOrder("shardId",
                    "startSequenceNumber", "endSequenceNumber", "approximateArrivalOfFirstRecord",
                    "approximateArrivalOfLastRecord", "batchSize", "streamArn");
            assertThat(record.get("requestContext").get("condition").asText()).isEqualTo("RetryAttemptsExhausted");
            assertThat(record.get("requestContext").get("approximateInvokeCount").asInt()).isEqualTo(2);
            assertThat(record.get("requestContext").get("functionArn").asText())
                    .matches("arn:aws:lambda:us-east-1:\\d{12}:function:probe");
            assertThat(record.get("KinesisBatchInfo").get("startSequenceNumber").asText()).isEqualTo(sequences.get(0));
            assertThat(record.get("KinesisBatchInfo").get("endSequenceNumber").asText()).isEqualTo(sequences.get(2));
            assertThat(record.get("KinesisBatchInfo").get("batchSize").asInt()).isEqualTo(3);
            assertThat(record.get("KinesisBatchInfo").get("streamArn").asText()).endsWith(":stream/" + stream);
            assertThat(Instant.parse(record.get("timestamp").asText())).isBefore(Instant.now().plusSeconds(1));
            assertThat(sizes).containsExactly(3, 3);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void aShardSplitMidRunIsReadParentFirstAndEveryKeyKeepsItsOrder() throws Exception {
        Pipeline pipeline = probe();
        List<String> delivered = new java.util.concurrent.CopyOnWriteArrayList<>();
        Map<String, String> shardOfKey = new ConcurrentHashMap<>();
        AtomicInteger phase = new AtomicInteger();
        try (EventSourceMapping mapping = new EventSourceMapping(kinesis, stream, settings(10), () -> phase.get() == 1,
                new OnFailureDestination(dir, "probe"), () -> {
                    LocalFunction handler = LocalFunction.of(new EddyHandler(() -> pipeline) { });
                    return new LocalFunction() {
                        @Override
                        public StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
                            StreamsEventResponse response = handler.handleRequest(event, context);
                            if (response.getBatchItemFailures().isEmpty()) {
                                for (KinesisEvent.KinesisEventRecord r : event.getRecords()) {
                                    String json = StandardCharsets.UTF_8.decode(r.getKinesis().getData()).toString();
                                    delivered.add(r.getEventID().split(":")[0] + " " + json);
                                }
                            }
                            return response;
                        }

                        @Override
                        public String name() {
                            return handler.name();
                        }

                        @Override
                        public int drain(String shardId) {
                            return handler.drain(shardId);
                        }
                    };
                })) {
            mapping.start();
            putKeyed(0, 40);
            String parent = kinesis.listShards(b -> b.streamName(stream)).shards().get(0).shardId();
            kinesis.splitShard(b -> b.streamName(stream).shardToSplit(parent)
                    .newStartingHashKey(new java.math.BigInteger("2").pow(127).toString()));
            awaitActive(stream);
            putKeyed(40, 80);
            phase.set(1);
            mapping.awaitDrained();
            assertThat(mapping.shards()).isEqualTo(3);
        }
        Map<String, List<Integer>> byKey = new java.util.TreeMap<>();
        for (String line : delivered) {
            JsonNode record = JSON.readTree(line.substring(line.indexOf(' ') + 1));
            byKey.computeIfAbsent(record.get("key").asText(), k -> new ArrayList<>()).add(record.get("n").asInt());
        }
        assertThat(byKey.values().stream().mapToInt(List::size).sum()).isEqualTo(80);
        byKey.forEach((key, ns) -> assertThat(ns).as("key %s in order", key).isSorted().doesNotHaveDuplicates());
        // each key's later records went to one child, after every record the parent had
        assertThat(delivered.stream().map(l -> l.substring(0, l.indexOf(' '))).distinct()).hasSize(3);
        assertThat(counted()).isEqualTo(80);
    }

    /** Puts records n = from..to-1 over 8 keys, each with its key as partition key. */
    private void putKeyed(int from, int to) {
        for (int n = from; n < to; n++) {
            String key = "key-" + (n % 8);
            byte[] data = ("{\"n\":" + n + ",\"key\":\"" + key + "\"}").getBytes(StandardCharsets.UTF_8);
            kinesis.putRecord(b -> b.streamName(stream).partitionKey(key).data(SdkBytes.fromByteArray(data)));
        }
    }

    @Test
    void aParallelizationFactorAboveOneIsRefusedWithTheReason() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new MappingSettings(100, 10, 60_000, 1024, 100, 0,
                StartingPosition.TRIM_HORIZON, null, false, -1, 2, 0))
                .hasMessageContaining("parallelization factor must be 1")
                .hasMessageContaining("one checkpoint and watermark per shard");
    }
}

package dev.eddy.emulator.bench;

import dev.eddy.emulator.console.UsageError;
import dev.eddy.state.dynamodb.local.DynamoDbLocal;
import dev.eddy.emulator.embedded.Kinesalite;
import dev.eddy.emulator.esm.EventSourceMapping;
import dev.eddy.emulator.esm.Invocation;
import dev.eddy.emulator.esm.KinesisStreams;
import dev.eddy.emulator.esm.MappingSettings;
import dev.eddy.emulator.esm.OnFailureDestination;
import dev.eddy.emulator.esm.Producer;
import dev.eddy.emulator.input.InputFile;
import dev.eddy.emulator.console.Pipelines;
import dev.eddy.handler.EddyHandler;
import dev.eddy.config.EddySettings;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.state.dynamodb.table.StateTable;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * {@code ./eddy bench e2e}: the flight-delays function end to end through the local event source mapping, on
 * kinesalite and DynamoDB Local, per shard count.
 *
 * <p>Throughput: every record is put first, then the mapping starts from the trim horizon; records/s is the input
 * over the time until every shard is read to its end and drained. The invocations' own time per 1,000 records
 * (summed over shards) splits the path: the rest is the mapping's reads and event building. Latency: the mapping runs while records are put at
 * a steady rate, half of a Kinesis shard's write limit of 1,000 records/s per shard; a record's put-to-emit latency
 * is the time from its {@code PutRecords} call to the end of the invocation that processed it, when its state is
 * committed and every result it made due is in the sink (the handler flushes sinks before it returns).
 */
@Command(name = "e2e", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a pipeline's function (default: flight-delays) through the local event source mapping (kinesalite,"
            + " DynamoDB Local, file sinks) per shard count: records/s over a backlog of the whole file, and"
            + " put-to-emit latency p50/p99 while records arrive at 500 records/s per shard. A measurement, not a"
            + " test."})
final class EndToEndBench implements Callable<Integer> {

    /** Half of a shard's write limit (1,000 records/s, Kinesis Data Streams quotas). */
    static final int RECORDS_PER_SECOND_PER_SHARD = 500;

    @Mixin
    private BenchOptions options;

    @Option(names = "--shards", paramLabel = "N,N,...", split = ",", defaultValue = "1,2,4",
            description = "shard counts to measure (default: ${DEFAULT-VALUE})")
    private List<Integer> shardCounts;

    @Option(names = "--latency-seconds", paramLabel = "S", defaultValue = "10",
            description = "how long records are put at the steady rate for the latency (default: ${DEFAULT-VALUE})")
    private int latencySeconds;

    @Override
    public Integer call() throws Exception {
        BenchRow.print(measure(), options.json, System.out);
        return 0;
    }

    /**
     * @return per shard count: records/s over the backlog and the function's time per 1,000 records in it,
     *     put-to-emit p50 and p99 in ms at the steady rate
     * @throws Exception if an emulator or the mapping fails
     */
    List<BenchRow> measure() throws Exception {
        Class<? extends EddyHandler> handler = options.handler();
        Pipeline pipeline = Pipelines.instantiate(handler).pipeline();
        Path file = options.input(pipeline.name());
        List<byte[]> records = InputFile.data(InputFile.read(file));
        // partition key = the pipeline's key (for flight-delays the origin), as `put --partition-key-from` and
        // `run` put records
        List<String> keys = new ArrayList<>(records.size());
        for (byte[] record : records) {
            keys.add(pipeline.keyOf(record).orElseThrow(() -> new UsageError(file
                    + " holds a record the " + pipeline.name() + " pipeline cannot key: " + new String(record,
                    java.nio.charset.StandardCharsets.UTF_8))));
        }
        for (int shards : shardCounts) {
            if (shards < 1 || shards > 16) {
                throw new UsageError("shard counts must be 1-16, was " + shards);
            }
        }
        if (latencySeconds < 1 || latencySeconds > 600) {
            throw new UsageError("--latency-seconds must be 1-600, was " + latencySeconds);
        }
        List<BenchRow> rows = new ArrayList<>();
        Kinesalite.disableCbor();
        Path out = Files.createTempDirectory("eddy-bench-e2e");
        try (DynamoDbLocal dynamoDbLocal = DynamoDbLocal.server();
             Kinesalite kinesalite = Kinesalite.start();
             KinesisClient kinesis = KinesisClient.builder().httpClient(UrlConnectionHttpClient.create())
                     .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                             AwsBasicCredentials.create("eddylocal", "eddylocal")))
                     .endpointOverride(kinesalite.endpoint()).build()) {
            URI dynamoEndpoint = dynamoDbLocal.endpoint();
            Emulators emulators = new Emulators(dynamoDbLocal.client(), kinesis, dynamoEndpoint, kinesalite.endpoint(),
                    out, handler, pipeline);
            // JIT compilation of the handler, the SDK and DynamoDB Local, outside every measurement
            progress("warming up on %,d records", Math.min(records.size(), 5_000));
            int warmUp = Math.min(records.size(), 5_000);
            throughput(emulators, "bench-e2e-warm-up", records.subList(0, warmUp), keys.subList(0, warmUp), 1);
            for (int shards : shardCounts) {
                progress("%d shard(s): throughput over a backlog of %,d records", shards, records.size());
                double[] throughput = throughput(emulators, "bench-e2e-throughput-" + shards, records, keys, shards);
                rows.add(new BenchRow("end-to-end", "eddy", String.format(java.util.Locale.ROOT,
                        "records/s, %d shard(s), backlog of %,d", shards, records.size()), throughput[0],
                        "records/s"));
                rows.add(new BenchRow("end-to-end", "eddy", String.format(java.util.Locale.ROOT,
                        "of which in the function, per 1,000 records, %d shard(s)", shards), throughput[1], "ms"));
                int count = Math.min(records.size(), RECORDS_PER_SECOND_PER_SHARD * shards * latencySeconds);
                progress("%d shard(s): latency at %,d records/s for %d s", shards,
                        RECORDS_PER_SECOND_PER_SHARD * shards, count / (RECORDS_PER_SECOND_PER_SHARD * shards));
                double[] latency = latency(emulators, records.subList(0, count), keys.subList(0, count), shards);
                String at = String.format(java.util.Locale.ROOT, "%d shard(s) at %,d records/s", shards,
                        RECORDS_PER_SECOND_PER_SHARD * shards);
                rows.add(new BenchRow("end-to-end", "eddy", "put-to-emit p50, " + at, latency[0], "ms"));
                rows.add(new BenchRow("end-to-end", "eddy", "put-to-emit p99, " + at, latency[1], "ms"));
            }
        }
        return rows;
    }

    /** The emulators and clients one bench run shares; each measurement has its own stream and table. */
    private record Emulators(DynamoDbClient dynamo, KinesisClient kinesis, URI dynamoEndpoint, URI kinesisEndpoint,
            Path out, Class<? extends EddyHandler> handler, Pipeline pipeline) {
    }

    /**
     * @return records/s over the backlog, and the invocations' time (the function's share of the path: state,
     *     CPU, sinks) per 1,000 records, ms, summed over shards
     */
    private static double[] throughput(Emulators emulators, String name, List<byte[]> records, List<String> keys,
            int shards) throws Exception {
        {
            EddySettings settings = prepare(emulators, name, shards);
            new Producer(emulators.kinesis(), name).putAll(records, keys::get);
            long started = System.nanoTime();
            long inFunction = 0;
            try (EventSourceMapping mapping = mapping(emulators, name, settings, () -> true)) {
                mapping.start();
                mapping.awaitDrained();
                if (mapping.recordsDelivered() != records.size()) {
                    throw new IllegalStateException("the mapping delivered " + mapping.recordsDelivered() + " of "
                            + records.size() + " records");
                }
                for (Invocation invocation : mapping.invocationLog()) {
                    inFunction += invocation.durationMs();
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            return new double[] {records.size() / seconds, inFunction * 1000.0 / records.size()};
        }
    }

    /** @return p50 and p99 of put-to-emit, ms */
    private static double[] latency(Emulators emulators, List<byte[]> records, List<String> keys, int shards)
            throws Exception {
        String name = "bench-e2e-latency-" + shards;
        Map<String, NavigableMap<BigInteger, Long>> putAt = new HashMap<>();
        List<Invocation> log;
        {
            EddySettings settings = prepare(emulators, name, shards);
            AtomicBoolean complete = new AtomicBoolean();
            try (EventSourceMapping mapping = mapping(emulators, name, settings, complete::get)) {
                mapping.start();
                int perTick = Math.max(1, RECORDS_PER_SECOND_PER_SHARD * shards / 10); // every 100 ms
                long next = System.nanoTime();
                for (int from = 0; from < records.size(); from += perTick) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    next += 100_000_000L;
                    int to = Math.min(records.size(), from + perTick);
                    put(emulators.kinesis(), name, records.subList(from, to), keys.subList(from, to), putAt);
                }
                complete.set(true);
                mapping.awaitDrained();
                log = mapping.invocationLog();
            }
        }
        List<Long> latencies = new ArrayList<>();
        for (Invocation invocation : log) {
            if (invocation.outcome() != Invocation.Outcome.SUCCESS
                    && invocation.outcome() != Invocation.Outcome.PARTIAL_FAILURE) {
                continue;
            }
            BigInteger first = new BigInteger(invocation.firstSequenceNumber());
            BigInteger end = invocation.retryFrom() != null ? new BigInteger(invocation.retryFrom())
                    : new BigInteger(invocation.lastSequenceNumber()).add(BigInteger.ONE);
            putAt.getOrDefault(invocation.shardId(), new TreeMap<>()).subMap(first, true, end, false).values()
                    .forEach(at -> latencies.add(invocation.endedAtMs() - at));
        }
        if (latencies.size() != records.size()) {
            throw new IllegalStateException("latency of " + latencies.size() + " of " + records.size()
                    + " records measured: some were processed more than once or not at all");
        }
        latencies.sort(null);
        return new double[] {percentile(latencies, 0.50), percentile(latencies, 0.99)};
    }

    /** Nearest-rank percentile. */
    static double percentile(List<Long> sorted, double p) {
        return sorted.get(Math.max(0, (int) Math.ceil(p * sorted.size()) - 1));
    }

    /** One {@code PutRecords} call; each record's sequence number and the time of the call. */
    private static void put(KinesisClient kinesis, String stream, List<byte[]> records, List<String> keys,
            Map<String, NavigableMap<BigInteger, Long>> putAt) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            entries.add(PutRecordsRequestEntry.builder().data(SdkBytes.fromByteArray(records.get(i)))
                    .partitionKey(keys.get(i)).build());
        }
        long at = System.currentTimeMillis();
        PutRecordsResponse response = kinesis.putRecords(b -> b.streamName(stream).records(entries));
        if (response.failedRecordCount() != null && response.failedRecordCount() > 0) {
            throw new IllegalStateException(response.failedRecordCount() + " records failed to be put into "
                    + stream + "; the measurement needs every record once");
        }
        for (PutRecordsResultEntry result : response.records()) {
            putAt.computeIfAbsent(result.shardId(), s -> new TreeMap<>())
                    .put(new BigInteger(result.sequenceNumber()), at);
        }
    }

    /** A stream and a state table of their own, and the settings the function reads. */
    private static EddySettings prepare(Emulators emulators, String name, int shards) throws Exception {
        StateTable.create(emulators.dynamo(), name);
        emulators.kinesis().createStream(b -> b.streamName(name).shardCount(shards));
        KinesisStreams.awaitStatus(emulators.kinesis(), name, Duration.ofMinutes(2), StreamStatus.ACTIVE);
        return EddySettings.fromEnvironment().with(java.util.Map.of(
                EddySettings.STATE_TABLE, name,
                EddySettings.SINKS, "file:" + emulators.out().resolve(name),
                "AWS_ENDPOINT_URL_DYNAMODB", emulators.dynamoEndpoint().toString(),
                "AWS_ENDPOINT_URL_KINESIS", emulators.kinesisEndpoint().toString(),
                "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "eddylocal",
                "AWS_SECRET_ACCESS_KEY", "eddylocal"));
    }

    private static EventSourceMapping mapping(Emulators emulators, String stream, EddySettings settings,
            java.util.function.BooleanSupplier complete) {
        return new EventSourceMapping(emulators.kinesis(), stream,
                () -> Pipelines.instantiate(emulators.handler()).withSettings(settings),
                MappingSettings.of(emulators.pipeline().source()), complete,
                new OnFailureDestination(emulators.out().resolve(stream), emulators.pipeline().name()));
    }

    private static void progress(String format, Object... args) {
        System.err.println("[bench] " + String.format(java.util.Locale.ROOT, format, args));
    }
}

package dev.eddy.emulator.junit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.state.dynamodb.local.DynamoDbLocal;
import dev.eddy.emulator.embedded.Kinesalite;
import dev.eddy.emulator.embedded.KinesisEmulator;
import dev.eddy.emulator.esm.EventSourceMapping;
import dev.eddy.emulator.esm.Invocation;
import dev.eddy.emulator.esm.KinesisStreams;
import dev.eddy.emulator.esm.MappingSettings;
import dev.eddy.emulator.esm.OnFailureDestination;
import dev.eddy.emulator.esm.Producer;
import dev.eddy.handler.EddyHandler;
import dev.eddy.config.EddySettings;
import dev.eddy.metrics.Figures;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.state.dynamodb.table.StateTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Real emulators for integration tests of a user's own functions: DynamoDB Local (in process) and a Kinesis
 * emulator (kinesalite by default, or kinesis-mock) on free loopback ports, and {@link #run} to replay values through
 * a handler exactly as {@code ./eddy run} does — a fresh stream and state table, the values put with the pipeline's
 * key as partition key, the event source mapping with the pipeline's settings, end of input drained. Get one from
 * {@link LocalAwsExtension}.
 */
public final class LocalAws implements AutoCloseable {

    /** The region of the emulators' resources and of the handlers' clients. */
    private static final String REGION = "us-east-1";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final KinesisEmulator kinesisEmulator;
    private final DynamoDbLocal dynamoDbLocal;
    private final KinesisClient kinesis;
    private final DynamoDbClient dynamoDb;

    private LocalAws(KinesisEmulator kinesisEmulator, DynamoDbLocal dynamoDbLocal) {
        this.kinesisEmulator = kinesisEmulator;
        this.dynamoDbLocal = dynamoDbLocal;
        var dummy = software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create("eddylocal", "eddylocal"));
        this.kinesis = KinesisClient.builder().httpClient(UrlConnectionHttpClient.create()).credentialsProvider(dummy)
                .endpointOverride(kinesisEmulator.endpoint()).region(Region.of(REGION)).build();
        this.dynamoDb = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create()).credentialsProvider(dummy)
                .endpointOverride(dynamoDbLocal.endpoint()).region(Region.of(REGION)).build();
    }

    /**
     * Starts the emulators. Sets the one JVM-wide setting they need, {@code aws.cborEnabled=false} (kinesalite speaks
     * JSON only, and the AWS SDK reads this setting for the whole JVM); everything else is given to clients and
     * handlers as values.
     *
     * @param kinesisEmulator {@code kinesalite} or {@code kinesis-mock}
     * @return the running emulators
     * @throws IllegalStateException if an emulator does not start (its message says what to install)
     */
    public static LocalAws start(String kinesisEmulator) {
        Kinesalite.disableCbor();
        KinesisEmulator kinesis = KinesisEmulator.start(kinesisEmulator);
        try {
            return new LocalAws(kinesis, DynamoDbLocal.server());
        } catch (RuntimeException e) {
            kinesis.close();
            throw e;
        }
    }

    /** @return the Kinesis emulator's endpoint */
    public URI kinesisEndpoint() {
        return kinesisEmulator.endpoint();
    }

    /** @return DynamoDB Local's endpoint */
    public URI dynamoDbEndpoint() {
        return dynamoDbLocal.endpoint();
    }

    /** @return a Kinesis client for the emulator */
    public KinesisClient kinesis() {
        return kinesis;
    }

    /** @return a DynamoDB client for DynamoDB Local */
    public DynamoDbClient dynamoDb() {
        return dynamoDb;
    }

    /**
     * Replays values through a handler as Lambda would run it on a fresh stream (the pipeline's shard count) and
     * state table, with file sinks under a new temporary folder, and the pipeline's event source mapping settings.
     *
     * @param handlers makes the handler: one instance per shard, as Lambda runs one execution environment per shard
     * @param values the records, in order: {@code byte[]} as is, {@code String} as UTF-8, anything else as JSON
     * @return what came out
     * @throws IllegalStateException if a shard could not be processed to its end
     */
    public Run run(Supplier<? extends EddyHandler> handlers, List<?> values) {
        return run(handlers, values, null);
    }

    /**
     * As {@link #run(Supplier, List)}, with other event source mapping settings.
     *
     * @param handlers makes the handler
     * @param values the records
     * @param settings the mapping's settings, or {@code null} for the pipeline's
     * @return what came out
     */
    public Run run(Supplier<? extends EddyHandler> handlers, List<?> values, MappingSettings settings) {
        Pipeline pipeline = handlers.get().pipeline();
        int n = RUNS.incrementAndGet();
        String stream = pipeline.source().streamName() + "-" + n;
        String table = EddySettings.defaultStateTable(pipeline.name()) + "-" + n;
        try {
            Path out = Files.createTempDirectory("eddy-run-");
            EddySettings functions = EddySettings.fromEnvironment().with(Map.of(
                    EddySettings.STATE_TABLE, table,
                    EddySettings.SINKS, "file:" + out,
                    "AWS_ENDPOINT_URL_DYNAMODB", dynamoDbEndpoint().toString(),
                    "AWS_ENDPOINT_URL_KINESIS", kinesisEndpoint().toString(),
                    "AWS_REGION", REGION,
                    "AWS_ACCESS_KEY_ID", "eddylocal",
                    "AWS_SECRET_ACCESS_KEY", "eddylocal"));
            StateTable.create(dynamoDb, table);
            kinesis.createStream(b -> b.streamName(stream).shardCount(pipeline.source().shards()));
            KinesisStreams.awaitStatus(kinesis, stream, java.time.Duration.ofMinutes(1),
                    software.amazon.awssdk.services.kinesis.model.StreamStatus.ACTIVE);
            List<byte[]> records = new ArrayList<>(values.size());
            for (Object value : values) {
                records.add(bytes(value));
            }
            new Producer(kinesis, stream).putAll(records, i -> pipeline.keyOf(records.get(i))
                    .orElse("unkeyed-" + i));
            try (EventSourceMapping mapping = new EventSourceMapping(kinesis, stream,
                    () -> handlers.get().withSettings(functions),
                    settings != null ? settings : MappingSettings.of(pipeline.source()), () -> true,
                    new OnFailureDestination(out, pipeline.name()))) {
                mapping.start();
                mapping.awaitDrained();
                return new Run(pipeline, out, mapping.invocationLog(), mapping.metrics());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static byte[] bytes(Object value) {
        try {
            return value instanceof byte[] b ? b
                    : value instanceof String s ? s.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                    : JSON.findAndRegisterModules().writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        kinesis.close();
        dynamoDb.close();
        kinesisEmulator.close();
        dynamoDbLocal.close();
    }

    /** What one {@link #run} produced. */
    public static final class Run {
        private final Pipeline pipeline;
        private final Path out;
        private final List<Invocation> invocations;
        private final Figures metrics;

        Run(Pipeline pipeline, Path out, List<Invocation> invocations, Figures metrics) {
            this.pipeline = pipeline;
            this.out = out;
            this.invocations = invocations;
            this.metrics = metrics;
        }

        /**
         * @param sink a sink's name (delivery stream, topic, stream or queue)
         * @return its records, one JSON object each, per shard in order (shards interleave)
         * @throws IllegalArgumentException if the pipeline names no such sink
         */
        public List<JsonNode> output(String sink) {
            var ref = pipeline.sinks().stream().filter(s -> s.name().equals(sink)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("pipeline " + pipeline.name()
                            + " names no sink '" + sink + "'; it names " + pipeline.sinks()));
            return lines(out.resolve(ref.kind()).resolve(sink + ".jsonl"));
        }

        /** @return the failure destination's records (poison records, refused results) */
        public List<JsonNode> failures() {
            return lines(out.resolve("failed").resolve(pipeline.name() + ".jsonl"));
        }

        /** @return the late-data records */
        public List<JsonNode> lateData() {
            return lines(out.resolve("late").resolve(pipeline.name() + ".jsonl"));
        }

        /** @return every invocation of the run, as the event source mapping made them */
        public List<Invocation> invocations() {
            return invocations;
        }

        /** @return the handlers' figures */
        public Figures metrics() {
            return metrics;
        }

        private static List<JsonNode> lines(Path file) {
            List<JsonNode> nodes = new ArrayList<>();
            try {
                if (Files.exists(file)) {
                    for (String line : Files.readAllLines(file)) {
                        nodes.add(JSON.readTree(line));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return nodes;
        }
    }
}

package dev.eddy.emulator.bench;

import dev.eddy.config.EddySettings;
import dev.eddy.emulator.console.Pipelines;
import dev.eddy.emulator.embedded.Kinesalite;
import dev.eddy.emulator.esm.EventSourceMapping;
import dev.eddy.emulator.esm.KinesisStreams;
import dev.eddy.emulator.esm.MappingSettings;
import dev.eddy.emulator.esm.OnFailureDestination;
import dev.eddy.emulator.esm.Producer;
import dev.eddy.handler.EddyHandler;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.state.dynamodb.local.DynamoDbLocal;
import dev.eddy.state.dynamodb.table.StateTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * What the measurements through the local event source mapping ({@code bench e2e}, {@code bench soak}) share: DynamoDB
 * Local in process and kinesalite, started once per run, and per measurement a stream and a state table of its own
 * and a mapping that runs the pipeline's function with the pipeline's own settings and file sinks.
 */
final class BenchEmulators implements AutoCloseable {

    private final DynamoDbLocal dynamoDbLocal;
    private final Kinesalite kinesalite;
    private final KinesisClient kinesis;
    private final Path out;
    private final Class<? extends EddyHandler> handler;
    private final Pipeline pipeline;

    private BenchEmulators(DynamoDbLocal dynamoDbLocal, Kinesalite kinesalite, Path out,
            Class<? extends EddyHandler> handler, Pipeline pipeline) {
        this.dynamoDbLocal = dynamoDbLocal;
        this.kinesalite = kinesalite;
        this.kinesis = KinesisClient.builder().httpClient(UrlConnectionHttpClient.create())
                .region(Region.US_EAST_1).credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("eddylocal", "eddylocal")))
                .endpointOverride(kinesalite.endpoint()).build();
        this.out = out;
        this.handler = handler;
        this.pipeline = pipeline;
    }

    /**
     * @param handler the function's handler
     * @param pipeline its pipeline
     * @param name names the temporary folder of the sinks' files, e.g. {@code eddy-bench-e2e}
     * @return the emulators, started
     * @throws IOException if the folder cannot be made
     */
    static BenchEmulators start(Class<? extends EddyHandler> handler, Pipeline pipeline, String name)
            throws IOException {
        Path out = Files.createTempDirectory(name);
        Kinesalite.disableCbor();
        DynamoDbLocal dynamoDbLocal = DynamoDbLocal.server();
        try {
            return new BenchEmulators(dynamoDbLocal, Kinesalite.start(), out, handler, pipeline);
        } catch (RuntimeException e) {
            dynamoDbLocal.close();
            throw e;
        }
    }

    /** @return a Kinesis client of kinesalite */
    KinesisClient kinesis() {
        return kinesis;
    }

    /**
     * @param stream a stream made by {@link #prepare}
     * @return a producer into it
     */
    Producer producer(String stream) {
        return new Producer(kinesis, stream);
    }

    /**
     * Makes a stream and a state table of their own for one measurement.
     *
     * @param name the stream's and the table's name
     * @param shards the stream's shards
     * @return the settings the function reads: that table, file sinks in a folder of that name, the emulators
     * @throws InterruptedException if interrupted while the stream becomes active
     */
    EddySettings prepare(String name, int shards) throws InterruptedException {
        StateTable.create(dynamoDbLocal.client(), name);
        kinesis.createStream(b -> b.streamName(name).shardCount(shards));
        KinesisStreams.awaitStatus(kinesis, name, Duration.ofMinutes(2), StreamStatus.ACTIVE);
        return EddySettings.fromEnvironment().with(Map.of(
                EddySettings.STATE_TABLE, name,
                EddySettings.SINKS, "file:" + out.resolve(name),
                "AWS_ENDPOINT_URL_DYNAMODB", dynamoDbLocal.endpoint().toString(),
                "AWS_ENDPOINT_URL_KINESIS", kinesalite.endpoint().toString(),
                "AWS_REGION", "us-east-1",
                "AWS_ACCESS_KEY_ID", "eddylocal",
                "AWS_SECRET_ACCESS_KEY", "eddylocal"));
    }

    /**
     * @param stream the stream
     * @param settings the function's settings, from {@link #prepare}
     * @param complete whether every record is put (then a shard read to its end is drained and ends)
     * @return a mapping over the stream with the pipeline's settings, not started
     */
    EventSourceMapping mapping(String stream, EddySettings settings, BooleanSupplier complete) {
        return new EventSourceMapping(kinesis, stream,
                () -> Pipelines.instantiate(handler).withSettings(settings),
                MappingSettings.of(pipeline.source()), complete,
                new OnFailureDestination(out.resolve(stream), pipeline.name()));
    }

    @Override
    public void close() {
        try (dynamoDbLocal; kinesalite; kinesis) {
            // all three closed, in reverse order
        }
    }
}

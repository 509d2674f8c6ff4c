package dev.eddy.emulator.cli;

import dev.eddy.config.EddySettings;
import dev.eddy.config.internal.AwsClients;
import dev.eddy.emulator.embedded.Kinesalite;
import dev.eddy.emulator.esm.KinesisStreams;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.dynamodb.DynamoDbStateBackend;
import dev.eddy.state.dynamodb.local.DynamoDbLocal;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * The Kinesis and DynamoDB a run uses ({@code ./eddy run --endpoint}): DynamoDB Local and kinesalite started for the
 * run (the default), an endpoint such as LocalStack's, or AWS itself; the run's clients of them, and the settings the
 * run's handlers get for them, as a value (nothing is set for the whole JVM but the AWS SDK's {@code aws.cborEnabled},
 * which kinesalite needs and the SDK reads nowhere else). Stops what it started.
 */
final class RunAws implements AutoCloseable {

    private final DynamoDbLocal dynamoDbLocal;
    private final Kinesalite kinesalite;
    private final URI kinesisEndpoint;
    private final URI dynamoEndpoint;
    /** What the run decides of its handlers' settings; the environment gives the rest. */
    private final Map<String, String> handlerSettings = new LinkedHashMap<>();
    private final DynamoDbClient dynamo;
    private final KinesisClient kinesis;

    /**
     * @param endpointOption {@code null} to start emulators, {@code aws} for AWS, or an endpoint URL
     * @param table the pipeline's state table
     * @param progress where progress lines go
     */
    RunAws(String endpointOption, String table, Consumer<String> progress) {
        Kinesalite.disableCbor();
        boolean aws = "aws".equals(endpointOption);
        URI endpoint = endpointOption == null || aws ? null : URI.create(endpointOption);
        if (endpointOption == null) {
            progress.accept("starting DynamoDB Local and kinesalite");
            dynamoDbLocal = DynamoDbLocal.server();
            Kinesalite started;
            try {
                started = Kinesalite.start();
            } catch (RuntimeException e) {
                dynamoDbLocal.close();
                throw e;
            }
            kinesalite = started;
            kinesisEndpoint = kinesalite.endpoint();
            dynamoEndpoint = dynamoDbLocal.endpoint();
        } else {
            dynamoDbLocal = null;
            kinesalite = null;
            kinesisEndpoint = endpoint;
            dynamoEndpoint = endpoint;
        }
        AwsOptions.using("KINESIS", kinesisEndpoint);
        AwsOptions.using("DYNAMODB", dynamoEndpoint);
        EddySettings environment = EddySettings.fromEnvironment();
        handlerSettings.put(EddySettings.STATE_TABLE, table);
        boolean credentialsGiven = environment.get("AWS_ACCESS_KEY_ID").isPresent()
                || environment.get("AWS_PROFILE").isPresent();
        if (endpointOption == null || (!aws && !credentialsGiven)) {
            // emulators (and LocalStack, moto at an endpoint) take any key, as `put`, `tail` and `status` do
            handlerSettings.put("AWS_ACCESS_KEY_ID", "eddylocal");
            handlerSettings.put("AWS_SECRET_ACCESS_KEY", "eddylocal");
        }
        if (!aws || environment.get("AWS_REGION").isEmpty()) {
            handlerSettings.put("AWS_REGION", environment.get("AWS_REGION").orElse("us-east-1"));
        }
        if (!aws) {
            handlerSettings.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoEndpoint.toString());
            // handlers ask Kinesis for a new shard's parents (ListShards); Kinesis sinks write there too
            handlerSettings.put("AWS_ENDPOINT_URL_KINESIS", kinesisEndpoint.toString());
        }
        EddySettings clients = settings(Map.of());
        this.dynamo = build(AwsClients.configure(DynamoDbClient.builder(), clients, "DYNAMODB"), dynamoEndpoint);
        this.kinesis = build(AwsClients.configure(KinesisClient.builder(), clients, "KINESIS"), kinesisEndpoint);
    }

    /**
     * @param more further settings of this run (its sinks')
     * @return the handlers' settings: the environment's, this run's, and {@code more}
     */
    EddySettings settings(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(handlerSettings);
        all.putAll(more);
        return EddySettings.fromEnvironment().with(all);
    }

    /** @return the DynamoDB endpoint the run uses */
    URI dynamoEndpoint() {
        return dynamoEndpoint;
    }

    KinesisClient kinesis() {
        return kinesis;
    }

    DynamoDbClient dynamo() {
        return dynamo;
    }

    /**
     * Creates a stream unless it exists (a persistent endpoint keeps it, and the state table's checkpoints with it),
     * then waits until it is active.
     */
    void createStream(String stream, int shards) throws InterruptedException {
        try {
            kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
        } catch (ResourceInUseException exists) {
            // reused
        }
        KinesisStreams.awaitStatus(kinesis, stream, Duration.ofMinutes(2), StreamStatus.ACTIVE);
    }

    /** @return each shard's checkpoint, read from the state table with a backend of its own */
    Map<String, ShardCheckpoint> checkpoints(EddySettings settings, String table, List<String> shardIds) {
        Map<String, ShardCheckpoint> checkpoints = new LinkedHashMap<>();
        try (DynamoDbStateBackend state = new DynamoDbStateBackend(build(AwsClients.configure(DynamoDbClient.builder(),
                settings, "DYNAMODB"), dynamoEndpoint), table)) {
            shardIds.forEach(shardId -> checkpoints.put(shardId, state.readCheckpoint(shardId)));
        }
        return checkpoints;
    }

    private static <C> C build(software.amazon.awssdk.awscore.client.builder.AwsClientBuilder<?, C> builder,
            URI endpoint) {
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    /** Closes the clients and stops the emulators the run started. */
    @Override
    public void close() {
        kinesis.close();
        dynamo.close();
        if (kinesalite != null) {
            kinesalite.close();
        }
        if (dynamoDbLocal != null) {
            dynamoDbLocal.close();
        }
    }
}

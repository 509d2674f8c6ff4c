package dev.eddy.emulator.cli;

import dev.eddy.emulator.console.FunctionJarOptions;
import dev.eddy.emulator.console.Pipelines;
import dev.eddy.emulator.console.UsageError;
import dev.eddy.config.EddySettings;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.state.dynamodb.DynamoDbStateBackend;
import java.net.URI;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * {@code ./eddy status}: where a pipeline stands, per shard of its stream. Collects a {@link StatusReport} (each
 * shard's {@link ShardStatus}, with {@code --items} the table's items by type), then prints it with
 * {@link StatusText} or, with {@code --json}, {@link StatusJson}.
 */
@Command(name = "status", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Shows a pipeline's checkpoints, watermarks, running totals and backlog per shard of its stream.",
            "",
            "For each shard of the stream, open and closed, it shows the shard's parents, the"
                + " last sequence number the pipeline committed (its checkpoint, item C#<shardId> of the state table,"
                + " read consistently), the shard's watermark, its lag behind the wall clock (CloudWatch's"
                + " WatermarkLag) and largest event time, the shard's running totals committed with the checkpoint"
                + " (each named after the CloudWatch metric it sums: Records, ReplaysSkipped, FailedRecords,"
                + " LateRecords, WindowsFired, ResultsEmitted, DeadlineStops, StateWriteUnits, StateReadUnits), how"
                + " many records wait after the checkpoint (counted up to --count-max) and the iterator age: how long"
                + " ago the oldest of them arrived, what Lambda's IteratorAge metric would show once it reads them."
                + " Sink retries and batch durations are not kept in the table: see the CloudWatch metrics SinkRetries"
                + " and BatchDuration. It only reads.",
            "",
            "Works against a persistent endpoint (LocalStack, for instance) or AWS. The run command without --endpoint"
                + " stops its emulators when it ends, so there is nothing left to ask."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:status shown", "1:a request failed",
            "2:bad arguments, unknown pipeline, or no such stream or state table"})
final class StatusCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "PIPELINE",
            description = "pipeline name, e.g. flight-delays; may be left out when the function jar holds one")
    private String pipelineName;

    @Mixin
    private FunctionJarOptions function;

    @Mixin
    private AwsOptions aws;

    @Option(names = "--kinesis-endpoint", paramLabel = "URL", description = "Kinesis endpoint, if not --endpoint's")
    private URI kinesisEndpoint;

    @Option(names = "--dynamodb-endpoint", paramLabel = "URL",
            description = "DynamoDB endpoint, if not --endpoint's")
    private URI dynamoDbEndpoint;

    @Option(names = "--table", paramLabel = "NAME",
            description = "state table (default: eddy-<pipeline>-state, as the handler's default)")
    private String table;

    @Option(names = "--stream", paramLabel = "NAME", description = "the stream (default: the one the pipeline reads)")
    private String stream;

    @Option(names = "--count-max", paramLabel = "N", defaultValue = "10000",
            description = "records counted after a checkpoint, per shard; more show as \"at least N\""
                + " (default: ${DEFAULT-VALUE})")
    private long countMax;

    @Option(names = "--items", description = "also count the table's items by type; scans the whole table (in AWS"
            + " that costs read units: about one per 8 KB of table)")
    private boolean items;

    @Option(names = "--json", description = "print the status as one JSON document")
    private boolean json;

    @Override
    public Integer call() {
        Pipeline pipeline = Pipelines.instantiate(function.choose(pipelineName)).pipeline();
        String streamName = stream != null ? stream : pipeline.source().streamName();
        String tableName = table != null ? table : EddySettings.defaultStateTable(pipeline.name());
        if (countMax < 1) {
            throw new UsageError("--count-max must be 1 or more, was " + countMax);
        }
        aws.endpointFor("KINESIS", kinesisEndpoint);
        aws.endpointFor("DYNAMODB", dynamoDbEndpoint);
        Instant now = Instant.ofEpochMilli(System.currentTimeMillis());
        try (KinesisClient kinesis = aws.kinesis();
             DynamoDbStateBackend state = new DynamoDbStateBackend(aws.dynamoDb(), tableName)) {
            DynamoDbClient dynamo = aws.dynamoDb();
            Map<String, Long> itemCounts = null;
            Set<String> checkpointed = new TreeSet<>();
            try (dynamo) {
                try {
                    dynamo.describeTable(b -> b.tableName(tableName));
                } catch (software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException missing) {
                    throw new UsageError("state table '" + tableName + "' does not exist at "
                            + aws.describe("DYNAMODB") + ": the pipeline has not run there, or give --table NAME");
                }
                List<Shard> shards = StreamShards.list(kinesis, streamName, aws.describe("KINESIS"));
                if (items) {
                    itemCounts = StatusReport.countItems(dynamo, tableName, checkpointed);
                }
                List<ShardStatus> statuses = shards.stream()
                        .map(s -> ShardStatus.read(kinesis, state, streamName, s, countMax,
                                pipeline.source().idleness().orElse(null))).toList();
                Set<String> listed = new HashSet<>(shards.stream().map(Shard::shardId).toList());
                checkpointed.removeAll(listed);
                StatusReport report = new StatusReport(pipeline.name(), streamName, aws.describe("KINESIS"),
                        tableName, aws.describe("DYNAMODB"), now, statuses, itemCounts, checkpointed);
                if (json) {
                    StatusJson.print(System.out, report);
                } else {
                    StatusText.print(System.out, report);
                }
            }
            return 0;
        }
    }
}

package dev.eddy.emulator.cli;

import dev.eddy.emulator.embedded.DynamoDbLocal;
import dev.eddy.emulator.embedded.Kinesalite;
import dev.eddy.emulator.esm.EventSourceMapping;
import dev.eddy.emulator.esm.Invocation;
import dev.eddy.emulator.esm.KinesisStreams;
import dev.eddy.emulator.esm.MappingSettings;
import dev.eddy.emulator.esm.OnFailureDestination;
import dev.eddy.emulator.esm.Producer;
import dev.eddy.emulator.lambda.FunctionSettings;
import dev.eddy.emulator.input.InputException;
import dev.eddy.emulator.input.InputFile;
import dev.eddy.handler.EddyHandler;
import dev.eddy.handler.EddySettings;
import dev.eddy.handler.HandlerMetrics;
import dev.eddy.internal.Plan;
import dev.eddy.internal.Watermarks;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.sink.SinkRef;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.dynamodb.DynamoDbStateBackend;
import dev.eddy.state.dynamodb.table.StateTable;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** {@code ./eddy run}: puts a file's records into a Kinesis stream and runs the pipeline's handler over it. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Runs a pipeline over a file, end to end: starts DynamoDB Local (in process) and kinesalite (npm) on free"
                + " loopback ports, creates the stream and the state table, puts the file's records (partition key ="
                + " the pipeline's key), polls every shard and invokes the pipeline's Lambda handler with"
                + " Lambda-shaped Kinesis events, honouring batch item failures. At the end of the file every shard"
                + " is drained (watermark to +infinity), so every window fires.",
            "",
            "Outputs under --out: firehose/<stream>.jsonl and sns/<topic>.jsonl (results), failed/<pipeline>.jsonl"
                + " (records that could not be processed, with the reason), late/<pipeline>.jsonl (late records),"
                + " esm-failures/<pipeline>.jsonl (batches that exhausted their retries). The pipeline's earlier"
                + " outputs there are replaced. With --sinks moto the results go through Firehose, SNS and SQS on"
                + " moto's server and are read back into the same files."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every shard was processed and drained", "1:the run failed (a shard could not finish)",
            "2:bad arguments or unreadable input"})
final class RunCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PIPELINE", description = "pipeline name, e.g. flight-delays")
    private String pipelineName;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "records to put: a JSON array, or JSON lines (one record a line)")
    private Path input;

    @Option(names = "--shards", paramLabel = "N",
            description = "shards of the stream (default: the pipeline's, 4 unless it says otherwise)")
    private Integer shards;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "eddy-out",
            description = "output folder (default: ${DEFAULT-VALUE})")
    private Path out;

    @Option(names = "--batch-size", paramLabel = "N",
            description = "event source mapping batch size, 1-10000 (default: the pipeline's)")
    private Integer batchSize;

    @Option(names = "--max-retries", paramLabel = "N",
            description = "MaximumRetryAttempts, 0-10000: retries of a failing batch before it goes to the"
                + " on-failure destination (default: the pipeline's, 10 unless it says otherwise)")
    private Integer maxRetries;

    @Option(names = "--batching-window", paramLabel = "SECONDS",
            description = "MaximumBatchingWindowInSeconds, 0-300: how long records are gathered before an invocation"
                + " that is not full (default: the pipeline's, 0 unless it says otherwise)")
    private Long batchingWindowSeconds;

    @Option(names = "--starting-position", paramLabel = "TRIM_HORIZON|LATEST|AT_TIMESTAMP",
            description = "where shards start (default: the pipeline's, TRIM_HORIZON unless it says otherwise);"
                + " LATEST skips what the stream held before the run (an existing stream with --endpoint)")
    private KinesisSource.StartingPosition startingPosition;

    @Option(names = "--starting-timestamp", paramLabel = "ISO-8601",
            description = "with --starting-position AT_TIMESTAMP: the first arrival time to read")
    private java.time.Instant startingTimestamp;

    @Option(names = "--parallelization-factor", paramLabel = "N", defaultValue = "1",
            description = "concurrent batches per shard; Eddy pipelines need 1 (one checkpoint and watermark per"
                + " shard), so other values are refused with the reason")
    private int parallelizationFactor;

    @Option(names = "--bisect-on-error", paramLabel = "true|false", arity = "1",
            description = "BisectBatchOnFunctionError: after a function error or timeout, retry each half of the"
                + " batch on its own (default: true, as the CDK construct deploys it)")
    private Boolean bisectOnError;

    @Option(names = "--max-record-age", paramLabel = "SECONDS",
            description = "MaximumRecordAgeInSeconds: older records go to the on-failure destination unprocessed;"
                + " -1 for no limit, else 60-604800 (default: the pipeline's, 1 day unless it says otherwise)")
    private Long maxRecordAgeSeconds;

    @Option(names = "--cold-start-every", paramLabel = "N", defaultValue = "0",
            description = "replace a shard's execution environment (a new handler instance) after every N"
                + " invocations, as Lambda may at any time; 0 keeps environments warm (default: ${DEFAULT-VALUE})")
    private int coldStartEvery;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "the function's timeout, 1-900 s: an invocation that runs longer fails and its execution"
                + " environment is replaced, as on Lambda (default: ${DEFAULT-VALUE})")
    private long timeoutSeconds;

    @Option(names = "--print", paramLabel = "N|all", defaultValue = "10",
            description = "result rows to print per sink: a number or 'all' (default: ${DEFAULT-VALUE})")
    private String print;

    @Option(names = "--endpoint", paramLabel = "URL|aws",
            description = "use this endpoint for Kinesis and DynamoDB (e.g. LocalStack, http://localhost:4566), or"
                + " 'aws' for AWS itself (a real stream and on-demand table in your account: AWS_PROFILE /"
                + " AWS_REGION), instead of starting emulators; credentials and region come from the usual AWS"
                + " settings")
    private String endpointOption;

    @Option(names = "--sinks", paramLabel = "file|moto|aws", defaultValue = "file",
            description = {"where results, failed and late records go (default: ${DEFAULT-VALUE}):",
                "file: JSON lines under --out;",
                "moto: starts moto's server (from .venv), creates the pipeline's destinations there (each Firehose"
                    + " delivery stream writing to an S3 bucket, each SNS topic with an SQS queue subscribed, the"
                    + " failure destination's SQS queue), delivers through the AWS APIs as on Lambda, then reads"
                    + " everything back into the files of 'file';",
                "aws: delivers through the AWS APIs to the destinations the pipeline names, which must exist;"
                    + " the endpoint comes from AWS_ENDPOINT_URL (e.g. LocalStack, http://localhost:4566) or the"
                    + " per-service AWS_ENDPOINT_URL_FIREHOSE, _SNS, _SQS, the account of SNS topic ARNs from"
                    + " EDDY_ACCOUNT_ID (default 000000000000, LocalStack's)"})
    private String sinks;

    @Option(names = "--quiet", description = "no progress lines")
    private boolean quiet;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        Class<? extends EddyHandler> handlerType = Pipelines.find(pipelineName);
        Pipeline pipeline = Pipelines.instantiate(handlerType).pipeline();
        Plan plan = pipeline.plan();
        if (endpointOption != null && !endpointOption.equals("aws")
                && !endpointOption.matches("https?://[^\\s]+")) {
            throw new EddyCli.UsageError("--endpoint takes an http(s) URL or 'aws', was '" + endpointOption + "'");
        }
        if (!List.of("file", "moto", "aws").contains(sinks)) {
            throw new EddyCli.UsageError("--sinks takes file, moto or aws, was '" + sinks + "'");
        }
        int shardCount = shards != null ? shards : pipeline.source().shards();
        if (shardCount < 1 || shardCount > 500) {
            throw new EddyCli.UsageError("--shards must be 1-500, was " + shardCount);
        }
        MappingSettings settings;
        try {
            // the pipeline's settings, as the CDK construct deploys them; flags override them for this run
            MappingSettings d = MappingSettings.of(pipeline.source());
            KinesisSource.StartingPosition position = startingPosition != null ? startingPosition
                    : startingTimestamp != null ? KinesisSource.StartingPosition.AT_TIMESTAMP : d.startingPosition();
            settings = new MappingSettings(batchSize != null ? batchSize : d.batchSize(),
                    maxRetries != null ? maxRetries : d.maxRetryAttempts(), timeoutSeconds * 1_000, d.memoryMb(),
                    d.idlePollMs(), batchingWindowSeconds != null ? batchingWindowSeconds * 1_000 : d.batchingWindowMs(),
                    position, position == KinesisSource.StartingPosition.AT_TIMESTAMP
                            ? (startingTimestamp != null ? startingTimestamp : d.startingTimestamp()) : null,
                    bisectOnError != null ? bisectOnError : d.bisectOnFunctionError(),
                    maxRecordAgeSeconds == null ? d.maxRecordAgeMs()
                            : maxRecordAgeSeconds < 0 ? -1 : maxRecordAgeSeconds * 1_000,
                    parallelizationFactor, coldStartEvery);
        } catch (IllegalArgumentException e) {
            throw new EddyCli.UsageError(e.getMessage());
        }
        int printLimit = printLimit();
        List<byte[]> records;
        try {
            records = InputFile.read(input);
        } catch (InputException e) {
            throw new EddyCli.UsageError(e.getMessage());
        }
        Path outDir = out.toAbsolutePath().normalize();
        List<Path> outputs = clearOutputs(pipeline, outDir);
        String stream = pipeline.source().streamName();
        String table = EddySettings.defaultStateTable(pipeline.name());
        progress(stderr, "%s: %,d records from %s; %d shards, batch size %d", pipeline.name(), records.size(),
                input, shardCount, settings.batchSize());

        Kinesalite.disableCbor();
        DynamoDbLocal dynamoDbLocal = null;
        Kinesalite kinesalite = null;
        try {
            boolean aws = "aws".equals(endpointOption);
            URI endpoint = endpointOption == null || aws ? null : URI.create(endpointOption);
            URI kinesisEndpoint = endpoint;
            URI dynamoEndpoint = endpoint;
            if (endpointOption == null) {
                progress(stderr, "starting DynamoDB Local and kinesalite");
                dynamoDbLocal = DynamoDbLocal.start();
                kinesalite = Kinesalite.start();
                kinesisEndpoint = kinesalite.endpoint();
                dynamoEndpoint = dynamoDbLocal.endpoint();
                FunctionSettings.setIfAbsent("aws.accessKeyId", "eddylocal");
                FunctionSettings.setIfAbsent("aws.secretAccessKey", "eddylocal");
            }
            if (!aws || System.getenv("AWS_REGION") == null) {
                FunctionSettings.setIfAbsent("aws.region", "us-east-1");
            }
            System.setProperty(EddySettings.STATE_TABLE, table);
            if (!aws) {
                System.setProperty("AWS_ENDPOINT_URL_DYNAMODB", dynamoEndpoint.toString());
                // handlers ask Kinesis for a new shard's parents (ListShards)
                System.setProperty("AWS_ENDPOINT_URL_KINESIS", kinesisEndpoint.toString());
            }

            try (SinkTarget target = SinkTarget.open(sinks, pipeline, outDir,
                        message -> progress(stderr, "%s", message));
                 DynamoDbClient dynamo = dynamoClient(dynamoEndpoint);
                 KinesisClient kinesis = kinesisClient(kinesisEndpoint)) {
                StateTable.create(dynamo, table);
                createStream(kinesis, stream, shardCount);
                for (SinkRef sink : target.kinesisStreams()) {
                    createStream(kinesis, sink.name(), 1);
                }

                AtomicBoolean inputComplete = new AtomicBoolean();
                Producer producer = new Producer(kinesis, stream);
                OnFailureDestination onFailure = new OnFailureDestination(outDir, pipeline.name(),
                        target.onFailureQueue());
                try (EventSourceMapping mapping = new EventSourceMapping(kinesis, stream,
                        () -> Pipelines.instantiate(handlerType), settings, inputComplete::get, onFailure)) {
                    mapping.start();
                    Thread reporter = reporter(stderr, records.size(), producer, mapping, started);
                    try {
                        producer.putAll(records, i -> plan.keyOf(records.get(i)).orElse("unkeyed-" + i));
                        inputComplete.set(true);
                        mapping.awaitDrained();
                    } finally {
                        reporter.interrupt();
                    }
                    double seconds = (System.nanoTime() - started) / 1e9;
                    target.readBack();
                    Map<String, ShardCheckpoint> checkpoints = checkpoints(dynamoEndpoint, table, mapping.shardIds());
                    printResults(stdout, pipeline, outDir, printLimit);
                    printSummary(stdout, pipeline, records.size(), mapping, checkpoints, outDir, outputs, onFailure,
                            seconds);
                    return mapping.discardedBatches() == 0 ? 0 : EddyCli.EXIT_RUN_FAILED;
                }
            }
        } finally {
            if (kinesalite != null) {
                kinesalite.close();
            }
            if (dynamoDbLocal != null) {
                dynamoDbLocal.close();
            }
        }
    }

    private int printLimit() {
        if (print.equalsIgnoreCase("all")) {
            return Integer.MAX_VALUE;
        }
        try {
            int n = Integer.parseInt(print);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new EddyCli.UsageError("--print takes a number of rows or 'all', was '" + print + "'");
    }

    /** @param endpoint the endpoint, or {@code null} for AWS itself */
    private static KinesisClient kinesisClient(URI endpoint) {
        var builder = KinesisClient.builder().httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(System.getProperty("aws.region", System.getenv("AWS_REGION"))));
        return (endpoint == null ? builder : builder.endpointOverride(endpoint)).build();
    }

    /** @param endpoint the endpoint, or {@code null} for AWS itself */
    private static DynamoDbClient dynamoClient(URI endpoint) {
        var builder = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
                .region(Region.of(System.getProperty("aws.region", System.getenv("AWS_REGION"))));
        return (endpoint == null ? builder : builder.endpointOverride(endpoint)).build();
    }

    private static void createStream(KinesisClient kinesis, String stream, int shards) throws InterruptedException {
        try {
            kinesis.createStream(b -> b.streamName(stream).shardCount(shards));
        } catch (ResourceInUseException exists) {
            // a persistent endpoint: the stream is reused, and the state table's checkpoints with it
        }
        KinesisStreams.awaitStatus(kinesis, stream, Duration.ofMinutes(2), StreamStatus.ACTIVE);
    }


    /** Deletes the pipeline's outputs of an earlier run, so the files hold this run's alone. */
    private static List<Path> clearOutputs(Pipeline pipeline, Path outDir) throws IOException {
        List<Path> files = new ArrayList<>();
        for (SinkRef sink : pipeline.sinks()) {
            files.add(outDir.resolve(sink.kind()).resolve(sink.name() + ".jsonl"));
        }
        files.add(outDir.resolve("failed").resolve(pipeline.name() + ".jsonl"));
        files.add(outDir.resolve("late").resolve(pipeline.name() + ".jsonl"));
        files.add(outDir.resolve("esm-failures").resolve(pipeline.name() + ".jsonl"));
        for (Path file : files) {
            if (Files.isDirectory(file.getParent())) {
                Files.deleteIfExists(file);
            }
        }
        return files;
    }

    private Thread reporter(PrintStream stderr, int total, Producer producer, EventSourceMapping mapping,
            long started) {
        Thread thread = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(2_000);
                    HandlerMetrics m = mapping.metrics();
                    double seconds = (System.nanoTime() - started) / 1e9;
                    progress(stderr, "put %,d/%,d · processed %,d · windows fired %,d · late %,d · failed %,d"
                            + " · %,.0f records/s", producer.put(), total, m.records(), m.windowsFired(),
                            m.lateRecords(), m.failedRecords(), m.records() / seconds);
                }
            } catch (InterruptedException done) {
                // run finished
            }
        }, "progress");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void progress(PrintStream stderr, String format, Object... args) {
        if (!quiet) {
            stderr.println("[eddy] " + String.format(Locale.ROOT, format, args));
        }
    }

    private static void printResults(PrintStream stdout, Pipeline pipeline, Path outDir, int limit) {
        if (limit == 0) {
            return;
        }
        for (SinkRef sink : pipeline.sinks()) {
            Path file = outDir.resolve(sink.kind()).resolve(sink.name() + ".jsonl");
            stdout.printf(Locale.ROOT, "%n== %s %s (%s) ==%n", sink.kind(), sink.name(), file);
            if (Files.exists(file)) {
                ResultsTable.print(file, limit, stdout);
            } else {
                stdout.println("(no results)");
            }
        }
    }

    /** @return each shard's checkpoint, read from the state table */
    private static Map<String, ShardCheckpoint> checkpoints(URI endpoint, String table, List<String> shardIds) {
        Map<String, ShardCheckpoint> checkpoints = new LinkedHashMap<>();
        try (DynamoDbStateBackend state = new DynamoDbStateBackend(dynamoClient(endpoint), table)) {
            shardIds.forEach(shardId -> checkpoints.put(shardId, state.readCheckpoint(shardId)));
        }
        return checkpoints;
    }

    /**
     * The run's figures, each row naming the CloudWatch metric (namespace Eddy) that shows the same figure on AWS:
     * the sums of every handler instance's figures, batch durations from the mapping's invocation log, and each
     * shard's watermark from its checkpoint.
     */
    private static void printSummary(PrintStream stdout, Pipeline pipeline, int recordsIn,
            EventSourceMapping mapping, Map<String, ShardCheckpoint> checkpoints, Path outDir, List<Path> outputs,
            OnFailureDestination onFailure, double seconds) throws IOException {
        HandlerMetrics m = mapping.metrics();
        stdout.printf(Locale.ROOT, "%n== summary: %s ==%n", pipeline.name());
        row(stdout, "", "CloudWatch metric", "");
        row(stdout, "records in", "", "%,d put into %d shards; %,d invocations (%,d retried)", recordsIn,
                mapping.shards(), mapping.invocations(), mapping.retries());
        row(stdout, "records processed", "Records", "%,d", m.records());
        row(stdout, "replays skipped (duplicates dropped)", "ReplaysSkipped", "%,d", m.replaysSkipped());
        Path failed = outputs.get(outputs.size() - 3);
        row(stdout, "failed records", "FailedRecords", "%,d -> %s", m.failedRecords(), failed);
        if (m.failedRecords() > 0) {
            List<String> examples = Files.readAllLines(failed).stream().limit(3).toList();
            for (String example : examples) {
                row(stdout, "", "", "e.g. %s", example.length() > 300 ? example.substring(0, 300) + "…" : example);
            }
        }
        row(stdout, "late records", "LateRecords", "%,d -> %s", m.lateRecords(), outputs.get(outputs.size() - 2));
        row(stdout, pipeline.windows() == null ? "outputs" : "windows fired", "WindowsFired", "%,d",
                m.windowsFired());
        row(stdout, "results emitted", "ResultsEmitted", "%,d", m.resultsEmitted());
        for (SinkRef sink : pipeline.sinks()) {
            Path file = outDir.resolve(sink.kind()).resolve(sink.name() + ".jsonl");
            row(stdout, "  " + sink.kind() + " " + sink.name(), "", "%,d -> %s", lines(file), file);
        }
        row(stdout, "sink retries", "SinkRetries", "%,d", m.sinkRetries());
        row(stdout, "deadline stops", "DeadlineStops", "%,d", m.deadlineStops());
        row(stdout, "state write units", "StateWriteUnits", "%s (%.3f per record)",
                StatusCommand.units(m.writeUnits()), m.records() == 0 ? 0.0 : m.writeUnits() / m.records());
        row(stdout, "state read units", "StateReadUnits", "%s", StatusCommand.units(m.readUnits()));
        long[] durations = mapping.invocationLog().stream().mapToLong(Invocation::durationMs).sorted().toArray();
        row(stdout, "batch duration", "BatchDuration", "%s", durations.length == 0 ? "no invocations"
                : String.format(Locale.ROOT, "p50 %,d ms · p99 %,d ms · max %,d ms (%,d invocations)",
                        percentile(durations, 0.50), percentile(durations, 0.99), durations[durations.length - 1],
                        durations.length));
        boolean first = true;
        for (Map.Entry<String, ShardCheckpoint> shard : checkpoints.entrySet()) {
            String lag = watermarkLag(pipeline.plan(), shard.getValue(), lastBatchEndMs(mapping, shard.getKey()));
            row(stdout, first ? "watermark lag at the last batch" : "", first ? "WatermarkLag" : "", "%s  %s",
                    shard.getKey(), lag);
            first = false;
        }
        if (mapping.keyOwnership().violationCount() > 0) {
            row(stdout, "key ownership", "", "%,d keys arrived on more than one shard, e.g. %s: the records of a key"
                    + " must share a partition key", mapping.keyOwnership().violationCount(),
                    mapping.keyOwnership().example());
        }
        if (mapping.discardedBatches() > 0) {
            row(stdout, "discarded batches", "", "%,d (retries exhausted) -> %s", mapping.discardedBatches(),
                    onFailure.file());
        }
        row(stdout, "wall time", "", "%s (%,.0f records/s)", Duration.ofMillis((long) (seconds * 1000)).toString()
                .substring(2).toLowerCase(Locale.ROOT), recordsIn / seconds);
    }

    /** @return the value at or below which a share {@code p} of the sorted values lie (nearest rank) */
    private static long percentile(long[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** @return when the shard's last invocation ended, ms since the epoch; now if it had none */
    private static long lastBatchEndMs(EventSourceMapping mapping, String shardId) {
        return mapping.invocationLog().stream().filter(i -> i.shardId().equals(shardId))
                .mapToLong(Invocation::endedAtMs).max().orElse(System.currentTimeMillis());
    }

    /**
     * A shard's watermark lag as the {@code WatermarkLag} metric showed it after its last batch (wall clock minus
     * watermark: for a replay of old data, the data's age), with the watermark itself. The end-of-input drain moves
     * the watermark to +∞, after which the metric has no value; the watermark before it is the bounded
     * out-of-orderness watermark of the largest event time, which the checkpoint keeps.
     */
    private static String watermarkLag(Plan plan, ShardCheckpoint checkpoint, long lastBatchEndMs) {
        boolean drained = checkpoint.watermarkMs() == Long.MAX_VALUE;
        long watermark = drained ? Watermarks.bounded(checkpoint.maxEventTimeMs(), plan.outOfOrdernessMs())
                : checkpoint.watermarkMs();
        if (watermark == Long.MIN_VALUE) {
            return "none: no watermark" + (drained ? ", then end of input" : "");
        }
        return String.format(Locale.ROOT, "%s (watermark %s)%s",
                StatusCommand.duration(lastBatchEndMs - watermark), Instant.ofEpochMilli(watermark),
                drained ? ", then end of input" : "");
    }

    private static long lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (var lines = Files.lines(file)) {
            return lines.filter(l -> !l.isBlank()).count();
        }
    }

    /** One row of the summary: what, the CloudWatch metric of the same figure (or nothing), the value. */
    private static void row(PrintStream stdout, String label, String metric, String format, Object... args) {
        stdout.println(String.format(Locale.ROOT, "  %-36s %-17s %s", label, metric,
                String.format(Locale.ROOT, format, args)).stripTrailing());
    }
}

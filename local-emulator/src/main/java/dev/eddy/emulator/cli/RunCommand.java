package dev.eddy.emulator.cli;

import dev.eddy.emulator.chaos.ChaosPlan;
import dev.eddy.emulator.console.FunctionJarOptions;
import dev.eddy.emulator.console.Pipelines;
import dev.eddy.emulator.console.UsageError;
import dev.eddy.emulator.deploy.DeployedPipeline;
import dev.eddy.state.dynamodb.local.DynamoDbFront;
import dev.eddy.state.dynamodb.local.DynamoDbLocal;
import dev.eddy.emulator.embedded.Kinesalite;
import dev.eddy.emulator.esm.EventSourceMapping;
import dev.eddy.emulator.esm.Invocation;
import dev.eddy.emulator.esm.KinesisStreams;
import dev.eddy.emulator.esm.MappingSettings;
import dev.eddy.emulator.esm.OnFailureDestination;
import dev.eddy.emulator.esm.Producer;
import dev.eddy.config.internal.AwsClients;
import dev.eddy.emulator.input.InputException;
import dev.eddy.emulator.input.InputFile;
import dev.eddy.handler.EddyHandler;
import dev.eddy.config.EddySettings;
import dev.eddy.metrics.Figures;
import dev.eddy.internal.Watermarks;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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

    @Parameters(index = "0", arity = "0..1", paramLabel = "PIPELINE",
            description = "pipeline name, e.g. flight-delays; may be left out when the function jar holds one")
    private String pipelineName;

    @Mixin
    private FunctionJarOptions function;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "records to put: a JSON array, or JSON lines (one record a line)")
    private Path input;

    @Option(names = "--shards", paramLabel = "N",
            description = "shards of the stream (default: the pipeline's, 4 unless it says otherwise)")
    private Integer shards;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "eddy-out",
            description = "output folder (default: ${DEFAULT-VALUE})")
    private Path out;

    @Option(names = "--print", paramLabel = "N|all", defaultValue = "10",
            description = "result rows to print per sink: a number or 'all' (default: ${DEFAULT-VALUE})")
    private String print;

    @Option(names = "--endpoint", paramLabel = "URL|aws",
            description = "use this endpoint for Kinesis and DynamoDB (e.g. LocalStack, http://localhost:4566), or"
                + " 'aws' for AWS itself (a real stream and on-demand table in your account: AWS_PROFILE /"
                + " AWS_REGION), instead of starting emulators; credentials and region come from the usual AWS"
                + " settings")
    private String endpointOption;

    @Option(names = "--sinks", paramLabel = "file|moto|aws",
            description = {"where results, failed and late records go (default: file; with an --endpoint where the"
                + " pipeline's stack is deployed, its destinations, read back into the files of 'file'):",
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

    @Mixin
    private MappingOptions mapping;

    @Mixin
    private OutageOptions outages;

    @Mixin
    private TimeOptions time;

    @Mixin
    private ChaosOptions chaos;

    @Option(names = "--quiet", description = "no progress lines")
    private boolean quiet;

    @Override
    public Integer call() throws Exception {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        Class<? extends EddyHandler> handlerType = function.choose(pipelineName);
        Pipeline pipeline = Pipelines.instantiate(handlerType).pipeline();
        if (endpointOption != null && !endpointOption.equals("aws")
                && !endpointOption.matches("https?://[^\\s]+")) {
            throw new UsageError("--endpoint takes an http(s) URL or 'aws', was '" + endpointOption + "'");
        }
        if (sinks != null && !List.of("file", "moto", "aws").contains(sinks)) {
            throw new UsageError("--sinks takes file, moto or aws, was '" + sinks + "'");
        }
        int shardCount = shards != null ? shards : pipeline.source().shards();
        if (shardCount < 1 || shardCount > 500) {
            throw new UsageError("--shards must be 1-500, was " + shardCount);
        }
        MappingSettings settings = mapping.settings(pipeline);
        int printLimit = printLimit();
        List<InputFile.Record> records;
        try {
            records = InputFile.read(input);
        } catch (InputException e) {
            throw new UsageError(e.getMessage());
        }
        // the partition key a well-behaved producer gives each record; records Kinesis could never take are
        // reported, not put
        List<Producer.Entry> entries = new ArrayList<>(records.size());
        List<Producer.Entry> refused = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            InputFile.Record record = records.get(i);
            Producer.Entry entry = Producer.Entry.of(record.data(), i, record.line(), pipeline.keyOf(record.data()));
            (entry.refusal() == null ? entries : refused).add(entry);
        }
        DeployedPipeline deployed = deployed(pipeline);
        String sinkKind = sinks != null ? sinks : deployed != null ? "deployed" : "file";
        Run run = new Run(handlerType, pipeline, settings, shardCount, printLimit, records, entries, refused, deployed,
                deployed != null ? deployed.stream() : pipeline.source().streamName(),
                deployed != null ? deployed.table() : EddySettings.defaultStateTable(pipeline.name()), sinkKind);
        if (chaos.on()) {
            if (endpointOption != null || !sinkKind.equals("file") || settings.maxRetryAttempts() >= 0) {
                throw new UsageError("--chaos runs on the local emulators with file sinks and retries until a batch"
                        + " succeeds, so that its outputs can be compared with a fault-free run's: leave out"
                        + " --endpoint, --sinks and --max-retries");
            }
            return new ChaosRun(chaos.plan(), chaos, message -> progress(stderr, "%s", message))
                    .run(out.toAbsolutePath().normalize(), (dir, plan, settingsOfRun, results) ->
                            runOnce(run, dir, plan, settingsOfRun, results), stdout);
        }
        return runOnce(run, out.toAbsolutePath().normalize(), null, Map.of(), stdout);
    }

    /** What one run of the command runs: the pipeline, its settings and input, and where. */
    private record Run(Class<? extends EddyHandler> handlerType, Pipeline pipeline, MappingSettings settings,
            int shardCount, int printLimit, List<InputFile.Record> records, List<Producer.Entry> entries,
            List<Producer.Entry> refused, DeployedPipeline deployed, String stream, String table, String sinkKind) {
    }

    /**
     * Runs the pipeline over the input once.
     *
     * @param dir the output folder
     * @param faults the invocations' and DynamoDB's faults of a chaos run, or {@code null}
     * @param extra further handler settings (a chaos run's)
     * @param stdout where the results and the summary go
     * @return the exit code
     */
    private int runOnce(Run run, Path dir, ChaosPlan faults, Map<String, String> extra, PrintStream stdout)
            throws Exception {
        long started = System.nanoTime();
        PrintStream stderr = System.err;
        Class<? extends EddyHandler> handlerType = run.handlerType();
        Pipeline pipeline = run.pipeline();
        MappingSettings settings = run.settings();
        List<InputFile.Record> records = run.records();
        List<Producer.Entry> entries = run.entries();
        List<Producer.Entry> refused = run.refused();
        DeployedPipeline deployed = run.deployed();
        String stream = run.stream();
        String table = run.table();
        String sinkKind = run.sinkKind();
        int shardCount = run.shardCount();
        int printLimit = run.printLimit();
        try (RunOutputs outputs = RunOutputs.open(dir, pipeline, input)) {
            progress(stderr, "%s: %,d records from %s; %d shards, batch size %d", pipeline.name(), records.size(),
                    input, shardCount, settings.batchSize());
            refused.forEach(entry -> progress(stderr, "line %d: %s; it goes to the failure output", entry.line(),
                    entry.refusal()));
            if (deployed != null) {
                progress(stderr, "using stack %s deployed at %s (its exports): stream %s, table %s, %s", deployed.stack(),
                        endpointOption, stream, table, sinkKind.equals("deployed") ? "its destinations" : sinkKind
                                + " sinks");
            }
            try (RunAws aws = new RunAws(endpointOption, table, message -> progress(stderr, "%s", message));
                 SinkTarget target = SinkTarget.open(sinkKind, pipeline, outputs.dir(),
                         message -> progress(stderr, "%s", message), deployed != null ? URI.create(endpointOption)
                                 : null, deployed != null ? deployed.account() : null)) {
                Map<String, String> handlerSettings = new LinkedHashMap<>(target.settings());
                handlerSettings.putAll(outages.settings(pipeline));
                handlerSettings.putAll(time.settings());
                handlerSettings.putAll(extra);
                DynamoDbFront front = faults == null ? null : new DynamoDbFront(aws.dynamoEndpoint(), faults.dynamoDb());
                if (front != null) {
                    // the handlers reach DynamoDB through the front, which injects DynamoDB's faults
                    handlerSettings.put("AWS_ENDPOINT_URL_DYNAMODB", front.endpoint().toString());
                }
                EddySettings handlers = aws.settings(handlerSettings);
                StateTable.create(aws.dynamo(), table);
                aws.createStream(stream, shardCount);
                for (SinkRef sink : target.kinesisStreams()) {
                    aws.createStream(sink.name(), 1);
                }
                target.check(handlers);
                Map<String, ShardCheckpoint> before = aws.checkpoints(handlers, table,
                        KinesisStreams.shardIds(aws.kinesis(), stream));

                AtomicBoolean inputComplete = new AtomicBoolean();
                Producer producer = new Producer(aws.kinesis(), stream);
                OnFailureDestination onFailure = new OnFailureDestination(outputs.dir(), pipeline.name(),
                        target.onFailureQueue());
                try (EventSourceMapping mapping = new EventSourceMapping(aws.kinesis(), stream,
                        () -> Pipelines.instantiate(handlerType).withSettings(handlers), settings, inputComplete::get,
                        onFailure);
                     RunOutputs.Interruption interruption = outputs.interruption(stderr)) {
                    if (!time.drain()) {
                        mapping.withoutDrain();
                    }
                    if (faults != null) {
                        mapping.withFaults(faults);
                    }
                    mapping.start();
                    Thread reporter = reporter(stderr, records.size(), producer, mapping, started);
                    Thread heartbeat = time.startHeartbeat(aws.kinesis(), stream,
                            message -> progress(stderr, "%s", message));
                    try {
                        producer.putAll(entries, (index, shardId, sequenceNumber) ->
                                outputs.placed(entries.get(index).line(), shardId, sequenceNumber));
                        Thread.sleep(time.runForMs());
                        inputComplete.set(true);
                        mapping.awaitDrained();
                    } finally {
                        if (front != null) {
                            front.close();
                        }
                        reporter.interrupt();
                        if (heartbeat != null) {
                            heartbeat.interrupt();
                        }
                    }
                    double seconds = (System.nanoTime() - started) / 1e9;
                    target.readBack();
                    outputs.addInputLines();
                    outputs.addRefused(refused);
                    Map<String, ShardCheckpoint> checkpoints = aws.checkpoints(handlers, table, mapping.shardIds());
                    RunSummary.printResults(stdout, pipeline, outputs, printLimit);
                    RunSummary.print(stdout, pipeline, new RunSummary.Run(records.size(), refused.size(),
                            committed(checkpoints, before), checkpoints, seconds), mapping, outputs,
                            onFailure.records());
                    outputs.finished();
                    interruption.finished();
                    if (mapping.discardedBatches() > 0) {
                        List<String> discards = mapping.discards();
                        stderr.println("eddy: error: " + mapping.discardedBatches() + " batches were discarded by the"
                                + " event source mapping and their records were not processed (" + onFailure.file()
                                + "): " + discards.get(0) + (discards.size() > 1 ? " (and " + (discards.size() - 1)
                                        + " more)" : ""));
                        return EddyCli.EXIT_RUN_FAILED;
                    }
                    return 0;
                }
            }
        }
    }

    /** @return the pipeline's stack deployed at {@code --endpoint URL}, or {@code null} (none, or no URL) */
    private DeployedPipeline deployed(Pipeline pipeline) {
        return endpointOption == null || endpointOption.equals("aws") ? null
                : DeployedPipeline.at(URI.create(endpointOption), pipeline.name()).orElse(null);
    }

    /** @return the totals the shards committed between two readings of their checkpoints */
    private static Figures committed(Map<String, ShardCheckpoint> after,
            Map<String, ShardCheckpoint> before) {
        Figures sum = Figures.ZERO;
        for (Map.Entry<String, ShardCheckpoint> shard : after.entrySet()) {
            ShardCheckpoint earlier = before.get(shard.getKey());
            sum = sum.plus(earlier == null ? shard.getValue().totals()
                    : shard.getValue().totals().minus(earlier.totals()));
        }
        return sum;
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
        throw new UsageError("--print takes a number of rows or 'all', was '" + print + "'");
    }

    private Thread reporter(PrintStream stderr, int total, Producer producer, EventSourceMapping mapping,
            long started) {
        Thread thread = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(2_000);
                    Figures m = mapping.metrics();
                    double seconds = (System.nanoTime() - started) / 1e9;
                    progress(stderr, "put %,d/%,d · processed %,d · windows fired %,d · late %,d · failed %,d"
                            + " · %,.0f records/s%s", producer.put(), total, m.records(), m.windowsFired(),
                            m.lateRecords(), m.failedRecords(), m.records() / seconds, m.failedBatches() == 0 ? ""
                                    : String.format(Locale.ROOT, " · failed batches %,d (retried until they succeed)",
                                            m.failedBatches()));
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
}

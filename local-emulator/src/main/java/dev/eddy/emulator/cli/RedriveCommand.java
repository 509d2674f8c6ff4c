package dev.eddy.emulator.cli;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import dev.eddy.config.EddySettings;
import dev.eddy.emulator.console.FunctionJarOptions;
import dev.eddy.emulator.console.Pipelines;
import dev.eddy.emulator.console.UsageError;
import dev.eddy.emulator.deploy.DeployedPipeline;
import dev.eddy.emulator.deploy.Endpoints;
import dev.eddy.emulator.esm.SkippedBatch;
import dev.eddy.emulator.lambda.LambdaEvents;
import dev.eddy.handler.EddyHandler;
import dev.eddy.metrics.Figures;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.state.RedriveLane;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.SkippedRange;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigInteger;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * {@code ./eddy redrive}: processes the records of batches the event source mapping skipped (a pipeline that opted
 * in to bounded retries or record age) from their on-failure records, through the pipeline's handler, as redrive
 * lanes ({@link RedriveLane}, docs/deploy.md "Re-driving skipped records").
 */
@Command(name = "redrive", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Re-drives the records of batches the event source mapping skipped after its retries ran out.",
            "",
            "Only a pipeline that opted in to a bounded MaximumRetryAttempts or MaximumRecordAgeInSeconds skips: by"
                + " default a failing shard waits. Lambda then sends the on-failure destination a record naming the"
                + " batch's shard and sequence range, not its records. This command reads those records (the"
                + " failure queue of the pipeline's stack deployed at --endpoint, or --from FILE, one JSON a line as"
                + " eddy run writes esm-failures/<pipeline>.jsonl), reads each range from the stream while its"
                + " retention lasts, and processes it through the pipeline: records whose windows are still open are"
                + " applied to them (a window past its end but within the allowed lateness fires again); records of"
                + " windows already past their allowed lateness go to the late-data output with the reason"
                + " \"re-driven after skip\"; records an attempt before the skip applied are not applied again. Each"
                + " range is fenced as a lane of its own, so re-driving it again changes nothing; queue messages are"
                + " deleted once their range is re-driven. Ranges past the stream's retention are reported as lost,"
                + " with their counts."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every range re-driven (or nothing to re-drive)",
            "1:a range failed, or records were lost past the stream's retention", "2:bad arguments"})
final class RedriveCommand implements Callable<Integer> {

    /** Records handed to the handler at a time: a Lambda batch's largest size for Kinesis is 10,000. */
    private static final int CHUNK = 1_000;
    /** Attempts of one chunk before the range counts as failed. */
    private static final int ATTEMPTS = 3;

    @Parameters(index = "0", arity = "0..1", paramLabel = "PIPELINE",
            description = "pipeline name, e.g. flight-delays; may be left out when the function jar holds one")
    private String pipelineName;

    @Mixin
    private FunctionJarOptions function;

    @Option(names = "--endpoint", paramLabel = "URL|aws", required = true,
            description = "where the pipeline runs: a local endpoint (moto's, as eddy deploy --local starts it on"
                + " http://localhost:4566; LocalStack's) or aws (region and credentials from the usual AWS settings)")
    private String endpointOption;

    @Option(names = "--from", paramLabel = "FILE",
            description = "on-failure records, one JSON object a line (default: the failure queue of the"
                + " pipeline's stack deployed at --endpoint)")
    private Path from;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "eddy-out",
            description = "where results, late and failed records go when the pipeline's stack is not deployed at"
                + " --endpoint, appended to the files of eddy run (default: ${DEFAULT-VALUE}); a deployed stack's"
                + " destinations take them otherwise")
    private Path out;

    @Option(names = "--table", paramLabel = "NAME",
            description = "state table (default: the deployed stack's, else eddy-<pipeline>-state)")
    private String table;

    /** One skipped batch to re-drive, and the queue message that named it ({@code null} from a file). */
    private record Skipped(SkippedBatch batch, String receiptHandle) {
    }

    /** What re-driving one range did. */
    private record Outcome(SkippedBatch batch, int read, int committedBefore, long lost, Figures done,
            int alreadyRedriven, String error) {
    }

    @Override
    public Integer call() throws Exception {
        if (!endpointOption.equals("aws") && !endpointOption.matches("https?://[^\\s]+")) {
            throw new UsageError("--endpoint takes an http(s) URL or 'aws', was '" + endpointOption + "'");
        }
        Class<? extends EddyHandler> handlerType = function.choose(pipelineName);
        Pipeline pipeline = Pipelines.instantiate(handlerType).pipeline();
        DeployedPipeline deployed = endpointOption.equals("aws") ? null
                : DeployedPipeline.at(URI.create(endpointOption), pipeline.name()).orElse(null);
        String tableName = table != null ? table : deployed != null ? deployed.table()
                : EddySettings.defaultStateTable(pipeline.name());
        PrintStream stdout = System.out;
        if (from == null && (deployed == null || deployed.failureQueueUrl() == null)) {
            throw new UsageError("no on-failure records to read: no stack of pipeline " + pipeline.name()
                    + " with a failure queue is deployed at " + endpointOption + "; give --from FILE (e.g."
                    + " eddy-out/esm-failures/" + pipeline.name() + ".jsonl)");
        }
        try (SqsClient sqs = from == null ? Endpoints.sqs(URI.create(endpointOption)) : null) {
            List<Skipped> skipped = from != null ? fromFile(from) : fromQueue(sqs, deployed.failureQueueUrl());
            if (skipped.isEmpty()) {
                stdout.printf(Locale.ROOT, "nothing to re-drive: %s holds no Kinesis on-failure records%n",
                        from != null ? from : deployed.failureQueueUrl());
                return 0;
            }
            progress("%d skipped batches of %s to re-drive, state table %s", skipped.size(), pipeline.name(),
                    tableName);
            List<Outcome> outcomes = new ArrayList<>();
            try (RunAws aws = new RunAws(endpointOption, tableName, message -> progress("%s", message));
                 SinkTarget target = SinkTarget.open(deployed != null ? "deployed" : "file", pipeline,
                         out.toAbsolutePath().normalize(), message -> progress("%s", message),
                         deployed != null ? URI.create(endpointOption) : null,
                         deployed != null ? deployed.account() : null)) {
                Files.createDirectories(out);
                // a deployed stack's destinations take the results as they take the function's: nothing is read
                // back (that would take the queue's other messages), eddy tail reads them
                EddySettings settings = aws.settings(target.settings());
                try (EddyHandler handler = Pipelines.instantiate(handlerType).withSettings(settings)) {
                    for (Skipped s : skipped) {
                        Outcome outcome = redrive(aws, settings, tableName, handler, s.batch());
                        outcomes.add(outcome);
                        if (outcome.error() == null && s.receiptHandle() != null) {
                            sqs.deleteMessage(b -> b.queueUrl(deployed.failureQueueUrl())
                                    .receiptHandle(s.receiptHandle()));
                        }
                    }
                }
            }
            if (deployed != null) {
                progress("results, late and failed records went to the destinations of stack %s: read them with"
                        + " eddy tail", deployed.stack());
            }
            return print(stdout, pipeline, outcomes);
        }
    }

    /** Re-drives one skipped batch: its records not committed before the skip, in chunks, as its lane. */
    private Outcome redrive(RunAws aws, EddySettings settings, String tableName, EddyHandler handler,
            SkippedBatch batch) throws InterruptedException {
        ShardCheckpoint shard = aws.checkpoints(settings, tableName, List.of(batch.shardId())).get(batch.shardId());
        SkippedRange skip = shard.skipped().stream()
                .filter(r -> r.from().compareTo(batch.last()) <= 0 && batch.first().compareTo(r.resumedAt()) < 0)
                .findFirst().orElse(null);
        BigInteger laneFrom = skip != null ? skip.from() : batch.first();
        String lane = RedriveLane.of(batch.shardId(), laneFrom);
        List<Record> records;
        try {
            records = read(aws.kinesis(), batch);
        } catch (KinesisException e) {
            return new Outcome(batch, 0, 0, batch.size(), Figures.ZERO, 0, "the range cannot be read from stream "
                    + batch.streamName() + ": " + e.awsErrorDetails().errorMessage());
        }
        long lost = records.isEmpty() || !new BigInteger(records.get(0).sequenceNumber()).equals(batch.first())
                ? Math.max(0, batch.size() - records.size()) : 0;
        List<Record> uncommitted = records.stream()
                .filter(r -> skip == null || skip.contains(new BigInteger(r.sequenceNumber()))).toList();
        ShardCheckpoint before = aws.checkpoints(settings, tableName, List.of(lane)).get(lane);
        progress("%s %s–%s: %,d records read, re-driving %,d as %s", batch.shardId(), batch.first(), batch.last(),
                records.size(), uncommitted.size(), lane);
        String error = null;
        for (int from = 0; from < uncommitted.size() && error == null; from += CHUNK) {
            List<Record> chunk = uncommitted.subList(from, Math.min(uncommitted.size(), from + CHUNK));
            KinesisEvent event = LambdaEvents.toEvent(LambdaEvents.eventJson(batch.streamName(), batch.shardId(),
                    chunk, handler.pipeline().name()));
            for (int attempt = 1; ; attempt++) {
                List<String> failures = LambdaEvents.batchItemFailures(handler.redrive(event, skip, laneFrom));
                if (failures.isEmpty()) {
                    break;
                }
                if (attempt == ATTEMPTS) {
                    error = "failed " + ATTEMPTS + " times from sequence number " + failures.get(0) + ": "
                            + handler.lastBatchFailure().orElse("unknown error") + " (run eddy redrive again: what"
                            + " was re-driven stays, and the rest follows)";
                    break;
                }
                Thread.sleep(1_000L * attempt);
            }
        }
        ShardCheckpoint after = aws.checkpoints(settings, tableName, List.of(lane)).get(lane);
        Figures done = after.totals().minus(before.totals());
        // heartbeats in the range are read too, and are not records
        int already = (int) Math.max(0, uncommitted.size() - done.records()
                - done.count(dev.eddy.metrics.Metric.HEARTBEATS));
        return new Outcome(batch, records.size(), records.size() - uncommitted.size(), lost, done,
                error == null ? already : 0, error);
    }

    /** @return the shard's records in the batch's range, as far as the stream still holds them */
    private static List<Record> read(KinesisClient kinesis, SkippedBatch batch) {
        List<Record> records = new ArrayList<>();
        String iterator = kinesis.getShardIterator(b -> b.streamName(batch.streamName()).shardId(batch.shardId())
                .shardIteratorType(ShardIteratorType.AT_SEQUENCE_NUMBER)
                .startingSequenceNumber(batch.first().toString())).shardIterator();
        int empty = 0;
        while (iterator != null && empty < 5) {
            String current = iterator;
            GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000));
            for (Record record : response.records()) {
                BigInteger sequence = new BigInteger(record.sequenceNumber());
                if (sequence.compareTo(batch.last()) > 0) {
                    return records;
                }
                if (sequence.compareTo(batch.first()) >= 0) {
                    records.add(record);
                }
            }
            if (response.records().isEmpty()) {
                if (response.millisBehindLatest() == null || response.millisBehindLatest() == 0) {
                    empty++;
                }
            } else {
                empty = 0;
            }
            iterator = response.nextShardIterator();
        }
        return records;
    }

    private static List<Skipped> fromFile(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new UsageError("--from " + file + ": no such file (eddy run writes esm-failures/<pipeline>.jsonl"
                    + " in its --out folder when the event source mapping skips a batch)");
        }
        List<Skipped> skipped = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                SkippedBatch.parse(lines.get(i)).ifPresent(b -> skipped.add(new Skipped(b, null)));
            } catch (IllegalArgumentException e) {
                throw new UsageError(file + ", line " + (i + 1) + ": " + e.getMessage()
                        + "; expected an on-failure record as Lambda sends it (with KinesisBatchInfo)");
            }
        }
        return skipped;
    }

    /**
     * Receives every message of the failure queue: on-failure records of Kinesis batches are kept (deleted once
     * re-driven), the others (Eddy's own failure records) are made visible again at once.
     */
    private static List<Skipped> fromQueue(SqsClient sqs, String queueUrl) {
        List<Skipped> skipped = new ArrayList<>();
        List<Message> others = new ArrayList<>();
        for (int emptyReceives = 0; emptyReceives < 2; ) {
            List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(queueUrl).maxNumberOfMessages(10)
                    .visibilityTimeout(900).waitTimeSeconds(1)).messages();
            if (messages.isEmpty()) {
                emptyReceives++;
                continue;
            }
            for (Message message : messages) {
                try {
                    SkippedBatch.parse(message.body()).ifPresentOrElse(
                            b -> skipped.add(new Skipped(b, message.receiptHandle())), () -> others.add(message));
                } catch (IllegalArgumentException notOurs) {
                    others.add(message);
                }
            }
        }
        for (Message message : others) {
            sqs.changeMessageVisibility(b -> b.queueUrl(queueUrl).receiptHandle(message.receiptHandle())
                    .visibilityTimeout(0));
        }
        progress("%s: %d on-failure records of skipped batches; %d other messages (the pipeline's failure and late"
                + " records) left there", queueUrl, skipped.size(), others.size());
        return skipped;
    }

    /** Prints one block per range and the totals; @return the exit code */
    private static int print(PrintStream out, Pipeline pipeline, List<Outcome> outcomes) {
        out.printf(Locale.ROOT, "%n== redrive: %s ==%n", pipeline.name());
        long lost = 0;
        int failed = 0;
        Figures total = Figures.ZERO;
        for (Outcome o : outcomes) {
            SkippedBatch b = o.batch();
            out.printf(Locale.ROOT, "%n%s · %s – %s · %s %s%n", b.shardId(), b.first(), b.last(), b.condition(),
                    b.timestamp());
            PutCommand.row(out, "in the range", "%,d records (batchSize); %,d read from the stream", b.size(),
                    o.read());
            if (o.committedBefore() > 0) {
                PutCommand.row(out, "committed before", "%,d (before the shard was blocked: left out)",
                        o.committedBefore());
            }
            Figures d = o.done();
            PutCommand.row(out, "re-driven now", "%,d records: %,d late (re-driven after skip), %,d failed, %,d"
                    + " results emitted", d.records(), d.lateRecords(), d.failedRecords(), d.resultsEmitted());
            PutCommand.row(out, "already re-driven", "%,d records", o.alreadyRedriven());
            if (o.lost() > 0) {
                PutCommand.row(out, "lost", "%,d records: past the stream's retention", o.lost());
            }
            if (o.error() != null) {
                PutCommand.row(out, "error", "%s", o.error());
                failed++;
            }
            lost += o.lost();
            total = total.plus(d);
        }
        out.println();
        PutCommand.row(out, "total", "%,d ranges · %,d records re-driven · %,d late (re-driven after skip) · %,d"
                + " failed · %,d results emitted · %,d lost", outcomes.size(), total.records(), total.lateRecords(),
                total.failedRecords(), total.resultsEmitted(), lost);
        if (failed > 0 || lost > 0) {
            System.err.printf(Locale.ROOT, "eddy: error: %s%s%n", failed > 0 ? failed + " ranges failed" : "",
                    lost > 0 ? (failed > 0 ? "; " : "") + lost + " records were past the stream's retention and are"
                            + " lost" : "");
            return EddyCli.EXIT_RUN_FAILED;
        }
        return 0;
    }

    private static void progress(String format, Object... args) {
        System.err.println("[eddy] " + String.format(Locale.ROOT, format, args));
    }
}

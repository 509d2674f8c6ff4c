package dev.eddy.emulator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.emulator.console.FunctionJarOptions;
import dev.eddy.emulator.console.Pipelines;
import dev.eddy.emulator.console.UsageError;
import dev.eddy.emulator.esm.KinesisStreams;
import dev.eddy.emulator.esm.Producer;
import dev.eddy.emulator.input.InputException;
import dev.eddy.emulator.input.InputFile;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ResourceInUseException;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.StreamDescriptionSummary;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/** {@code ./eddy put}: loads a file's records into a Kinesis stream. */
@Command(name = "put", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Loads a JSON array or JSON-lines file into a Kinesis stream.",
            "",
            "Puts the records into a stream (LocalStack, a kinesalite you started, or AWS) in file order, with PutRecords calls of at most 500 records and 5 MiB; entries a call reports as"
                + " failed are put again (10 attempts). Each record's partition key is the named pipeline's key for it,"
                + " as the run command and a well-behaved producer set it, or a top-level field of the record. A record"
                + " without a key (not JSON, or the field missing) is put with the partition key unkeyed-<index>; a key"
                + " over 256 characters, or empty, becomes its SHA-256 in hex, as Eddy's Kinesis sink does. A record over"
                + " 1 MiB with its partition key is refused before anything is put.",
            "",
            "Progress every 2 s on standard error; a summary on standard output: records put and failed, bytes, records/s."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every record was put", "1:some records could not be put (the summary counts them)",
            "2:bad arguments, unreadable input, or no such stream (without --create)"})
final class PutCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longest wait for a stream to become active. */
    private static final Duration STREAM_WAIT = Duration.ofMinutes(2);

    @Parameters(index = "0", paramLabel = "STREAM", description = "the Kinesis stream")
    private String stream;

    @Option(names = "--input", required = true, paramLabel = "FILE",
            description = "records to put: a JSON array, or JSON lines (one record a line)")
    private Path input;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private PartitionKey partitionKey;

    @Mixin
    private FunctionJarOptions function;

    @Mixin
    private AwsOptions aws;

    @Option(names = "--create", description = "create the stream if it does not exist")
    private boolean create;

    @Option(names = "--shards", paramLabel = "N",
            description = "with --create: shards of a new stream, 1-500 (default: the pipeline's with"
                + " --partition-key-from, else 1)")
    private Integer shards;

    @Option(names = "--quiet", description = "no progress lines")
    private boolean quiet;

    /** Where partition keys come from: exactly one of the two. */
    static final class PartitionKey {
        @Option(names = "--partition-key-from", paramLabel = "PIPELINE", required = true, arity = "0..1",
                fallbackValue = "",
                description = "partition key = this pipeline's key of each record (for flight-delays: the origin"
                    + " airport); the name may be left out when the function jar holds one pipeline")
        String pipeline;

        @Option(names = "--partition-key", paramLabel = "FIELD", required = true,
                description = "partition key = this top-level field of each record")
        String field;
    }

    @Override
    public Integer call() throws Exception {
        PrintStream stdout = System.out;
        Progress progress = new Progress(System.err, quiet);
        if (shards != null && !create) {
            throw new UsageError("--shards applies to a stream --create makes; add --create or drop --shards");
        }
        dev.eddy.pipeline.Pipeline plan = null;
        int defaultShards = 1;
        if (partitionKey.pipeline != null) {
            var pipeline = Pipelines.instantiate(function.choose(partitionKey.pipeline.isEmpty() ? null
                    : partitionKey.pipeline)).pipeline();
            plan = pipeline;
            defaultShards = pipeline.source().shards();
        }
        int shardCount = shards != null ? shards : defaultShards;
        if (shardCount < 1 || shardCount > 500) {
            throw new UsageError("--shards must be 1-500, was " + shardCount);
        }
        List<InputFile.Record> records;
        try {
            records = InputFile.read(input);
        } catch (InputException e) {
            throw new UsageError(e.getMessage());
        }
        List<Producer.Entry> entries = new ArrayList<>(records.size());
        int unkeyed = 0;
        long totalBytes = 0;
        for (int i = 0; i < records.size(); i++) {
            byte[] data = records.get(i).data();
            Optional<String> key = plan != null ? plan.keyOf(data) : Optional.ofNullable(field(data));
            unkeyed += key.isEmpty() ? 1 : 0;
            Producer.Entry entry = Producer.Entry.of(data, i, records.get(i).line(), key);
            if (entry.refusal() != null) {
                throw new UsageError("line " + entry.line() + " of " + input + ": " + entry.refusal()
                        + "; nothing was put");
            }
            entries.add(entry);
            totalBytes += entry.bytes();
        }

        try (KinesisClient kinesis = aws.kinesis()) {
            int openShards = ensureStream(kinesis, shardCount, progress);
            progress.say("putting %,d records (%,d bytes) from %s into stream %s (%d open shards) at %s",
                    records.size(), totalBytes, input, stream, openShards, aws.describe("KINESIS"));
            if (unkeyed > 0) {
                progress.say("%,d records have no %s: they go in with the partition key unkeyed-<index>", unkeyed,
                        plan != null ? "key for pipeline " + partitionKey.pipeline
                                : "top-level field '" + partitionKey.field + "'");
            }
            Producer producer = new Producer(kinesis, stream);
            long started = System.nanoTime();
            long bytesPut = 0;
            RuntimeException failure = null;
            Progress reporter = progress.every(() -> String.format(Locale.ROOT, "put %,d/%,d records · %,.0f"
                    + " records/s", producer.put(), records.size(), producer.put() / seconds(started)));
            try {
                for (int from = 0; from < entries.size(); from += Producer.MAX_RECORDS_PER_CALL) {
                    List<Producer.Entry> call = entries.subList(from, Math.min(entries.size(),
                            from + Producer.MAX_RECORDS_PER_CALL));
                    producer.putAll(call, (index, shardId, sequenceNumber) -> { });
                    for (Producer.Entry entry : call) {
                        bytesPut += entry.bytes();
                    }
                }
            } catch (IllegalStateException | SdkException e) {
                failure = e;
            } finally {
                reporter.close();
            }
            double seconds = seconds(started);
            long put = producer.put();
            stdout.printf(Locale.ROOT, "%n== put: %s ==%n", stream);
            row(stdout, "records put", "%,d of %,d into stream %s (%d open shards)", put, records.size(), stream,
                    openShards);
            row(stdout, "failed", "%,d", records.size() - put);
            row(stdout, "bytes", "%,d (data and partition keys)%s", bytesPut, failure == null ? ""
                    : " in the calls that completed");
            row(stdout, "partition keys", "%,d distinct: %s", entries.stream().map(Producer.Entry::partitionKey)
                    .distinct().count(), plan != null
                    ? "the key of pipeline " + partitionKey.pipeline : "field '" + partitionKey.field + "'");
            if (unkeyed > 0) {
                row(stdout, "without a key", "%,d (put with partition key unkeyed-<index>)", unkeyed);
            }
            row(stdout, "wall time", "%s (%,.0f records/s)", Duration.ofMillis((long) (seconds * 1000)).toString()
                    .substring(2).toLowerCase(Locale.ROOT), put / seconds);
            if (failure != null) {
                System.err.println("eddy: error: " + (records.size() - put) + " of " + records.size()
                        + " records were not put into " + stream + ": " + EddyCli.oneLine(failure));
                return EddyCli.EXIT_RUN_FAILED;
            }
            return 0;
        }
    }

    /** @return the stream's open shards, after creating it if asked to */
    private int ensureStream(KinesisClient kinesis, int shardCount, Progress progress) throws InterruptedException {
        StreamDescriptionSummary summary = describe(kinesis);
        if (summary == null && !create) {
            throw new UsageError("stream '" + stream + "' does not exist at " + aws.describe("KINESIS")
                    + "; add --create [--shards N] to create it");
        }
        if (summary == null) {
            try {
                kinesis.createStream(b -> b.streamName(stream).shardCount(shardCount));
                progress.say("created stream %s with %d shards", stream, shardCount);
            } catch (ResourceInUseException exists) {
                // created meanwhile
            }
        } else if (create && shards != null && summary.openShardCount() != shards) {
            progress.say("stream %s exists with %d open shards; putting into it as it is", stream,
                    summary.openShardCount());
        }
        // a stream being resharded (UPDATING) still takes records
        return KinesisStreams.awaitStatus(kinesis, stream, STREAM_WAIT, StreamStatus.ACTIVE, StreamStatus.UPDATING)
                .openShardCount();
    }

    private StreamDescriptionSummary describe(KinesisClient kinesis) {
        try {
            return kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary();
        } catch (ResourceNotFoundException missing) {
            return null;
        }
    }

    /** @return the record's top-level field as a partition key, or {@code null} if it has none */
    private String field(byte[] record) {
        JsonNode node;
        try {
            node = JSON.readTree(record);
        } catch (IOException notJson) {
            return null;
        }
        JsonNode value = node == null ? null : node.get(partitionKey.field);
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static double seconds(long startedNanos) {
        return Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e9);
    }

    static void row(PrintStream stdout, String label, String format, Object... args) {
        stdout.printf(Locale.ROOT, "  %-22s %s%n", label, String.format(Locale.ROOT, format, args));
    }
}

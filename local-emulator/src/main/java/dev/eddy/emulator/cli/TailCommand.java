package dev.eddy.emulator.cli;

import dev.eddy.emulator.console.UsageError;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./eddy tail}: prints the records of a stream, or what a sink holds, as JSON lines. Checks the options and
 * hands over to the reader of the source: {@link StreamTail} (a Kinesis stream), {@link QueueTail} (an SQS queue) or
 * {@link DeliveryStreamTail} (a Firehose delivery stream's S3 objects); each prints through a {@link TailOutput}
 * the lines {@link TailLines} writes.
 */
@Command(name = "tail", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Prints the records of a stream, or of an SQS queue or Firehose destination, as JSON lines.",
            "",
            "Reads a Kinesis stream's records and prints them on standard output, every shard (open and closed)"
                + " in shard-id order, each in sequence order: {\"shardId\", \"sequenceNumber\", \"partitionKey\","
                + " \"approximateArrivalTimestamp\", and the record's bytes as \"data\" (the JSON value, when they are"
                + " UTF-8 JSON), else \"text\" (UTF-8 text), else \"base64\"}. Without --follow it stops at the end of"
                + " every shard; with it, it polls the shards (children of a reshard included) until --limit or"
                + " Ctrl-C. Nothing is consumed: tail only reads.",
            "",
            "--sink sqs:NAME prints a queue's messages (such as the failure destination eddy-<pipeline>-failures)"
                + " without deleting them: each is received with a visibility timeout of "
                + QueueTail.VISIBILITY_SECONDS + " s and made visible again at the end, so other consumers still get"
                + " it; its receive count goes up by one, which counts toward a redrive policy's maxReceiveCount."
                + " Lines: {\"queue\", \"messageId\", \"sentTimestamp\", \"receiveCount\", \"attributes\","
                + " \"data\"|\"text\"}.",
            "",
            "--sink firehose:NAME prints the records a delivery stream wrote to its S3 destination (objects in key"
                + " order, uncompressed or GZIP), once Firehose has flushed its buffer (60 s or more in AWS). Lines:"
                + " {\"deliveryStream\", \"bucket\", \"key\", \"data\"|\"text\"}.",
            "",
            "--sink kinesis:NAME is the same as naming the stream. An SNS topic keeps no messages: tail an SQS queue"
                + " subscribed to it. --from, --shard and --follow are for streams.",
            "",
            "Progress every 2 s and a count at the end go to standard error."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:read to the end (or to --limit)", "1:a request failed",
            "2:bad arguments, or no such stream, queue or delivery stream"})
final class TailCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "STREAM", description = "the Kinesis stream to read")
    private String stream;

    @Option(names = "--sink", paramLabel = "KIND:NAME",
            description = "read a destination instead of a stream: sqs:NAME, firehose:NAME or kinesis:NAME")
    private String sink;

    @Mixin
    private AwsOptions aws;

    @Option(names = "--from", paramLabel = "POSITION",
            description = "where each shard is read from: trim-horizon (the oldest record kept, the default), latest"
                + " (records put from now on; needs --follow) or an ISO-8601 time such as 2024-03-01T12:00:00Z"
                + " (records that arrived from then on)")
    private String from;

    @Option(names = "--shard", paramLabel = "SHARD_ID", description = "read this shard only")
    private String shardId;

    @Option(names = "--limit", paramLabel = "N", description = "stop after N records (default: no limit)")
    private Long limit;

    @Option(names = "--follow", description = "keep reading the stream as records arrive, until --limit or Ctrl-C")
    private boolean follow;

    @Option(names = "--quiet", description = "no progress lines and no count at the end")
    private boolean quiet;

    @Override
    public Integer call() throws Exception {
        if ((stream == null) == (sink == null)) {
            throw new UsageError("name a stream or a --sink (one of the two)");
        }
        if (limit != null && limit < 1) {
            throw new UsageError("--limit must be 1 or more, was " + limit);
        }
        TailOutput out = new TailOutput(System.out, limit);
        Progress progress = new Progress(System.err, quiet);
        if (stream != null) {
            return new StreamTail(aws, out, progress, shardId, follow).tail(stream, from);
        }
        int colon = sink.indexOf(':');
        String kind = colon < 0 ? "" : sink.substring(0, colon).toLowerCase(Locale.ROOT);
        String name = colon < 0 ? "" : sink.substring(colon + 1);
        if (name.isEmpty()) {
            throw new UsageError("--sink takes KIND:NAME, e.g. sqs:eddy-flight-delays-failures, was '"
                    + sink + "'");
        }
        if (kind.equals("kinesis")) {
            return new StreamTail(aws, out, progress, shardId, follow).tail(name, from);
        }
        if (from != null || shardId != null || follow) {
            throw new UsageError("--from, --shard and --follow are for streams, not --sink " + kind + ":…");
        }
        return switch (kind) {
            case "sqs" -> new QueueTail(aws, out, progress).tail(name);
            case "firehose" -> new DeliveryStreamTail(aws, out, progress).tail(name);
            case "sns" -> throw new UsageError("an SNS topic keeps no messages: tail an SQS queue subscribed"
                    + " to it (--sink sqs:NAME; `./eddy run --sinks moto` subscribes " + name + "-tap)");
            default -> throw new UsageError("--sink kind must be sqs, firehose or kinesis, was '" + kind + "'");
        };
    }
}

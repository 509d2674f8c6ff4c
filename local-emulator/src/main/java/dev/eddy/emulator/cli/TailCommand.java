package dev.eddy.emulator.cli;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.CompressionFormat;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.DestinationDescription;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/** {@code ./eddy tail}: prints the records of a stream, or what a sink holds, as JSON lines. */
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
                + TailCommand.VISIBILITY_SECONDS + " s and made visible again at the end, so other consumers still get"
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

    /** Seconds a received SQS message stays invisible before tail makes it visible again (or it times out). */
    static final int VISIBILITY_SECONDS = 60;
    /** Most records one {@code GetRecords} call returns. */
    private static final int MAX_GET_RECORDS = 10_000;
    /** Pause after a round of polls that brought nothing, with --follow (GetRecords: 5 calls/s per shard). */
    private static final long FOLLOW_IDLE_MS = 1_000;
    /** How often --follow looks for new shards (a reshard) besides when a shard ends. */
    private static final long RELIST_MS = 30_000;

    private static final JsonMapper OUT = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    private static final JsonMapper IN = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES).build();

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

    private final AtomicLong printed = new AtomicLong();
    /** Standard output can no longer be written. */
    private volatile boolean outputClosed;

    @Override
    public Integer call() throws Exception {
        if ((stream == null) == (sink == null)) {
            throw new EddyCli.UsageError("name a stream or a --sink (one of the two)");
        }
        if (limit != null && limit < 1) {
            throw new EddyCli.UsageError("--limit must be 1 or more, was " + limit);
        }
        PrintStream stdout = System.out;
        Progress progress = new Progress(System.err, quiet);
        if (stream != null) {
            return tailStream(stream, stdout, progress);
        }
        int colon = sink.indexOf(':');
        String kind = colon < 0 ? "" : sink.substring(0, colon).toLowerCase(Locale.ROOT);
        String name = colon < 0 ? "" : sink.substring(colon + 1);
        if (name.isEmpty()) {
            throw new EddyCli.UsageError("--sink takes KIND:NAME, e.g. sqs:eddy-flight-delays-failures, was '"
                    + sink + "'");
        }
        if (kind.equals("kinesis")) {
            return tailStream(name, stdout, progress);
        }
        if (from != null || shardId != null || follow) {
            throw new EddyCli.UsageError("--from, --shard and --follow are for streams, not --sink " + kind + ":…");
        }
        return switch (kind) {
            case "sqs" -> tailQueue(name, stdout, progress);
            case "firehose" -> tailDeliveryStream(name, stdout, progress);
            case "sns" -> throw new EddyCli.UsageError("an SNS topic keeps no messages: tail an SQS queue subscribed"
                    + " to it (--sink sqs:NAME; `./eddy run --sinks moto` subscribes " + name + "-tap)");
            default -> throw new EddyCli.UsageError("--sink kind must be sqs, firehose or kinesis, was '" + kind + "'");
        };
    }

    // ---------------------------------------------------------------------------------------------- streams

    /** A shard being read: its iterator and the last sequence number printed. */
    private static final class ShardReader {
        final String shardId;
        String iterator;
        String lastSequenceNumber;
        long records;
        boolean ended;

        ShardReader(String shardId) {
            this.shardId = shardId;
        }
    }

    private int tailStream(String name, PrintStream stdout, Progress progress) throws InterruptedException {
        ShardIteratorType type;
        Instant at = null;
        String position = from == null ? "trim-horizon" : from.toLowerCase(Locale.ROOT);
        if (position.equals("trim-horizon")) {
            type = ShardIteratorType.TRIM_HORIZON;
        } else if (position.equals("latest")) {
            type = ShardIteratorType.LATEST;
            if (!follow) {
                throw new EddyCli.UsageError("--from latest reads only records put from now on: add --follow");
            }
        } else {
            try {
                at = Instant.parse(from);
            } catch (DateTimeParseException e) {
                throw new EddyCli.UsageError("--from takes trim-horizon, latest or an ISO-8601 time such as"
                        + " 2024-03-01T12:00:00Z, was '" + from + "'");
            }
            type = ShardIteratorType.AT_TIMESTAMP;
        }
        try (KinesisClient kinesis = aws.kinesis()) {
            Map<String, ShardReader> readers = new LinkedHashMap<>();
            for (Shard shard : shards(kinesis, name)) {
                if (type == ShardIteratorType.LATEST && !StreamShards.open(shard)) {
                    continue; // a closed shard gets no new records
                }
                readers.put(shard.shardId(), open(kinesis, name, shard.shardId(), type, at));
            }
            progress.say("reading %d shards of stream %s at %s", readers.size(), name, aws.describe("KINESIS"));
            Thread summary = new Thread(() -> countAtEnd(progress, name, readers));
            if (follow) {
                Runtime.getRuntime().addShutdownHook(summary); // Ctrl-C still prints the count
            }
            Progress reporter = progress.every(() -> String.format(Locale.ROOT, "read %,d records", printed.get()));
            try {
                if (follow) {
                    follow(kinesis, name, readers, stdout);
                } else {
                    for (ShardReader reader : readers.values()) {
                        while (!reader.ended && !limitReached()) {
                            GetRecordsResponse response = poll(kinesis, name, reader, stdout);
                            if (response.records().isEmpty() && !reader.ended) {
                                if (response.millisBehindLatest() == null || response.millisBehindLatest() == 0) {
                                    break; // caught up with an open shard
                                }
                                Thread.sleep(200); // behind, but this call found nothing: ask again
                            }
                        }
                    }
                }
            } finally {
                reporter.close();
                stdout.flush();
                if (follow) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(summary);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is running
                    }
                }
            }
            countAtEnd(progress, name, readers);
            return 0;
        }
    }

    private void follow(KinesisClient kinesis, String name, Map<String, ShardReader> readers, PrintStream stdout)
            throws InterruptedException {
        long listed = System.currentTimeMillis();
        while (!limitReached()) {
            boolean got = false;
            boolean shardEnded = false;
            for (ShardReader reader : List.copyOf(readers.values())) {
                if (reader.ended || limitReached()) {
                    continue;
                }
                got |= !poll(kinesis, name, reader, stdout).records().isEmpty();
                shardEnded |= reader.ended;
            }
            if (shardId == null && (shardEnded || System.currentTimeMillis() - listed > RELIST_MS)) {
                for (Shard shard : StreamShards.list(kinesis, name, aws.describe("KINESIS"))) {
                    boolean parentsRead = StreamShards.parents(shard).stream()
                            .noneMatch(p -> readers.containsKey(p) && !readers.get(p).ended);
                    if (!readers.containsKey(shard.shardId()) && parentsRead) {
                        // a child of a reshard: every record it has is new
                        readers.put(shard.shardId(), open(kinesis, name, shard.shardId(),
                                ShardIteratorType.TRIM_HORIZON, null));
                    }
                }
                listed = System.currentTimeMillis();
            }
            if (!got) {
                Thread.sleep(FOLLOW_IDLE_MS);
            }
        }
    }

    private List<Shard> shards(KinesisClient kinesis, String name) {
        List<Shard> shards = StreamShards.list(kinesis, name, aws.describe("KINESIS"));
        if (shardId == null) {
            return shards;
        }
        List<Shard> one = shards.stream().filter(s -> s.shardId().equals(shardId)).toList();
        if (one.isEmpty()) {
            throw new EddyCli.UsageError("stream " + name + " has no shard " + shardId + "; its shards: "
                    + String.join(", ", shards.stream().map(Shard::shardId).toList()));
        }
        return one;
    }

    private static ShardReader open(KinesisClient kinesis, String name, String shard, ShardIteratorType type,
            Instant at) {
        ShardReader reader = new ShardReader(shard);
        reader.iterator = kinesis.getShardIterator(b -> b.streamName(name).shardId(shard).shardIteratorType(type)
                .timestamp(at)).shardIterator();
        reader.ended = reader.iterator == null;
        return reader;
    }

    /** One {@code GetRecords}: prints what it brings and moves the reader on. */
    private GetRecordsResponse poll(KinesisClient kinesis, String name, ShardReader reader, PrintStream stdout) {
        int max = (int) Math.min(MAX_GET_RECORDS, limit == null ? MAX_GET_RECORDS : limit - printed.get());
        GetRecordsResponse response;
        try {
            String iterator = reader.iterator;
            response = kinesis.getRecords(b -> b.shardIterator(iterator).limit(max));
        } catch (ExpiredIteratorException expired) {
            // iterators last 5 minutes: continue after the last record printed
            reader.iterator = reader.lastSequenceNumber == null
                    ? kinesis.getShardIterator(b -> b.streamName(name).shardId(reader.shardId)
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator()
                    : kinesis.getShardIterator(b -> b.streamName(name).shardId(reader.shardId)
                            .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                            .startingSequenceNumber(reader.lastSequenceNumber)).shardIterator();
            return GetRecordsResponse.builder().records(List.of()).nextShardIterator(reader.iterator).build();
        }
        for (Record record : response.records()) {
            if (limitReached()) {
                break;
            }
            stdout.println(line(reader.shardId, record));
            reader.lastSequenceNumber = record.sequenceNumber();
            reader.records++;
            printed.incrementAndGet();
        }
        if (stdout.checkError()) {
            outputClosed = true; // e.g. piped into head, which has exited
        }
        reader.iterator = response.nextShardIterator();
        reader.ended = reader.iterator == null; // a closed shard read to its end
        return response;
    }

    private boolean limitReached() {
        return outputClosed || limit != null && printed.get() >= limit;
    }

    private void countAtEnd(Progress progress, String name, Map<String, ShardReader> readers) {
        List<String> perShard = new ArrayList<>();
        readers.values().forEach(r -> perShard.add(String.format(Locale.ROOT, "%s %,d", r.shardId, r.records)));
        progress.say("%,d records from stream %s (%s)", printed.get(), name, String.join(", ", perShard));
    }

    static String line(String shard, Record record) {
        ObjectNode line = OUT.createObjectNode();
        line.put("shardId", shard);
        line.put("sequenceNumber", record.sequenceNumber());
        line.put("partitionKey", record.partitionKey());
        line.put("approximateArrivalTimestamp", record.approximateArrivalTimestamp() == null ? null
                : record.approximateArrivalTimestamp().toString());
        payload(line, record.data().asByteArrayUnsafe());
        return write(line);
    }

    // ---------------------------------------------------------------------------------------------- SQS

    private int tailQueue(String queue, PrintStream stdout, Progress progress) {
        try (SqsClient sqs = aws.sqs()) {
            String url;
            try {
                url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
            } catch (QueueDoesNotExistException missing) {
                throw new EddyCli.UsageError("queue '" + queue + "' does not exist at " + aws.describe("SQS"));
            } catch (SqsException e) {
                String code = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
                if (code.contains("NonExistentQueue") || code.contains("QueueDoesNotExist")) {
                    // the Query protocol's code, which some emulators still answer with
                    throw new EddyCli.UsageError("queue '" + queue + "' does not exist at " + aws.describe("SQS"));
                }
                throw e;
            }
            progress.say("reading queue %s at %s (messages stay in the queue)", queue, aws.describe("SQS"));
            Map<String, String> handles = new LinkedHashMap<>(); // message id -> latest receipt handle
            try {
                int idle = 0;
                while (idle < 2 && !limitReached()) {
                    List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                            .waitTimeSeconds(1).visibilityTimeout(VISIBILITY_SECONDS).messageAttributeNames("All")
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
                    boolean fresh = false;
                    for (Message message : messages) {
                        if (handles.put(message.messageId(), message.receiptHandle()) == null && !limitReached()) {
                            stdout.println(line(queue, message));
                            printed.incrementAndGet();
                            fresh = true;
                        }
                    }
                    idle = fresh ? 0 : idle + 1;
                    outputClosed |= stdout.checkError();
                }
            } finally {
                stdout.flush();
                release(sqs, url, handles, progress);
            }
            progress.say("%,d messages from queue %s", printed.get(), queue);
            return 0;
        }
    }

    /** Makes the received messages visible again at once. */
    private static void release(SqsClient sqs, String url, Map<String, String> handles, Progress progress) {
        List<String> receipts = List.copyOf(handles.values());
        int failed = 0;
        for (int from = 0; from < receipts.size(); from += 10) {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(receipts.size(), from + 10); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id("m" + i)
                        .receiptHandle(receipts.get(i)).visibilityTimeout(0).build());
            }
            try {
                failed += sqs.changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(entries)).failed().size();
            } catch (RuntimeException e) {
                failed += entries.size();
            }
        }
        if (failed > 0) {
            progress.say("%,d messages could not be made visible again; they reappear after %d s", failed,
                    VISIBILITY_SECONDS);
        }
    }

    static String line(String queue, Message message) {
        ObjectNode line = OUT.createObjectNode();
        line.put("queue", queue);
        line.put("messageId", message.messageId());
        Map<MessageSystemAttributeName, String> system = message.attributes();
        String sent = system.get(MessageSystemAttributeName.SENT_TIMESTAMP);
        line.put("sentTimestamp", sent == null ? null : Instant.ofEpochMilli(Long.parseLong(sent)).toString());
        String received = system.get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        if (received != null) {
            line.put("receiveCount", Integer.parseInt(received));
        }
        String group = system.get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
        if (group != null) {
            line.put("messageGroupId", group);
        }
        ObjectNode attributes = line.putObject("attributes");
        new java.util.TreeMap<>(message.messageAttributes()).forEach((name, value) -> attributes.put(name,
                value.stringValue() != null ? value.stringValue() : base64(value)));
        payload(line, message.body().getBytes(StandardCharsets.UTF_8));
        return write(line);
    }

    private static String base64(MessageAttributeValue value) {
        return value.binaryValue() == null ? null : Base64.getEncoder().encodeToString(value.binaryValue().asByteArray());
    }

    // ---------------------------------------------------------------------------------------------- Firehose

    private int tailDeliveryStream(String name, PrintStream stdout, Progress progress) throws IOException {
        try (FirehoseClient firehose = aws.firehose(); S3Client s3 = aws.s3()) {
            DeliveryStreamDescription description;
            try {
                description = firehose.describeDeliveryStream(b -> b.deliveryStreamName(name))
                        .deliveryStreamDescription();
            } catch (software.amazon.awssdk.services.firehose.model.ResourceNotFoundException missing) {
                throw new EddyCli.UsageError("delivery stream '" + name + "' does not exist at "
                        + aws.describe("FIREHOSE"));
            }
            String bucketArn = null;
            String prefix = null;
            CompressionFormat compression = null;
            for (DestinationDescription destination : description.destinations()) {
                if (destination.extendedS3DestinationDescription() != null) {
                    var s3Destination = destination.extendedS3DestinationDescription();
                    bucketArn = s3Destination.bucketARN();
                    prefix = s3Destination.prefix();
                    compression = s3Destination.compressionFormat();
                    break;
                }
                if (destination.s3DestinationDescription() != null) {
                    var s3Destination = destination.s3DestinationDescription();
                    bucketArn = s3Destination.bucketARN();
                    prefix = s3Destination.prefix();
                    compression = s3Destination.compressionFormat();
                    break;
                }
            }
            if (bucketArn == null) {
                throw new EddyCli.UsageError("delivery stream " + name + " does not deliver to S3; tail reads only an"
                        + " S3 destination");
            }
            if (compression != null && compression != CompressionFormat.UNCOMPRESSED
                    && compression != CompressionFormat.GZIP) {
                throw new EddyCli.UsageError("delivery stream " + name + " compresses with " + compression
                        + "; tail reads uncompressed and GZIP objects");
            }
            boolean gzip = compression == CompressionFormat.GZIP;
            String bucket = bucketArn.substring(bucketArn.lastIndexOf(':') + 1);
            // a prefix with expressions (!{timestamp:yyyy}/…) is listed up to the first expression
            String listPrefix = prefix == null ? "" : prefix.contains("!{")
                    ? prefix.substring(0, prefix.indexOf("!{")) : prefix;
            progress.say("reading s3://%s/%s, where delivery stream %s writes", bucket, listPrefix, name);
            List<S3Object> objects = new ArrayList<>();
            s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(listPrefix)).contents().forEach(objects::add);
            objects.sort(Comparator.comparing(S3Object::key));
            for (S3Object object : objects) {
                if (limitReached()) {
                    break;
                }
                byte[] bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(object.key())).asByteArray();
                if (gzip) {
                    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
                        bytes = in.readAllBytes();
                    }
                }
                for (byte[] record : records(bytes)) {
                    if (limitReached()) {
                        break;
                    }
                    ObjectNode line = OUT.createObjectNode();
                    line.put("deliveryStream", name);
                    line.put("bucket", bucket);
                    line.put("key", object.key());
                    payload(line, record);
                    stdout.println(write(line));
                    printed.incrementAndGet();
                }
                outputClosed |= stdout.checkError();
            }
            stdout.flush();
            progress.say("%,d records in %,d object%s of delivery stream %s", printed.get(), objects.size(),
                    objects.size() == 1 ? "" : "s", name);
            return 0;
        }
    }

    /**
     * @param object an S3 object Firehose wrote
     * @return its records: the JSON values in it (one a line, or concatenated), else its non-empty lines
     */
    static List<byte[]> records(byte[] object) {
        List<byte[]> records = new ArrayList<>();
        try (MappingIterator<JsonNode> values = IN.readerFor(JsonNode.class)
                .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).readValues(object)) {
            while (values.hasNextValue()) {
                records.add(IN.writeValueAsBytes(values.nextValue()));
            }
            return records;
        } catch (IOException | RuntimeException notJson) {
            records.clear();
        }
        for (String line : new String(object, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isEmpty()) {
                records.add(line.getBytes(StandardCharsets.UTF_8));
            }
        }
        return records;
    }

    // ---------------------------------------------------------------------------------------------- payloads

    /**
     * Puts a record's bytes into its line: {@code data} (the JSON value) if they are UTF-8 JSON, else {@code text}
     * if they are UTF-8, else {@code base64}.
     */
    static void payload(ObjectNode line, byte[] bytes) {
        try {
            JsonNode value = IN.readTree(bytes);
            if (value != null && !value.isMissingNode()) {
                line.set("data", value);
                return;
            }
        } catch (IOException notJson) {
            // below
        }
        try {
            line.put("text", StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException notText) {
            line.put("base64", Base64.getEncoder().encodeToString(bytes));
        }
    }

    private static String write(ObjectNode line) {
        try {
            return OUT.writeValueAsString(line);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a line: " + e.getMessage(), e);
        }
    }
}

package dev.eddy.emulator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.config.EddySettings;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.dynamodb.DynamoDbStateBackend;
import dev.eddy.state.dynamodb.table.StateTable;
import java.io.PrintStream;
import java.net.URI;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** {@code ./eddy status}: where a pipeline stands, per shard of its stream. */
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

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** Eddy's metrics that the checkpoint does not keep: only CloudWatch has them. */
    private static final List<String> CLOUDWATCH_ONLY = List.of("SinkRetries", "BatchDuration");
    private static final int MAX_GET_RECORDS = 10_000;
    /** Empty responses in a row, while the shard is reported behind, before counting gives up (AWS only). */
    private static final int MAX_EMPTY_READS = 5;

    @Parameters(index = "0", paramLabel = "PIPELINE", description = "pipeline name, e.g. flight-delays")
    private String pipelineName;

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

    /**
     * One shard's status.
     *
     * @param shard the shard
     * @param checkpoint its checkpoint (version 0 if none was committed)
     * @param behind records after the checkpoint, counted up to the limit
     * @param behindAtLeast whether counting stopped at the limit
     * @param latestSequenceNumber the shard's last record, if counting reached it
     * @param oldestPending arrival time of the first record after the checkpoint, or {@code null} if none
     * @param millisBehindLatest what Kinesis reported for that first read
     * @param note why the records behind could not be read, or {@code null}
     */
    record ShardStatus(Shard shard, ShardCheckpoint checkpoint, long behind, boolean behindAtLeast,
            String latestSequenceNumber, Instant oldestPending, Long millisBehindLatest, String note) {
    }

    @Override
    public Integer call() {
        Pipeline pipeline = Pipelines.instantiate(Pipelines.find(pipelineName)).pipeline();
        String streamName = stream != null ? stream : pipeline.source().streamName();
        String tableName = table != null ? table : EddySettings.defaultStateTable(pipeline.name());
        if (countMax < 1) {
            throw new EddyCli.UsageError("--count-max must be 1 or more, was " + countMax);
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
                    throw new EddyCli.UsageError("state table '" + tableName + "' does not exist at "
                            + aws.describe("DYNAMODB") + ": the pipeline has not run there, or give --table NAME");
                }
                List<Shard> shards = StreamShards.list(kinesis, streamName, aws.describe("KINESIS"));
                if (items) {
                    itemCounts = countItems(dynamo, tableName, checkpointed);
                }
                List<ShardStatus> statuses = shards.stream().map(s -> status(kinesis, state, streamName, s)).toList();
                Set<String> listed = new HashSet<>(shards.stream().map(Shard::shardId).toList());
                checkpointed.removeAll(listed);
                if (json) {
                    printJson(System.out, pipeline.name(), streamName, tableName, now, statuses, itemCounts,
                            checkpointed);
                } else {
                    printText(System.out, pipeline.name(), streamName, tableName, now, statuses, itemCounts,
                            checkpointed);
                }
            }
            return 0;
        }
    }

    private ShardStatus status(KinesisClient kinesis, DynamoDbStateBackend state, String streamName, Shard shard) {
        ShardCheckpoint checkpoint = state.readCheckpoint(shard.shardId());
        long behind = 0;
        boolean atLeast = false;
        String latest = checkpoint.sequenceNumber() == null ? null : checkpoint.sequenceNumber().toString();
        Instant oldest = null;
        Long millisBehind = null;
        try {
            String iterator = checkpoint.sequenceNumber() == null
                    ? kinesis.getShardIterator(b -> b.streamName(streamName).shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator()
                    : kinesis.getShardIterator(b -> b.streamName(streamName).shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                            .startingSequenceNumber(checkpoint.sequenceNumber().toString())).shardIterator();
            int empty = 0;
            boolean first = true;
            while (iterator != null) {
                String current = iterator;
                // the first read takes one record: the oldest waiting, and Kinesis's own MillisBehindLatest for it
                int max = first ? 1 : (int) Math.min(MAX_GET_RECORDS, countMax + 1 - behind);
                GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(current).limit(max));
                if (first) {
                    millisBehind = response.millisBehindLatest();
                    first = false;
                }
                if (!response.records().isEmpty()) {
                    if (oldest == null) {
                        oldest = response.records().get(0).approximateArrivalTimestamp();
                    }
                    behind += response.records().size();
                    latest = response.records().get(response.records().size() - 1).sequenceNumber();
                    empty = 0;
                } else if (response.millisBehindLatest() == null || response.millisBehindLatest() == 0
                        || ++empty >= MAX_EMPTY_READS) {
                    break; // at the tip of the shard
                }
                if (behind > countMax) {
                    behind = countMax;
                    atLeast = true;
                    latest = null;
                    break;
                }
                iterator = response.nextShardIterator();
            }
        } catch (KinesisException e) {
            return new ShardStatus(shard, checkpoint, 0, false, null, null, null,
                    "cannot read the records after the checkpoint: " + EddyCli.oneLine(e));
        }
        return new ShardStatus(shard, checkpoint, behind, atLeast, latest, oldest, millisBehind, null);
    }

    /** Counts the table's items by the type their partition key starts with; collects checkpointed shard ids. */
    private static Map<String, Long> countItems(DynamoDbClient dynamo, String tableName, Set<String> checkpointed) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String type : List.of("keyState", "eventTimeTimerBuckets", "processingTimeTimerBuckets", "checkpoints",
                "doneMarkers", "other")) {
            counts.put(type, 0L);
        }
        dynamo.scanPaginator(b -> b.tableName(tableName).projectionExpression(StateTable.PK)
                .returnConsumedCapacity(ReturnConsumedCapacity.NONE)).items().forEach(item -> {
                    String pk = item.get(StateTable.PK).s();
                    String type = switch (pk.length() > 1 && pk.charAt(1) == '#' ? pk.charAt(0) : '?') {
                        case 'W' -> "keyState";
                        case 'T' -> "eventTimeTimerBuckets";
                        case 'P' -> "processingTimeTimerBuckets";
                        case 'C' -> "checkpoints";
                        case 'I' -> "doneMarkers";
                        default -> "other";
                    };
                    counts.merge(type, 1L, Long::sum);
                    if (type.equals("checkpoints")) {
                        checkpointed.add(pk.substring(2));
                    }
                });
        return counts;
    }

    // ---------------------------------------------------------------------------------------------- output

    private void printText(PrintStream out, String pipeline, String streamName, String tableName, Instant now,
            List<ShardStatus> statuses, Map<String, Long> itemCounts, Set<String> unlisted) {
        long open = statuses.stream().filter(s -> StreamShards.open(s.shard())).count();
        out.printf(Locale.ROOT, "%n== status: %s ==%n", pipeline);
        PutCommand.row(out, "stream", "%s at %s: %d shards, %d open", streamName, aws.describe("KINESIS"),
                statuses.size(), open);
        PutCommand.row(out, "state table", "%s at %s", tableName, aws.describe("DYNAMODB"));
        PutCommand.row(out, "as of", "%s", now);
        for (ShardStatus s : statuses) {
            ShardCheckpoint c = s.checkpoint();
            boolean shardOpen = StreamShards.open(s.shard());
            out.printf(Locale.ROOT, "%n%s · %s%n", s.shard().shardId(), shardOpen ? "open"
                    : s.note() == null && s.behind() == 0 ? "closed, read to its end" : "closed");
            List<String> parents = StreamShards.parents(s.shard());
            PutCommand.row(out, "parents", "%s", parents.isEmpty() ? "-" : String.join(", ", parents));
            PutCommand.row(out, "checkpoint", "%s", c.sequenceNumber() == null
                    ? c.version() == 0 ? "none: no batch committed yet" : "no record yet (" + commits(c) + ")"
                    : c.sequenceNumber() + " (" + commits(c) + ")");
            PutCommand.row(out, "watermark", "%s", c.watermarkMs() == Long.MAX_VALUE
                    ? "end of input (drained: every window fired)" : time(c.watermarkMs()));
            Long lag = watermarkLagMs(now, c);
            metric(out, "watermark lag", lag != null ? duration(lag)
                    : c.watermarkMs() == Long.MAX_VALUE ? "none: end of input" : "none yet", "WatermarkLag",
                    lag == null ? "" : " (wall clock − watermark)");
            PutCommand.row(out, "max event time", "%s", time(c.maxEventTimeMs()));
            Figures t = c.totals();
            PutCommand.row(out, "totals", "%s", c.version() == 0 ? "none: no batch committed yet"
                    : "committed with the checkpoint, each batch once");
            count(out, "records processed", t.records(), "Records");
            count(out, "replays skipped", t.replaysSkipped(), "ReplaysSkipped");
            count(out, "failed records", t.failedRecords(), "FailedRecords");
            count(out, "late records", t.lateRecords(), "LateRecords");
            count(out, "windows fired", t.windowsFired(), "WindowsFired");
            count(out, "results emitted", t.resultsEmitted(), "ResultsEmitted");
            count(out, "deadline stops", t.deadlineStops(), "DeadlineStops");
            metric(out, "state write units", units(t.writeUnits()), "StateWriteUnits",
                    " (as known before the last commit)");
            metric(out, "state read units", units(t.readUnits()), "StateReadUnits", "");
            if (s.note() != null) {
                PutCommand.row(out, "behind", "%s", s.note());
                continue;
            }
            PutCommand.row(out, "behind", "%s", s.behind() == 0 ? "0 records (caught up)"
                    : String.format(Locale.ROOT, "%s%,d records", s.behindAtLeast() ? "at least " : "", s.behind()));
            PutCommand.row(out, "iterator age", "%s", s.oldestPending() == null ? "0 (nothing waiting)"
                    : String.format(Locale.ROOT, "%s (the oldest waiting record arrived %s)%s",
                            age(now, s.oldestPending()), s.oldestPending(), s.millisBehindLatest() == null ? ""
                                    : String.format(Locale.ROOT, "; Kinesis MillisBehindLatest %,d ms",
                                            s.millisBehindLatest())));
            if (s.latestSequenceNumber() != null && s.behind() > 0) {
                PutCommand.row(out, "last record", "%s", s.latestSequenceNumber());
            }
        }
        out.println();
        PutCommand.row(out, "not in the table", "sink retries and batch durations: CloudWatch metrics %s"
                + " (namespace %s, dimension Pipeline)", String.join(" and ", CLOUDWATCH_ONLY),
                dev.eddy.internal.InvocationMetrics.NAMESPACE);
        if (itemCounts != null) {
            PutCommand.row(out, "items", "%,d key states · %,d event-time timer buckets · %,d processing-time timer"
                    + " buckets · %,d checkpoints · %,d done markers · %,d other", itemCounts.get("keyState"),
                    itemCounts.get("eventTimeTimerBuckets"), itemCounts.get("processingTimeTimerBuckets"),
                    itemCounts.get("checkpoints"), itemCounts.get("doneMarkers"), itemCounts.get("other"));
            if (!unlisted.isEmpty()) {
                PutCommand.row(out, "", "checkpoints of shards the stream no longer lists: %s",
                        String.join(", ", unlisted));
            }
        }
    }

    private void printJson(PrintStream out, String pipeline, String streamName, String tableName, Instant now,
            List<ShardStatus> statuses, Map<String, Long> itemCounts, Set<String> unlisted) {
        ObjectNode root = JSON.createObjectNode();
        root.put("pipeline", pipeline);
        root.put("stream", streamName);
        root.put("table", tableName);
        root.put("asOf", now.toString());
        ArrayNode cloudWatchOnly = root.putArray("cloudWatchOnly");
        CLOUDWATCH_ONLY.forEach(cloudWatchOnly::add);
        ArrayNode shards = root.putArray("shards");
        for (ShardStatus s : statuses) {
            ShardCheckpoint c = s.checkpoint();
            ObjectNode shard = shards.addObject();
            shard.put("shardId", s.shard().shardId());
            ArrayNode parents = shard.putArray("parentShardIds");
            StreamShards.parents(s.shard()).forEach(parents::add);
            shard.put("open", StreamShards.open(s.shard()));
            shard.put("checkpointSequenceNumber", c.sequenceNumber() == null ? null : c.sequenceNumber().toString());
            shard.put("commits", c.version());
            boolean drained = c.watermarkMs() == Long.MAX_VALUE;
            shard.put("watermark", drained || c.watermarkMs() == Long.MIN_VALUE ? null : time(c.watermarkMs()));
            if (drained || c.watermarkMs() == Long.MIN_VALUE) {
                shard.putNull("watermarkMs");
            } else {
                shard.put("watermarkMs", c.watermarkMs());
            }
            shard.put("drained", drained);
            Long lag = watermarkLagMs(now, c);
            if (lag == null) {
                shard.putNull("watermarkLagMs");
            } else {
                shard.put("watermarkLagMs", lag);
            }
            shard.put("maxEventTime", c.maxEventTimeMs() == Long.MIN_VALUE ? null : time(c.maxEventTimeMs()));
            if (c.maxEventTimeMs() == Long.MIN_VALUE) {
                shard.putNull("maxEventTimeMs");
            } else {
                shard.put("maxEventTimeMs", c.maxEventTimeMs());
            }
            Figures t = c.totals();
            shard.putObject("totals")
                    .put("Records", t.records())
                    .put("ReplaysSkipped", t.replaysSkipped())
                    .put("FailedRecords", t.failedRecords())
                    .put("LateRecords", t.lateRecords())
                    .put("WindowsFired", t.windowsFired())
                    .put("ResultsEmitted", t.resultsEmitted())
                    .put("DeadlineStops", t.deadlineStops())
                    .put("StateWriteUnits", t.writeUnits())
                    .put("StateReadUnits", t.readUnits());
            if (s.note() != null) {
                shard.put("error", s.note());
                continue;
            }
            shard.put("recordsBehind", s.behind());
            shard.put("recordsBehindAtLeast", s.behindAtLeast());
            shard.put("latestSequenceNumber", s.latestSequenceNumber());
            shard.put("oldestWaitingArrival", s.oldestPending() == null ? null : s.oldestPending().toString());
            shard.put("iteratorAgeMs", s.oldestPending() == null ? 0
                    : Math.max(0, now.toEpochMilli() - s.oldestPending().toEpochMilli()));
            if (s.millisBehindLatest() == null) {
                shard.putNull("millisBehindLatest");
            } else {
                shard.put("millisBehindLatest", s.millisBehindLatest());
            }
        }
        if (itemCounts != null) {
            ObjectNode counts = root.putObject("items");
            itemCounts.forEach(counts::put);
            ArrayNode others = root.putArray("checkpointsOfUnlistedShards");
            unlisted.forEach(others::add);
        }
        try {
            out.println(JSON.writeValueAsString(root));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the status: " + e.getMessage(), e);
        }
    }

    private static String commits(ShardCheckpoint checkpoint) {
        return checkpoint.version() == 1 ? "1 commit" : String.format(Locale.ROOT, "%,d commits", checkpoint.version());
    }

    private static String time(long ms) {
        return ms == Long.MIN_VALUE ? "none yet" : Instant.ofEpochMilli(ms).toString();
    }

    /** A row of a figure and the CloudWatch metric it sums: label, value, metric, then a note. */
    private static void metric(PrintStream out, String label, String value, String metric, String note) {
        PutCommand.row(out, label, "%-20s %s%s", value, metric, note);
    }

    private static void count(PrintStream out, String label, long count, String metric) {
        metric(out, label, String.format(Locale.ROOT, "%,d", count), metric, "");
    }

    /**
     * @return wall clock minus the checkpoint's watermark, ms, as the {@code WatermarkLag} metric; {@code null}
     *     before the first watermark and after end of input
     */
    private static Long watermarkLagMs(Instant now, ShardCheckpoint checkpoint) {
        long watermark = checkpoint.watermarkMs();
        return watermark == Long.MIN_VALUE || watermark == Long.MAX_VALUE ? null : now.toEpochMilli() - watermark;
    }

    /** @return capacity units, whole or with one decimal */
    static String units(double units) {
        return String.format(Locale.ROOT, units == Math.rint(units) ? "%,.0f" : "%,.1f", units);
    }

    private static String age(Instant now, Instant then) {
        return duration(Math.max(0, now.toEpochMilli() - then.toEpochMilli()));
    }

    /**
     * @param ms a duration, ms
     * @return it for people: seconds with one decimal under a minute, else days, hours and minutes; negative with a
     *     minus sign
     */
    static String duration(long ms) {
        if (ms < 0) {
            return "-" + duration(ms == Long.MIN_VALUE ? Long.MAX_VALUE : -ms);
        }
        if (ms < 60_000) {
            return String.format(Locale.ROOT, "%.1f s", ms / 1000.0);
        }
        java.time.Duration d = java.time.Duration.ofMillis(ms);
        return d.toDaysPart() > 0 ? String.format(Locale.ROOT, "%,dd %dh %dmin", d.toDaysPart(), d.toHoursPart(),
                d.toMinutesPart()) : String.format(Locale.ROOT, "%dh %dmin %ds", d.toHours(), d.toMinutesPart(),
                d.toSecondsPart());
    }
}

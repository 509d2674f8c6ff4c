package dev.eddy.emulator.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.emulator.console.UsageError;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * {@code ./eddy tail STREAM} (and {@code --sink kinesis:NAME}): reads a Kinesis stream's shards, open and closed, in
 * shard-id order, each in sequence order, and prints each record as a line {@code {shardId, sequenceNumber,
 * partitionKey, approximateArrivalTimestamp, data|text|base64}}. Without {@code --follow} it stops at the end of every
 * shard; with it, it polls until {@code --limit} or Ctrl-C, taking up the children of a reshard once their parents
 * are read. Only reads: no checkpoint, no lease.
 */
final class StreamTail {

    /** Most records one {@code GetRecords} call returns. */
    private static final int MAX_GET_RECORDS = 10_000;
    /** Pause after a round of polls that brought nothing, with --follow (GetRecords: 5 calls/s per shard). */
    private static final long FOLLOW_IDLE_MS = 1_000;
    /** How often --follow looks for new shards (a reshard) besides when a shard ends. */
    private static final long RELIST_MS = 30_000;

    private final AwsOptions aws;
    private final TailOutput out;
    private final Progress progress;
    private final String shardId;
    private final boolean follow;

    /**
     * @param aws where the stream is
     * @param out where lines go
     * @param progress where progress lines go
     * @param shardId the one shard to read ({@code --shard}), or {@code null} for all
     * @param follow whether to keep reading as records arrive ({@code --follow})
     */
    StreamTail(AwsOptions aws, TailOutput out, Progress progress, String shardId, boolean follow) {
        this.aws = aws;
        this.out = out;
        this.progress = progress;
        this.shardId = shardId;
        this.follow = follow;
    }

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

    /**
     * @param name the stream
     * @param from {@code --from}: {@code trim-horizon} (or {@code null}), {@code latest} or an ISO-8601 time
     * @return the exit code: 0
     * @throws UsageError if {@code --from} is none of those, or {@code latest} without {@code --follow}; if the
     *     stream or the shard does not exist
     * @throws InterruptedException if interrupted while waiting between polls
     */
    int tail(String name, String from) throws InterruptedException {
        ShardIteratorType type;
        Instant at = null;
        String position = from == null ? "trim-horizon" : from.toLowerCase(Locale.ROOT);
        if (position.equals("trim-horizon")) {
            type = ShardIteratorType.TRIM_HORIZON;
        } else if (position.equals("latest")) {
            type = ShardIteratorType.LATEST;
            if (!follow) {
                throw new UsageError("--from latest reads only records put from now on: add --follow");
            }
        } else {
            try {
                at = Instant.parse(from);
            } catch (DateTimeParseException e) {
                throw new UsageError("--from takes trim-horizon, latest or an ISO-8601 time such as"
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
            Thread summary = new Thread(() -> countAtEnd(name, readers));
            if (follow) {
                Runtime.getRuntime().addShutdownHook(summary); // Ctrl-C still prints the count
            }
            Progress reporter = progress.every(() -> String.format(Locale.ROOT, "read %,d records", out.printed()));
            try {
                if (follow) {
                    follow(kinesis, name, readers);
                } else {
                    for (ShardReader reader : readers.values()) {
                        while (!reader.ended && !out.limitReached()) {
                            GetRecordsResponse response = poll(kinesis, name, reader);
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
                out.flush();
                if (follow) {
                    try {
                        Runtime.getRuntime().removeShutdownHook(summary);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is running
                    }
                }
            }
            countAtEnd(name, readers);
            return 0;
        }
    }

    private void follow(KinesisClient kinesis, String name, Map<String, ShardReader> readers)
            throws InterruptedException {
        long listed = System.currentTimeMillis();
        while (!out.limitReached()) {
            boolean got = false;
            boolean shardEnded = false;
            for (ShardReader reader : List.copyOf(readers.values())) {
                if (reader.ended || out.limitReached()) {
                    continue;
                }
                got |= !poll(kinesis, name, reader).records().isEmpty();
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
            throw new UsageError("stream " + name + " has no shard " + shardId + "; its shards: "
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
    private GetRecordsResponse poll(KinesisClient kinesis, String name, ShardReader reader) {
        int max = out.room(MAX_GET_RECORDS);
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
            if (out.limitReached()) {
                break;
            }
            out.print(line(reader.shardId, record));
            reader.lastSequenceNumber = record.sequenceNumber();
            reader.records++;
        }
        out.checkClosed(); // e.g. piped into head, which has exited
        reader.iterator = response.nextShardIterator();
        reader.ended = reader.iterator == null; // a closed shard read to its end
        return response;
    }

    private void countAtEnd(String name, Map<String, ShardReader> readers) {
        List<String> perShard = new ArrayList<>();
        readers.values().forEach(r -> perShard.add(String.format(Locale.ROOT, "%s %,d", r.shardId, r.records)));
        progress.say("%,d records from stream %s (%s)", out.printed(), name, String.join(", ", perShard));
    }

    /**
     * @param shard the record's shard id
     * @param record a record of it
     * @return its line: {@code {shardId, sequenceNumber, partitionKey, approximateArrivalTimestamp,
     *     data|text|base64}}
     */
    static String line(String shard, Record record) {
        ObjectNode line = TailLines.line();
        line.put("shardId", shard);
        line.put("sequenceNumber", record.sequenceNumber());
        line.put("partitionKey", record.partitionKey());
        line.put("approximateArrivalTimestamp", record.approximateArrivalTimestamp() == null ? null
                : record.approximateArrivalTimestamp().toString());
        TailLines.payload(line, record.data().asByteArrayUnsafe());
        return TailLines.write(line);
    }
}

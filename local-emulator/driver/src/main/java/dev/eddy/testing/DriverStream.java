package dev.eddy.testing;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import dev.eddy.pipeline.Heartbeat;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.state.ShardLineage;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The driver's Kinesis stream: shards whose hash key ranges split {@code [0, 2^128)} evenly, as Kinesis's
 * {@code CreateStream} does, each with its records not delivered yet. A record goes to the shard whose range holds
 * the MD5 of its partition key, with the next of the shard's 56-digit sequence numbers, shaped as Lambda delivers it.
 */
final class DriverStream {

    /** Region of the events' ARNs. */
    static final String REGION = "us-east-1";
    /** Account of the events' ARNs. */
    static final String ACCOUNT = "000000000000";
    /** Kinesis's limit of one record: data and partition key, bytes. */
    private static final int MAX_RECORD_BYTES = 1024 * 1024;
    /** The first sequence number of shard 0: a real one's shape (56 digits). */
    private static final BigInteger FIRST_SEQUENCE =
            new BigInteger("49590338271490256608559692538361571095921575989136588898");
    private static final BigInteger SHARD_STEP = BigInteger.TEN.pow(40);
    private static final BigInteger RECORD_STEP = BigInteger.TEN.pow(20);
    private static final BigInteger HASH_KEYS = BigInteger.TWO.pow(128);

    private final Pipeline pipeline;
    private final List<Shard> shards = new ArrayList<>();
    /** Shard of each key seen, by the pipeline's key function. */
    private final Map<String, Shard> keyOwners = new HashMap<>();

    DriverStream(Pipeline pipeline, int shardCount) {
        this.pipeline = pipeline;
        BigInteger width = HASH_KEYS.divide(BigInteger.valueOf(shardCount));
        for (int i = 0; i < shardCount; i++) {
            BigInteger start = width.multiply(BigInteger.valueOf(i));
            BigInteger end = i == shardCount - 1 ? HASH_KEYS.subtract(BigInteger.ONE)
                    : start.add(width).subtract(BigInteger.ONE);
            shards.add(new Shard(new ShardLineage.Shard(String.format("shardId-%012d", i), List.of(), start, end),
                    FIRST_SEQUENCE.add(SHARD_STEP.multiply(BigInteger.valueOf(i)))));
        }
    }

    /** @return the shards, in id order */
    List<Shard> shards() {
        return shards;
    }

    /**
     * Appends a record to the shard that owns its partition key.
     *
     * @throws IllegalArgumentException if the partition key is empty or longer than 256 characters, the record is
     *     over Kinesis's 1 MiB, or the record's key already reached another shard
     */
    void put(String partitionKey, byte[] data, Instant arrival) {
        if (partitionKey.isEmpty() || partitionKey.length() > 256) {
            throw new IllegalArgumentException("a partition key has 1-256 characters (Kinesis PutRecord), was "
                    + partitionKey.length());
        }
        if (data.length + partitionKey.getBytes(StandardCharsets.UTF_8).length > MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("a Kinesis record holds at most 1 MiB of data and partition key; this"
                    + " one has " + data.length + " bytes of data");
        }
        Shard shard = shardFor(partitionKey);
        Optional<String> key = pipeline.keyOf(data);
        if (key.isPresent()) {
            Shard owner = keyOwners.putIfAbsent(key.get(), shard);
            if (owner != null && owner != shard) {
                throw new IllegalArgumentException("key '" + key.get() + "' reaches " + shard.id()
                        + " with partition key '" + partitionKey + "', but earlier records of the key went to "
                        + owner.id() + ": keyed state belongs to the shard that owns the key, so put records with"
                        + " the pipeline's key (or one partition key per key) as partition key");
            }
        }
        shard.put(partitionKey, data, arrival, pipeline);
    }

    /**
     * Puts a heartbeat of that time into every shard that has had records, as the deployed schedule's function puts
     * one into every open shard (by explicit hash key).
     *
     * @param epochMs the heartbeat's time, ms
     */
    void heartbeat(long epochMs) {
        for (Shard shard : shards) {
            if (shard.used) {
                shard.put(Heartbeat.PARTITION_KEY, Heartbeat.data(epochMs), Instant.ofEpochMilli(epochMs), pipeline);
            }
        }
    }

    /**
     * @param partitionKey a partition key
     * @return the shard whose hash key range holds its MD5
     */
    Shard shardFor(String partitionKey) {
        for (Shard shard : shards) {
            if (shard.range.owns(partitionKey)) {
                return shard;
            }
        }
        throw new IllegalStateException("no shard owns partition key " + partitionKey); // ranges cover all keys
    }

    /** One shard of the driver's stream: its hash key range and the records not delivered yet. */
    static final class Shard {
        final ShardLineage.Shard range;
        final List<KinesisEvent.KinesisEventRecord> pending = new ArrayList<>();
        BigInteger nextSequence;
        /** Whether any record was put into it. */
        boolean used;

        Shard(ShardLineage.Shard range, BigInteger firstSequence) {
            this.range = range;
            this.nextSequence = firstSequence;
        }

        String id() {
            return range.shardId();
        }

        void put(String partitionKey, byte[] data, Instant arrival, Pipeline pipeline) {
            String sequenceNumber = nextSequence.toString();
            nextSequence = nextSequence.add(RECORD_STEP);
            used = true;
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setKinesisSchemaVersion("1.0");
            kinesis.setPartitionKey(partitionKey);
            kinesis.setSequenceNumber(sequenceNumber);
            kinesis.setData(ByteBuffer.wrap(data).asReadOnlyBuffer());
            kinesis.setApproximateArrivalTimestamp(new Date(arrival.toEpochMilli()));
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setKinesis(kinesis);
            record.setEventSource("aws:kinesis");
            record.setEventVersion("1.0");
            record.setEventID(id() + ":" + sequenceNumber);
            record.setEventName("aws:kinesis:record");
            record.setInvokeIdentityArn("arn:aws:iam::" + ACCOUNT + ":role/" + pipeline.name() + "-role");
            record.setAwsRegion(REGION);
            record.setEventSourceARN("arn:aws:kinesis:" + REGION + ":" + ACCOUNT + ":stream/"
                    + pipeline.source().streamName());
            pending.add(record);
        }
    }
}

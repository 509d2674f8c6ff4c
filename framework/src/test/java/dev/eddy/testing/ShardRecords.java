package dev.eddy.testing;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * Kinesis records as Lambda's event source mapping delivers them to a handler: event id {@code shardId:sequence},
 * data as the raw bytes (the events library decodes the base64), sequence numbers of Kinesis' shape (56 digits,
 * increasing with gaps), an approximate arrival time. Leaves out what the batch path does not read (encryption,
 * aggregation, the invoking identity). Stateless; records are immutable values (their data is copied into each
 * event), so any thread may use them.
 */
public final class ShardRecords {

    /** The shard of {@link #record(int, String, String)}. */
    public static final String SHARD = "shardId-000000000000";
    /** The stream every record names. */
    public static final String STREAM_ARN = "arn:aws:kinesis:us-east-1:000000000000:stream/test";
    /** The sequence number of record 0. */
    public static final BigInteger FIRST_SEQUENCE =
            new BigInteger("49590338271490256608559692538361571095921575989136588898");
    /** The approximate arrival time of record 0, ms since the epoch; record {@code i} arrives {@code i} s later. */
    public static final long FIRST_ARRIVAL_MS = 1_700_000_000_000L;

    private ShardRecords() {
    }

    /**
     * One record.
     *
     * @param shardId its shard
     * @param sequenceNumber its sequence number
     * @param partitionKey its partition key
     * @param data its data, as put
     * @param arrivalMs its approximate arrival time, ms since the epoch
     */
    public record Rec(String shardId, BigInteger sequenceNumber, String partitionKey, byte[] data, long arrivalMs) {

        /** Requires every part. */
        public Rec {
            Objects.requireNonNull(shardId, "shardId");
            Objects.requireNonNull(sequenceNumber, "sequenceNumber");
            Objects.requireNonNull(partitionKey, "partitionKey");
            Objects.requireNonNull(data, "data");
        }

        /** @return the sequence number as Kinesis writes it */
        public String sequence() {
            return sequenceNumber.toString();
        }

        /** @return the record as it appears in Lambda's event */
        public KinesisEvent.KinesisEventRecord toEventRecord() {
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setSequenceNumber(sequence());
            kinesis.setPartitionKey(partitionKey);
            kinesis.setData(ByteBuffer.wrap(data.clone()));
            kinesis.setApproximateArrivalTimestamp(new Date(arrivalMs));
            kinesis.setKinesisSchemaVersion("1.0");
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setEventID(shardId + ":" + sequence());
            record.setEventSource("aws:kinesis");
            record.setEventName("aws:kinesis:record");
            record.setEventSourceARN(STREAM_ARN);
            record.setKinesis(kinesis);
            return record;
        }
    }

    /**
     * @param index the record's position in the shard, from 0
     * @return its sequence number: {@link #FIRST_SEQUENCE} plus {@code index × 1,000,003} (Kinesis' numbers have gaps)
     */
    public static BigInteger sequence(int index) {
        return FIRST_SEQUENCE.add(BigInteger.valueOf(index * 1_000_003L));
    }

    /**
     * A record of {@link #SHARD}.
     *
     * @param index its position in the shard, from 0: gives its sequence number and arrival time
     * @param partitionKey its partition key
     * @param data its data as UTF-8 text
     * @return the record
     */
    public static Rec record(int index, String partitionKey, String data) {
        return record(SHARD, index, partitionKey, data.getBytes(StandardCharsets.UTF_8),
                FIRST_ARRIVAL_MS + index * 1_000L);
    }

    /**
     * @param shardId its shard
     * @param index its position in the shard, from 0: gives its sequence number
     * @param partitionKey its partition key
     * @param data its data
     * @param arrivalMs its approximate arrival time, ms since the epoch
     * @return the record
     */
    public static Rec record(String shardId, int index, String partitionKey, byte[] data, long arrivalMs) {
        return new Rec(shardId, sequence(index), partitionKey, data, arrivalMs);
    }

    /**
     * @param records records in shard order
     * @return them as one event
     */
    public static KinesisEvent event(List<Rec> records) {
        List<KinesisEvent.KinesisEventRecord> list = new ArrayList<>(records.size());
        records.forEach(r -> list.add(r.toEventRecord()));
        KinesisEvent event = new KinesisEvent();
        event.setRecords(list);
        return event;
    }

    /**
     * @param list records
     * @param size the largest chunk
     * @param <T> record type
     * @return consecutive chunks of at most {@code size}, as batches of that size
     */
    public static <T> List<List<T>> chunks(List<T> list, int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a batch holds at least 1 record, not " + size);
        }
        List<List<T>> chunks = new ArrayList<>();
        for (int from = 0; from < list.size(); from += size) {
            chunks.add(list.subList(from, Math.min(list.size(), from + size)));
        }
        return chunks;
    }
}

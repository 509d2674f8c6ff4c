package dev.eddy.bench;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/** Records cut into the batches Lambda's event source mapping would hand one shard's handler. */
final class Batches {

    /** The shard every batch comes from. */
    static final String SHARD = "shardId-000000000000";
    /** A sequence number of Kinesis' shape (56 digits); records count up from it. */
    private static final BigInteger FIRST_SEQUENCE =
            new BigInteger("49590338271490256608559692538361571095921575989136588898");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Batches() {
    }

    /**
     * @param records flights as JSON, in shard order
     * @param batchSize records per batch
     * @param arrivalMs the records' approximate arrival time, ms since the epoch
     * @return the records as consecutive events of one shard, partition key = origin (as the flight-delays
     *     pipeline keys them), sequence numbers increasing
     */
    static KinesisEvent[] of(List<byte[]> records, int batchSize, long arrivalMs) {
        List<KinesisEvent> events = new ArrayList<>();
        Date arrival = new Date(arrivalMs);
        for (int from = 0; from < records.size(); from += batchSize) {
            List<KinesisEvent.KinesisEventRecord> batch = new ArrayList<>();
            for (int i = from; i < Math.min(records.size(), from + batchSize); i++) {
                String sequence = FIRST_SEQUENCE.add(BigInteger.valueOf(i)).toString();
                KinesisEvent.Record kinesis = new KinesisEvent.Record();
                kinesis.setData(ByteBuffer.wrap(records.get(i)));
                kinesis.setSequenceNumber(sequence);
                kinesis.setPartitionKey(origin(records.get(i)));
                kinesis.setApproximateArrivalTimestamp(arrival);
                kinesis.setKinesisSchemaVersion("1.0");
                KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
                record.setKinesis(kinesis);
                record.setEventID(SHARD + ":" + sequence);
                record.setEventSource("aws:kinesis");
                record.setEventSourceARN("arn:aws:kinesis:us-east-1:000000000000:stream/flights");
                batch.add(record);
            }
            KinesisEvent event = new KinesisEvent();
            event.setRecords(batch);
            events.add(event);
        }
        return events.toArray(KinesisEvent[]::new);
    }

    private static String origin(byte[] flight) {
        try {
            return JSON.readTree(flight).get("origin").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.eddy.sink.internal;

import dev.eddy.sink.Kinesis;
import dev.eddy.sink.SinkRecord;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Writes to a Kinesis data stream with {@code PutRecords}: at most 500 records and 5 MiB a call, 1 MiB a record,
 * data and partition key together (Amazon Kinesis Data Streams API Reference, PutRecords). The partition key is
 * the result's key, or the sink's partition key field of the result (its SHA-256 in hex if longer than 256
 * characters or empty, the API's bounds), so a second pipeline keyed the same way finds each key on one shard. Entries with an {@code ErrorCode} are sent again; a
 * retried entry may land after later records of its key (PutRecords does not keep order across entries). Internal.
 */
public final class KinesisWriter extends BatchingWriter {

    /** The limits of {@code PutRecords}. */
    public static final Limits LIMITS = new Limits(500, 5L * 1024 * 1024, 1024L * 1024,
            "Kinesis PutRecords: 500 records, 5 MiB a call, 1 MiB a record with its partition key");

    private final KinesisClient client;
    private final Kinesis sink;

    /**
     * @param client the Kinesis client
     * @param sink the stream
     * @param retry attempts and back-off of failed entries
     */
    public KinesisWriter(KinesisClient client, Kinesis sink, SinkRetry retry) {
        super(sink, LIMITS, retry);
        this.client = client;
        this.sink = sink;
    }

    /**
     * @param key a result's key
     * @return the partition key it is written with
     */
    public static String partitionKey(String key) {
        return key.isEmpty() || key.length() > 256 ? Messages.sha256(key) : key;
    }

    /**
     * @param record a record
     * @return its partition key, or {@code null} if the sink's partition key field is missing from it
     */
    private String partitionKeyOf(SinkRecord record) {
        if (sink.partitionKeyField() == null) {
            return partitionKey(record.partitionKey());
        }
        String value = Messages.field(record, sink.partitionKeyField());
        return value == null ? null : partitionKey(value);
    }

    @Override
    protected String refusal(SinkRecord record) {
        return partitionKeyOf(record) == null ? "the result has no top-level field '" + sink.partitionKeyField()
                + "' with a value to partition " + sink.describe() + " by" : null;
    }

    @Override
    protected long size(SinkRecord record) {
        String key = partitionKeyOf(record);
        return record.payload().length + (key == null ? 0 : Messages.utf8(key));
    }

    @Override
    protected List<EntryFailure> send(List<SinkRecord> call) {
        List<PutRecordsRequestEntry> entries = new ArrayList<>(call.size());
        for (SinkRecord record : call) {
            entries.add(PutRecordsRequestEntry.builder().data(SdkBytes.fromByteArrayUnsafe(record.payload()))
                    .partitionKey(partitionKeyOf(record)).build());
        }
        PutRecordsResponse response = client.putRecords(b -> b.streamName(sink.name()).records(entries));
        if (response.failedRecordCount() == null || response.failedRecordCount() == 0) {
            return List.of();
        }
        List<EntryFailure> failures = new ArrayList<>();
        List<PutRecordsResultEntry> results = response.records();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).errorCode() != null) {
                // ProvisionedThroughputExceededException, InternalFailure or a KMS error: all may pass
                failures.add(new EntryFailure(i, results.get(i).errorCode(), results.get(i).errorMessage(), true));
            }
        }
        return failures;
    }
}

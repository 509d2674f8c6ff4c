package dev.eddy.sink.internal;

import dev.eddy.sink.Firehose;
import dev.eddy.sink.SinkRecord;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * Writes to a Firehose delivery stream with {@code PutRecordBatch}: at most 500 records and 4 MiB a call, 1,000 KiB
 * a record (Amazon Data Firehose API Reference, PutRecordBatch). Each record is the result's JSON and, unless the
 * sink says otherwise, a newline, so that the objects Firehose writes to S3 are newline-delimited JSON; the newline
 * counts toward the limits. Entries with an {@code ErrorCode} in the response are sent again. Internal.
 */
public final class FirehoseWriter extends BatchingWriter {

    /** The limits of {@code PutRecordBatch}. */
    public static final Limits LIMITS = new Limits(500, 4L * 1024 * 1024, 1_000L * 1024,
            "Firehose PutRecordBatch: 500 records, 4 MiB a call, 1,000 KiB a record");

    private final FirehoseClient client;
    private final Firehose sink;

    /**
     * @param client the Firehose client
     * @param sink the delivery stream
     * @param retry attempts and back-off of failed entries
     */
    public FirehoseWriter(FirehoseClient client, Firehose sink, SinkRetry retry) {
        super(sink, LIMITS, retry);
        this.client = client;
        this.sink = sink;
    }

    @Override
    protected long size(SinkRecord record) {
        return record.payload().length + (sink.newlineDelimited() ? 1 : 0);
    }

    @Override
    protected List<EntryFailure> send(List<SinkRecord> call) {
        List<Record> records = new ArrayList<>(call.size());
        for (SinkRecord record : call) {
            byte[] data = record.payload();
            if (sink.newlineDelimited()) {
                data = java.util.Arrays.copyOf(data, data.length + 1);
                data[data.length - 1] = '\n';
            }
            records.add(Record.builder().data(SdkBytes.fromByteArrayUnsafe(data)).build());
        }
        PutRecordBatchResponse response = client.putRecordBatch(b -> b.deliveryStreamName(sink.name())
                .records(records));
        if (response.failedPutCount() == null || response.failedPutCount() == 0) {
            return List.of();
        }
        List<EntryFailure> failures = new ArrayList<>();
        List<PutRecordBatchResponseEntry> entries = response.requestResponses();
        for (int i = 0; i < entries.size(); i++) {
            if (entries.get(i).errorCode() != null) {
                // ServiceUnavailableException or InternalFailure: both pass
                failures.add(new EntryFailure(i, entries.get(i).errorCode(), entries.get(i).errorMessage(), true));
            }
        }
        return failures;
    }
}

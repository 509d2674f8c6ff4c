package dev.eddy.emulator.esm;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Puts records into a stream in input order with {@code PutRecords}, within its limits (500 records and 5 MiB a
 * call, Kinesis API reference), re-putting only the entries that failed.
 */
public final class Producer {

    /** Most records in one {@code PutRecords} call. */
    public static final int MAX_RECORDS_PER_CALL = 500;
    /** Most bytes (data plus partition keys) in one {@code PutRecords} call: 5 MiB. */
    public static final int MAX_BYTES_PER_CALL = 5 * 1024 * 1024;

    private final KinesisClient kinesis;
    private final String stream;
    private final AtomicLong put = new AtomicLong();

    /**
     * @param kinesis Kinesis client
     * @param stream the stream
     */
    public Producer(KinesisClient kinesis, String stream) {
        this.kinesis = kinesis;
        this.stream = stream;
    }

    /** @return records put so far */
    public long put() {
        return put.get();
    }

    /**
     * Puts every record.
     *
     * @param records record data, in order
     * @param partitionKey the partition key of the record at an index
     * @throws IllegalStateException if entries keep failing after 10 attempts
     */
    public void putAll(List<byte[]> records, IntFunction<String> partitionKey) throws InterruptedException {
        List<PutRecordsRequestEntry> call = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < records.size(); i++) {
            String key = partitionKey.apply(i);
            long size = records.get(i).length + key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            if (call.size() == MAX_RECORDS_PER_CALL || bytes + size > MAX_BYTES_PER_CALL) {
                send(call);
                call = new ArrayList<>();
                bytes = 0;
            }
            call.add(PutRecordsRequestEntry.builder().data(SdkBytes.fromByteArray(records.get(i)))
                    .partitionKey(key).build());
            bytes += size;
        }
        if (!call.isEmpty()) {
            send(call);
        }
    }

    private void send(List<PutRecordsRequestEntry> entries) throws InterruptedException {
        List<PutRecordsRequestEntry> pending = entries;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            List<PutRecordsRequestEntry> request = pending;
            PutRecordsResponse response = kinesis.putRecords(b -> b.streamName(stream).records(request));
            List<PutRecordsRequestEntry> failed = new ArrayList<>();
            List<PutRecordsResultEntry> results = response.records();
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).errorCode() != null) {
                    failed.add(request.get(i));
                }
            }
            put.addAndGet(request.size() - failed.size());
            if (!failed.isEmpty() && attempt >= 10) {
                throw new IllegalStateException(failed.size() + " records could not be put into " + stream
                        + ": " + results.stream().filter(r -> r.errorCode() != null).findFirst()
                                .map(r -> r.errorCode() + " " + r.errorMessage()).orElse(""));
            }
            if (!failed.isEmpty()) {
                Thread.sleep(Math.min(1_000, 50L << attempt));
            }
            pending = failed;
        }
    }
}

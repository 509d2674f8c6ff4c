package dev.eddy.emulator.esm;

import dev.eddy.sink.internal.KinesisWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;

/**
 * Puts records into a stream in input order with {@code PutRecords}, within its limits (500 records and 5 MiB a
 * call, 1 MiB a record with its partition key; Kinesis API reference, PutRecords), re-putting only the entries
 * that failed, and reports where each record landed.
 */
public final class Producer {

    /** Most records in one {@code PutRecords} call. */
    public static final int MAX_RECORDS_PER_CALL = 500;
    /** Most bytes (data plus partition keys) in one {@code PutRecords} call: 5 MiB. */
    public static final int MAX_BYTES_PER_CALL = 5 * 1024 * 1024;
    /** Attempts of an entry that keeps failing. */
    private static final int MAX_ATTEMPTS = 10;

    private final KinesisClient kinesis;
    private final String stream;
    private final AtomicLong put = new AtomicLong();

    /**
     * One record to put.
     *
     * @param data its data, as it is in the input
     * @param partitionKey its partition key, within Kinesis' rules (1-256 Unicode characters)
     * @param line where it is in the input (its line, from 1), for messages
     */
    public record Entry(byte[] data, String partitionKey, int line) {

        /**
         * An input record with the partition key a well-behaved producer gives it: the pipeline's key, or
         * {@code unkeyed-<index>} without one; a key Kinesis refuses (empty, over 256 characters) becomes its
         * SHA-256 in hex, as Eddy's Kinesis sink maps it.
         *
         * @param data the record's data
         * @param index its index in the input, from 0
         * @param line its line in the input, from 1
         * @param key the pipeline's key for it, if it has one
         * @return the entry
         */
        public static Entry of(byte[] data, int index, int line, Optional<String> key) {
            return new Entry(data, KinesisWriter.partitionKey(key.orElse("unkeyed-" + index)), line);
        }

        /** @return the bytes Kinesis counts against its limits: the data and the partition key's UTF-8 */
        public long bytes() {
            return data.length + (long) partitionKey.getBytes(StandardCharsets.UTF_8).length;
        }

        /** @return why Kinesis could never accept this record, or {@code null} if it can */
        public String refusal() {
            long max = KinesisWriter.LIMITS.maxRecordBytes();
            return bytes() <= max ? null : String.format(Locale.ROOT, "the record is %,d bytes with its partition"
                    + " key; a Kinesis record takes at most %,d (1 MiB, Kinesis API reference, PutRecords), so no"
                    + " producer can put it", bytes(), max);
        }
    }

    /** Where a record landed. */
    @FunctionalInterface
    public interface Placed {
        /**
         * @param index the record's index in the list put
         * @param shardId its shard
         * @param sequenceNumber its sequence number
         */
        void at(int index, String shardId, String sequenceNumber);
    }

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
     * Puts every record, the n-th with {@code partitionKey.apply(n)} and the line n + 1.
     *
     * @param records record data, in order
     * @param partitionKey the partition key of the record at an index
     * @throws IllegalStateException if entries keep failing after 10 attempts
     * @throws InterruptedException if interrupted
     */
    public void putAll(List<byte[]> records, IntFunction<String> partitionKey) throws InterruptedException {
        List<Entry> entries = new ArrayList<>(records.size());
        for (int i = 0; i < records.size(); i++) {
            entries.add(new Entry(records.get(i), partitionKey.apply(i), i + 1));
        }
        putAll(entries, (index, shardId, sequenceNumber) -> { });
    }

    /**
     * Puts every entry, in order.
     *
     * @param entries the records; each must be one Kinesis accepts ({@link Entry#refusal()} {@code null})
     * @param placed told where each record landed, as it does
     * @throws IllegalStateException if entries keep failing after 10 attempts; the message names the input line of
     *     the first and Kinesis' error
     * @throws InterruptedException if interrupted
     */
    public void putAll(List<Entry> entries, Placed placed) throws InterruptedException {
        List<Integer> call = new ArrayList<>();
        long bytes = 0;
        for (int i = 0; i < entries.size(); i++) {
            long size = entries.get(i).bytes();
            if (call.size() == MAX_RECORDS_PER_CALL || bytes + size > MAX_BYTES_PER_CALL) {
                send(entries, call, placed);
                call = new ArrayList<>();
                bytes = 0;
            }
            call.add(i);
            bytes += size;
        }
        if (!call.isEmpty()) {
            send(entries, call, placed);
        }
    }

    private void send(List<Entry> entries, List<Integer> indexes, Placed placed) throws InterruptedException {
        List<Integer> pending = indexes;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            List<PutRecordsRequestEntry> request = new ArrayList<>(pending.size());
            for (int index : pending) {
                Entry entry = entries.get(index);
                request.add(PutRecordsRequestEntry.builder().data(SdkBytes.fromByteArrayUnsafe(entry.data()))
                        .partitionKey(entry.partitionKey()).build());
            }
            PutRecordsResponse response = kinesis.putRecords(b -> b.streamName(stream).records(request));
            List<Integer> failed = new ArrayList<>();
            PutRecordsResultEntry firstError = null;
            List<PutRecordsResultEntry> results = response.records();
            for (int i = 0; i < results.size(); i++) {
                PutRecordsResultEntry result = results.get(i);
                if (result.errorCode() != null) {
                    failed.add(pending.get(i));
                    firstError = firstError == null ? result : firstError;
                } else {
                    placed.at(pending.get(i), result.shardId(), result.sequenceNumber());
                }
            }
            put.addAndGet(pending.size() - failed.size());
            if (!failed.isEmpty() && attempt >= MAX_ATTEMPTS) {
                throw new IllegalStateException(failed.size() + " records could not be put into " + stream + " after "
                        + MAX_ATTEMPTS + " attempts, the first at line " + entries.get(failed.get(0)).line()
                        + " of the input: " + firstError.errorCode() + " " + firstError.errorMessage());
            }
            if (!failed.isEmpty()) {
                Thread.sleep(Math.min(1_000, 50L << attempt));
            }
            pending = failed;
        }
    }
}

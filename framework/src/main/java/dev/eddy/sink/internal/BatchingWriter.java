package dev.eddy.sink.internal;

import dev.eddy.sink.SinkException;
import dev.eddy.sink.SinkRecord;
import dev.eddy.sink.SinkRef;
import dev.eddy.sink.SinkWriter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * What every batch API sink shares (Firehose {@code PutRecordBatch}, SNS {@code PublishBatch}, Kinesis
 * {@code PutRecords}, SQS {@code SendMessageBatch}): records over the per-record limit are rejected up front;
 * the rest go out in calls within the API's count and size limits, in order; entries that fail inside a call that
 * succeeded are sent again (only those) after an exponential back-off with full jitter, up to a number of attempts;
 * entries refused for good (a sender fault) are rejected with the service's reason. A whole call that fails has been
 * retried by the SDK's own strategy already and fails the write. Internal.
 */
public abstract class BatchingWriter implements SinkWriter {

    /**
     * Limits of one API call.
     *
     * @param maxEntries records per call
     * @param maxCallBytes bytes per call, as the API counts them ({@link #size})
     * @param maxRecordBytes bytes per record, as the API counts them
     * @param rule where the limits are documented, for messages
     */
    public record Limits(int maxEntries, long maxCallBytes, long maxRecordBytes, String rule) {
    }

    /**
     * An entry that failed inside a call that succeeded.
     *
     * @param index the entry's position in the call
     * @param code the service's error code
     * @param message the service's message
     * @param retryable whether sending it again may succeed; {@code false}: rejected for good
     */
    protected record EntryFailure(int index, String code, String message, boolean retryable) {
    }

    private final SinkRef ref;
    private final Limits limits;
    private final SinkRetry retry;
    private final AtomicLong retriedEntries = new AtomicLong();
    private final AtomicLong calls = new AtomicLong();

    /**
     * @param ref the destination
     * @param limits its API's limits
     * @param retry attempts and back-off for entries that fail
     */
    protected BatchingWriter(SinkRef ref, Limits limits, SinkRetry retry) {
        this.ref = ref;
        this.limits = limits;
        this.retry = retry;
    }

    /**
     * @param record a record
     * @return its size as the API counts it against {@link Limits}, bytes
     */
    protected abstract long size(SinkRecord record);

    /**
     * @param record a record
     * @return why the destination can never take it, or {@code null} if it may (the default); checked before
     *     the size
     */
    protected String refusal(SinkRecord record) {
        return null;
    }

    /**
     * Makes one call.
     *
     * @param call records within the limits
     * @return the entries that failed; empty when all were delivered
     * @throws SdkException if the call itself fails
     */
    protected abstract List<EntryFailure> send(List<SinkRecord> call);

    /** @return entries sent again after a partial failure, since this writer was created */
    public long retriedEntries() {
        return retriedEntries.get();
    }

    /** @return API calls made, since this writer was created */
    public long calls() {
        return calls.get();
    }

    @Override
    public final List<Rejected> write(List<SinkRecord> records) {
        List<Rejected> rejected = new ArrayList<>();
        List<SinkRecord> pending = new ArrayList<>(records.size());
        // each record's size once per write, not once per attempt (sizes may parse the record's JSON)
        Map<SinkRecord, Long> sizes = new IdentityHashMap<>();
        for (SinkRecord record : records) {
            String refusal = refusal(record);
            if (refusal != null) {
                rejected.add(new Rejected(record, refusal));
                continue;
            }
            long size = size(record);
            sizes.put(record, size);
            if (size > limits.maxRecordBytes()) {
                rejected.add(new Rejected(record, String.format(Locale.ROOT, "%,d bytes exceed %s's limit of %,d"
                        + " bytes a record (%s)", size, ref.describe(), limits.maxRecordBytes(), limits.rule())));
            } else {
                pending.add(record);
            }
        }
        EntryFailure last = null;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            if (attempt > 1) {
                if (attempt > retry.maxAttempts()) {
                    throw new SinkException(String.format(Locale.ROOT, "%s: %,d of %,d records still failing after"
                            + " %d attempts, last %s: %s", ref.describe(), pending.size(), records.size(),
                            retry.maxAttempts(), last.code(), last.message()), null);
                }
                retriedEntries.addAndGet(pending.size());
                retry.pause(attempt - 1);
            }
            List<SinkRecord> again = new ArrayList<>();
            for (List<SinkRecord> call : calls(pending, sizes::get)) {
                List<EntryFailure> failures;
                try {
                    calls.incrementAndGet();
                    failures = send(call);
                } catch (SdkException e) {
                    throw new SinkException(ref.describe() + ": " + explain(e), e);
                }
                for (EntryFailure failure : failures) {
                    SinkRecord record = call.get(failure.index());
                    if (failure.retryable()) {
                        again.add(record);
                        last = failure;
                    } else {
                        rejected.add(new Rejected(record, ref.describe() + " refused it: " + failure.code() + ": "
                                + failure.message()));
                    }
                }
            }
            pending = again;
        }
        return rejected;
    }

    /**
     * @param records records each within the per-record limit
     * @return consecutive runs of them, each within the per-call limits, in order
     */
    final List<List<SinkRecord>> calls(List<SinkRecord> records) {
        return calls(records, this::size);
    }

    private List<List<SinkRecord>> calls(List<SinkRecord> records, ToLongFunction<SinkRecord> sizes) {
        List<List<SinkRecord>> calls = new ArrayList<>();
        List<SinkRecord> call = new ArrayList<>();
        long bytes = 0;
        for (SinkRecord record : records) {
            long size = sizes.applyAsLong(record);
            if (!call.isEmpty() && (call.size() == limits.maxEntries() || bytes + size > limits.maxCallBytes())) {
                calls.add(call);
                call = new ArrayList<>();
                bytes = 0;
            }
            call.add(record);
            bytes += size;
        }
        if (!call.isEmpty()) {
            calls.add(call);
        }
        return calls;
    }

    private String explain(SdkException e) {
        String message = e.getMessage();
        if (e instanceof AwsServiceException service && service.awsErrorDetails() != null) {
            String code = String.valueOf(service.awsErrorDetails().errorCode());
            if (code.contains("NotFound") || code.contains("NonExistent")) {
                return message + ". Create it (cdk deploy provisions the sinks a pipeline names), check the region and"
                        + " the endpoint (AWS_ENDPOINT_URL_" + ref.kind().toUpperCase(Locale.ROOT)
                        + "), or write sinks to local files with EDDY_SINKS=file:<folder>";
            }
            if (code.contains("AccessDenied") || code.contains("Authorization")) {
                return message + ". The function's role needs permission to write to it (the CDK construct grants"
                        + " it for the sinks a pipeline names)";
            }
        }
        return message;
    }
}

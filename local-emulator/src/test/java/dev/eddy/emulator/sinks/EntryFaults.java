package dev.eddy.emulator.sinks;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequest;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.sns.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchRequest;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;

/**
 * Partial failures of batch calls, as the services report them, injected through the SDK's interceptor hooks (a
 * global interceptor: {@code software/amazon/awssdk/global/handlers/execution.interceptors} in the test resources):
 * an armed operation loses the first entry of a call on its way out (the emulator never sees it; a call of one
 * entry keeps it, so that entry is delivered though reported failed) and the response gets a failed entry in its
 * place ({@code ErrorCode} for Firehose and Kinesis, a {@code Failed} entry that is not
 * the sender's fault for SNS). The SDK's parsing and the writers' handling of the response are the real ones.
 * Counts every API call per operation. Does nothing unless armed.
 */
public final class EntryFaults implements ExecutionInterceptor {

    private static final Map<String, AtomicInteger> ARMED = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
    private static final ExecutionAttribute<String> FAILED = new ExecutionAttribute<>("eddy.test.failed");
    private static final ExecutionAttribute<String> FAILED_ID = new ExecutionAttribute<>("eddy.test.failedId");
    private static final String DROP = "drop";
    private static final String REPLACE = "replace";

    /**
     * Makes the next calls of an operation lose and report failed their first entry.
     *
     * @param operation {@code PutRecordBatch}, {@code PutRecords} or {@code PublishBatch}
     * @param calls how many calls, {@link Integer#MAX_VALUE} for all
     */
    public static void failFirstEntry(String operation, int calls) {
        ARMED.put(operation, new AtomicInteger(calls));
    }

    /**
     * Makes the next {@code GetRecords} calls fail with {@code ExpiredIteratorException}, as Kinesis answers a shard
     * iterator older than 5 minutes.
     *
     * @param calls how many calls
     */
    public static void expireIterators(int calls) {
        ARMED.put("GetRecords", new AtomicInteger(calls));
    }

    /** Disarms every operation and zeroes the call counts. */
    public static void reset() {
        ARMED.clear();
        CALLS.clear();
    }

    /**
     * @param operation an operation name
     * @return its calls since the last {@link #reset()}
     */
    public static int calls(String operation) {
        return CALLS.getOrDefault(operation, new AtomicInteger()).get();
    }

    private static boolean take(String operation) {
        AtomicInteger left = ARMED.get(operation);
        return left != null && left.getAndUpdate(n -> n == Integer.MAX_VALUE ? n : Math.max(0, n - 1)) > 0;
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes attributes) {
        SdkRequest request = context.request();
        String operation = request.getClass().getSimpleName().replaceAll("Request$", "");
        CALLS.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
        if (!take(operation)) {
            return request;
        }
        if (request instanceof software.amazon.awssdk.services.kinesis.model.GetRecordsRequest) {
            throw software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException.builder()
                    .message("Iterator expired (injected by EntryFaults)").statusCode(400).build();
        }
        // the first entry fails; it is kept out of the request unless it is the only one (a call needs one)
        if (request instanceof PutRecordBatchRequest put) {
            attributes.putAttribute(FAILED, put.records().size() > 1 ? DROP : REPLACE);
            return put.records().size() > 1
                    ? put.toBuilder().records(put.records().subList(1, put.records().size())).build() : put;
        }
        if (request instanceof PutRecordsRequest put) {
            attributes.putAttribute(FAILED, put.records().size() > 1 ? DROP : REPLACE);
            return put.records().size() > 1
                    ? put.toBuilder().records(put.records().subList(1, put.records().size())).build() : put;
        }
        if (request instanceof PublishBatchRequest publish) {
            List<PublishBatchRequestEntry> entries = publish.publishBatchRequestEntries();
            attributes.putAttribute(FAILED, entries.size() > 1 ? DROP : REPLACE);
            attributes.putAttribute(FAILED_ID, entries.get(0).id());
            return entries.size() > 1
                    ? publish.toBuilder().publishBatchRequestEntries(entries.subList(1, entries.size())).build()
                    : publish;
        }
        return request;
    }

    @Override
    public SdkResponse modifyResponse(Context.ModifyResponse context, ExecutionAttributes attributes) {
        SdkResponse response = context.response();
        String mode = attributes.getAttribute(FAILED);
        if (mode == null) {
            return response;
        }
        int keep = mode.equals(DROP) ? 0 : 1;
        if (response instanceof PutRecordBatchResponse put) {
            List<PutRecordBatchResponseEntry> entries = new ArrayList<>();
            entries.add(PutRecordBatchResponseEntry.builder().errorCode("ServiceUnavailableException")
                    .errorMessage("injected by EntryFaults").build());
            entries.addAll(put.requestResponses().subList(keep, put.requestResponses().size()));
            return put.toBuilder().failedPutCount(put.failedPutCount() + 1).requestResponses(entries).build();
        }
        if (response instanceof PutRecordsResponse put) {
            List<PutRecordsResultEntry> entries = new ArrayList<>();
            entries.add(PutRecordsResultEntry.builder().errorCode("ProvisionedThroughputExceededException")
                    .errorMessage("injected by EntryFaults").build());
            entries.addAll(put.records().subList(keep, put.records().size()));
            return put.toBuilder().failedRecordCount(put.failedRecordCount() + 1).records(entries).build();
        }
        if (response instanceof PublishBatchResponse publish) {
            String id = attributes.getAttribute(FAILED_ID);
            List<BatchResultErrorEntry> failed = new ArrayList<>(publish.failed());
            failed.add(BatchResultErrorEntry.builder().id(id).code("InternalError")
                    .message("injected by EntryFaults").senderFault(false).build());
            return publish.toBuilder().failed(failed)
                    .successful(publish.successful().stream().filter(e -> !e.id().equals(id)).toList()).build();
        }
        return response;
    }
}

package dev.eddy.sink.internal;

import dev.eddy.sink.SinkRecord;
import dev.eddy.sink.Sqs;
import java.util.ArrayList;
import software.amazon.awssdk.core.SdkBytes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchResponse;

/**
 * Sends to an SQS queue with {@code SendMessageBatch}: at most 10 messages and 256 KiB a call and a message,
 * attributes included (Amazon SQS API Reference, SendMessageBatch; 256 KiB is every queue's limit, though queues
 * may now be configured for more). The queue URL is looked up once ({@code GetQueueUrl}). A FIFO queue's messages
 * carry the record's key as group id and its id as deduplication id. Failed entries that are not the sender's
 * fault are sent again; a sender's fault is rejected with SQS's reason. Internal.
 */
public final class SqsWriter extends BatchingWriter {

    /** The limits of {@code SendMessageBatch}. */
    public static final Limits LIMITS = new Limits(Messages.MAX_ENTRIES, Messages.MAX_BYTES, Messages.MAX_BYTES,
            "SQS SendMessageBatch: 10 messages, 256 KiB a call and a message, attributes included");

    private final SqsClient client;
    private final Sqs sink;
    private volatile String queueUrl;

    /**
     * @param client the SQS client
     * @param sink the queue
     * @param retry attempts and back-off of failed entries
     */
    public SqsWriter(SqsClient client, Sqs sink, SinkRetry retry) {
        super(sink, LIMITS, retry);
        this.client = client;
        this.sink = sink;
    }

    @Override
    protected long size(SinkRecord record) {
        return Messages.size(record, Messages.attributes(record, List.of()));
    }

    @Override
    protected List<EntryFailure> send(List<SinkRecord> call) {
        List<SendMessageBatchRequestEntry> entries = new ArrayList<>(call.size());
        for (int i = 0; i < call.size(); i++) {
            SinkRecord record = call.get(i);
            Map<String, MessageAttributeValue> attributes = new HashMap<>();
            for (Messages.Attribute a : Messages.attributes(record, List.of())) {
                MessageAttributeValue.Builder value = MessageAttributeValue.builder().dataType(a.dataType());
                attributes.put(a.name(), (a.binary() ? value.binaryValue(SdkBytes.fromUtf8String(a.value()))
                        : value.stringValue(a.value())).build());
            }
            SendMessageBatchRequestEntry.Builder entry = SendMessageBatchRequestEntry.builder()
                    .id(Integer.toString(i)).messageBody(Messages.body(record)).messageAttributes(attributes);
            if (sink.fifo()) {
                entry.messageGroupId(Messages.fifoId(record.partitionKey()))
                        .messageDeduplicationId(Messages.fifoId(record.id()));
            }
            entries.add(entry.build());
        }
        SendMessageBatchResponse response = client.sendMessageBatch(b -> b.queueUrl(queueUrl()).entries(entries));
        List<EntryFailure> failures = new ArrayList<>();
        for (BatchResultErrorEntry failed : response.failed()) {
            failures.add(new EntryFailure(Integer.parseInt(failed.id()), failed.code(), failed.message(),
                    !Boolean.TRUE.equals(failed.senderFault())));
        }
        return failures;
    }

    private String queueUrl() {
        String url = queueUrl;
        if (url == null) {
            url = client.getQueueUrl(b -> b.queueName(sink.name())).queueUrl();
            queueUrl = url;
        }
        return url;
    }
}

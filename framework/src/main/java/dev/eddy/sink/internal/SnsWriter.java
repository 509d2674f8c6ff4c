package dev.eddy.sink.internal;

import dev.eddy.sink.SinkRecord;
import dev.eddy.sink.Sns;
import java.util.ArrayList;
import software.amazon.awssdk.core.SdkBytes;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.BatchResultErrorEntry;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.PublishBatchRequestEntry;
import software.amazon.awssdk.services.sns.model.PublishBatchResponse;

/**
 * Publishes to an SNS topic with {@code PublishBatch}: at most 10 messages and 256 KiB a call, 256 KiB a message
 * with its attributes (Amazon SNS API Reference, PublishBatch). A FIFO topic's messages carry the result's key as
 * group id and its id as deduplication id ({@link Messages#fifoId}). Failed entries that are not the sender's
 * fault are sent again; a sender's fault (an invalid message) is rejected with SNS's reason. Internal.
 */
public final class SnsWriter extends BatchingWriter {

    /** The limits of {@code PublishBatch}. */
    public static final Limits LIMITS = new Limits(Messages.MAX_ENTRIES, Messages.MAX_BYTES, Messages.MAX_BYTES,
            "SNS PublishBatch: 10 messages, 256 KiB a call and a message, attributes included");

    private final SnsClient client;
    private final Sns sink;
    private final Supplier<String> topicArn;

    /**
     * @param client the SNS client
     * @param sink the topic
     * @param topicArn the topic's ARN, asked at the first call
     * @param retry attempts and back-off of failed entries
     */
    public SnsWriter(SnsClient client, Sns sink, Supplier<String> topicArn, SinkRetry retry) {
        super(sink, LIMITS, retry);
        this.client = client;
        this.sink = sink;
        this.topicArn = topicArn;
    }

    @Override
    protected long size(SinkRecord record) {
        return Messages.size(record, Messages.attributes(record, sink.attributeFields()));
    }

    @Override
    protected List<EntryFailure> send(List<SinkRecord> call) {
        List<PublishBatchRequestEntry> entries = new ArrayList<>(call.size());
        for (int i = 0; i < call.size(); i++) {
            SinkRecord record = call.get(i);
            Map<String, MessageAttributeValue> attributes = new HashMap<>();
            for (Messages.Attribute a : Messages.attributes(record, sink.attributeFields())) {
                MessageAttributeValue.Builder value = MessageAttributeValue.builder().dataType(a.dataType());
                attributes.put(a.name(), (a.binary() ? value.binaryValue(SdkBytes.fromUtf8String(a.value()))
                        : value.stringValue(a.value())).build());
            }
            PublishBatchRequestEntry.Builder entry = PublishBatchRequestEntry.builder().id(Integer.toString(i))
                    .message(Messages.body(record)).messageAttributes(attributes);
            if (sink.fifo()) {
                entry.messageGroupId(Messages.fifoId(record.partitionKey()))
                        .messageDeduplicationId(Messages.fifoId(record.id()));
            }
            entries.add(entry.build());
        }
        PublishBatchResponse response = client.publishBatch(b -> b.topicArn(topicArn.get())
                .publishBatchRequestEntries(entries));
        List<EntryFailure> failures = new ArrayList<>();
        for (BatchResultErrorEntry failed : response.failed()) {
            failures.add(new EntryFailure(Integer.parseInt(failed.id()), failed.code(), failed.message(),
                    !Boolean.TRUE.equals(failed.senderFault())));
        }
        return failures;
    }
}

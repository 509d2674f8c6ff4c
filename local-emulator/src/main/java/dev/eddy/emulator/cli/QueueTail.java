package dev.eddy.emulator.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.emulator.console.UsageError;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueDoesNotExistException;
import software.amazon.awssdk.services.sqs.model.SqsException;

/**
 * {@code ./eddy tail --sink sqs:NAME}: prints a queue's messages without deleting them, each as a line {@code {queue,
 * messageId, sentTimestamp, receiveCount, [messageGroupId,] attributes, data|text|base64}}. Each message is received
 * with a visibility timeout of {@link #VISIBILITY_SECONDS} and made visible again at the end; until two receives in a
 * row bring nothing new.
 */
final class QueueTail {

    /** Seconds a received SQS message stays invisible before tail makes it visible again (or it times out). */
    static final int VISIBILITY_SECONDS = 60;

    private final AwsOptions aws;
    private final TailOutput out;
    private final Progress progress;

    /**
     * @param aws where the queue is
     * @param out where lines go
     * @param progress where progress lines go
     */
    QueueTail(AwsOptions aws, TailOutput out, Progress progress) {
        this.aws = aws;
        this.out = out;
        this.progress = progress;
    }

    /**
     * @param queue the queue's name
     * @return the exit code: 0
     * @throws UsageError if the queue does not exist
     */
    int tail(String queue) {
        try (SqsClient sqs = aws.sqs()) {
            String url;
            try {
                url = sqs.getQueueUrl(b -> b.queueName(queue)).queueUrl();
            } catch (QueueDoesNotExistException missing) {
                throw new UsageError("queue '" + queue + "' does not exist at " + aws.describe("SQS"));
            } catch (SqsException e) {
                String code = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
                if (code.contains("NonExistentQueue") || code.contains("QueueDoesNotExist")) {
                    // the Query protocol's code, which some emulators still answer with
                    throw new UsageError("queue '" + queue + "' does not exist at " + aws.describe("SQS"));
                }
                throw e;
            }
            progress.say("reading queue %s at %s (messages stay in the queue)", queue, aws.describe("SQS"));
            Map<String, String> handles = new LinkedHashMap<>(); // message id -> latest receipt handle
            try {
                int idle = 0;
                while (idle < 2 && !out.limitReached()) {
                    List<Message> messages = sqs.receiveMessage(b -> b.queueUrl(url).maxNumberOfMessages(10)
                            .waitTimeSeconds(1).visibilityTimeout(VISIBILITY_SECONDS).messageAttributeNames("All")
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
                    boolean fresh = false;
                    for (Message message : messages) {
                        if (handles.put(message.messageId(), message.receiptHandle()) == null && !out.limitReached()) {
                            out.print(line(queue, message));
                            fresh = true;
                        }
                    }
                    idle = fresh ? 0 : idle + 1;
                    out.checkClosed();
                }
            } finally {
                out.flush();
                release(sqs, url, handles);
            }
            progress.say("%,d messages from queue %s", out.printed(), queue);
            return 0;
        }
    }

    /** Makes the received messages visible again at once. */
    private void release(SqsClient sqs, String url, Map<String, String> handles) {
        List<String> receipts = List.copyOf(handles.values());
        int failed = 0;
        for (int from = 0; from < receipts.size(); from += 10) {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int i = from; i < Math.min(receipts.size(), from + 10); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id("m" + i)
                        .receiptHandle(receipts.get(i)).visibilityTimeout(0).build());
            }
            try {
                failed += sqs.changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(entries)).failed().size();
            } catch (RuntimeException e) {
                failed += entries.size();
            }
        }
        if (failed > 0) {
            progress.say("%,d messages could not be made visible again; they reappear after %d s", failed,
                    VISIBILITY_SECONDS);
        }
    }

    /**
     * @param queue the queue's name
     * @param message a message received from it
     * @return its line: {@code {queue, messageId, sentTimestamp, receiveCount, [messageGroupId,] attributes,
     *     data|text|base64}}, attributes by name in order, binary ones in base64
     */
    static String line(String queue, Message message) {
        ObjectNode line = TailLines.line();
        line.put("queue", queue);
        line.put("messageId", message.messageId());
        Map<MessageSystemAttributeName, String> system = message.attributes();
        String sent = system.get(MessageSystemAttributeName.SENT_TIMESTAMP);
        line.put("sentTimestamp", sent == null ? null : Instant.ofEpochMilli(Long.parseLong(sent)).toString());
        String received = system.get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        if (received != null) {
            line.put("receiveCount", Integer.parseInt(received));
        }
        String group = system.get(MessageSystemAttributeName.MESSAGE_GROUP_ID);
        if (group != null) {
            line.put("messageGroupId", group);
        }
        ObjectNode attributes = line.putObject("attributes");
        new TreeMap<>(message.messageAttributes()).forEach((name, value) -> attributes.put(name,
                value.stringValue() != null ? value.stringValue() : base64(value)));
        TailLines.payload(line, message.body().getBytes(StandardCharsets.UTF_8));
        return TailLines.write(line);
    }

    private static String base64(MessageAttributeValue value) {
        return value.binaryValue() == null ? null
                : Base64.getEncoder().encodeToString(value.binaryValue().asByteArray());
    }
}

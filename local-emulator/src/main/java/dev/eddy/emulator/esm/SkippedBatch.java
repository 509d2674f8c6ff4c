package dev.eddy.emulator.esm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.Optional;

/**
 * A batch the event source mapping gave up on, as its on-failure record describes it: Lambda sends an SQS queue,
 * SNS topic or S3 bucket only this metadata for a Kinesis batch, never the records ("Retaining records of discarded
 * batches for a Kinesis event source in Lambda", AWS Lambda Developer Guide): {@code KinesisBatchInfo} with the
 * shard, the first and last sequence numbers and the batch size, and {@code requestContext.condition}
 * ({@code RetryAttemptsExhausted} or {@code RecordAgeExceeded}).
 *
 * @param shardId the shard
 * @param streamName the stream, from {@code streamArn}
 * @param first the batch's first sequence number
 * @param last its last sequence number
 * @param size records in the batch ({@code batchSize})
 * @param condition why it was skipped
 * @param timestamp when, as the record says (ISO-8601)
 */
public record SkippedBatch(String shardId, String streamName, BigInteger first, BigInteger last, int size,
        String condition, String timestamp) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param json one on-failure record, as Lambda sends it
     * @return the batch it describes; empty if the JSON is not a Kinesis on-failure record (the failure queue also
     *     holds Eddy's own failure records)
     * @throws IllegalArgumentException if it is not JSON, or a Kinesis on-failure record without its fields
     */
    public static Optional<SkippedBatch> parse(String json) {
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + e.getOriginalMessage(), e);
        }
        JsonNode info = node == null ? null : node.get("KinesisBatchInfo");
        if (info == null) {
            return Optional.empty();
        }
        for (String field : new String[] {"shardId", "startSequenceNumber", "endSequenceNumber", "streamArn"}) {
            if (!info.hasNonNull(field)) {
                throw new IllegalArgumentException("KinesisBatchInfo without " + field + ": " + info);
            }
        }
        String arn = info.get("streamArn").asText();
        JsonNode context = node.path("requestContext");
        return Optional.of(new SkippedBatch(info.get("shardId").asText(), arn.substring(arn.lastIndexOf('/') + 1),
                new BigInteger(info.get("startSequenceNumber").asText()),
                new BigInteger(info.get("endSequenceNumber").asText()), info.path("batchSize").asInt(0),
                context.path("condition").asText("unknown"), node.path("timestamp").asText("")));
    }

    /**
     * @param sequenceNumber a record of the shard
     * @return whether it lies in {@code [first, last]}
     */
    public boolean contains(BigInteger sequenceNumber) {
        return sequenceNumber.compareTo(first) >= 0 && sequenceNumber.compareTo(last) <= 0;
    }
}

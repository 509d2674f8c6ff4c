package dev.eddy.sink;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One record for a sink.
 *
 * @param id deterministic id: the same result always carries the same id, so downstream can deduplicate
 * @param partitionKey the key the record derives from (SNS FIFO message group, Kinesis partition key)
 * @param payload the record body, UTF-8 JSON without a trailing newline
 */
public record SinkRecord(String id, String partitionKey, byte[] payload) {

    /** Requires all parts. */
    public SinkRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(partitionKey, "partitionKey");
        Objects.requireNonNull(payload, "payload");
    }

    /** @return the payload as text */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}

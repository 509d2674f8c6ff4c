package dev.eddy.sink;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One record for a sink.
 *
 * @param id deterministic id: the same result always carries the same id, so downstream can deduplicate
 * @param partitionKey the key the record derives from (SNS and SQS FIFO message group, Kinesis partition key)
 * @param payload the record body, UTF-8 JSON without a trailing newline
 * @param attributes what message attributes carry (SNS, SQS), by name: String or Number values, in order; names
 *     from {@link #ATTRIBUTES}
 */
public record SinkRecord(String id, String partitionKey, byte[] payload, Map<String, Object> attributes) {

    /**
     * The attributes Eddy sets: {@code id}, {@code pipeline}, {@code key}; for window results also
     * {@code windowStart} and {@code windowEnd} (ISO-8601 instants) and {@code firing} (a Number).
     */
    public static final List<String> ATTRIBUTES = List.of("id", "pipeline", "key", "windowStart", "windowEnd",
            "firing");

    /** Requires all parts; copies the attributes, keeping their order. */
    public SinkRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(partitionKey, "partitionKey");
        Objects.requireNonNull(payload, "payload");
        attributes = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        for (Object value : attributes.values()) {
            if (!(value instanceof String) && !(value instanceof Number)) {
                throw new IllegalArgumentException("attribute values are String or Number, got " + value);
            }
        }
    }

    /**
     * A record with the {@code id} attribute only.
     *
     * @param id deterministic id
     * @param partitionKey the key the record derives from
     * @param payload UTF-8 JSON
     */
    public SinkRecord(String id, String partitionKey, byte[] payload) {
        this(id, partitionKey, payload, Map.of("id", id));
    }

    /** @return the payload as text */
    public String payloadText() {
        return new String(payload, StandardCharsets.UTF_8);
    }
}

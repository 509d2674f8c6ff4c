package dev.eddy.sink;

import java.util.Objects;

/**
 * A Kinesis data stream as a sink: how one pipeline feeds another. Each result is one record whose data is the
 * result's JSON. Its partition key is the result's key, or a top-level field of the result chosen with
 * {@link #withPartitionKeyFrom}: that is the repartition path of docs/windows.md, "Keys and shards" — a pipeline that needs another key
 * writes its results partitioned by that key, and the next pipeline, keyed by it, reads the stream with every key
 * on one shard.
 *
 * @param name stream name: 1–128 characters of {@code [a-zA-Z0-9_.-]} (Kinesis API rule)
 * @param partitionKeyField the top-level field of a result whose value (as text) is the partition key, or
 *     {@code null} for the result's key
 */
public record Kinesis(String name, String partitionKeyField) implements SinkRef {

    /**
     * @throws IllegalArgumentException if the name breaks the Kinesis naming rule or the field is blank
     */
    public Kinesis {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-zA-Z0-9_.-]{1,128}")) {
            throw new IllegalArgumentException("Kinesis stream name '" + name
                    + "' must be 1-128 characters of letters, digits, '_', '.' or '-'");
        }
        if (partitionKeyField != null && partitionKeyField.isBlank()) {
            throw new IllegalArgumentException("Kinesis stream '" + name + "': the partition key field is blank");
        }
    }

    /**
     * @param name stream name
     * @return the sink, partitioned by the result's key
     */
    public static Kinesis stream(String name) {
        return new Kinesis(name, null);
    }

    /**
     * Partitions the records by a top-level field of each result instead of the result's key. A result without
     * the field (or with a null, object or array value there) cannot be written and goes to the failure
     * destination with the reason.
     *
     * @param field the field, e.g. {@code "customerId"}
     * @return a copy of this sink partitioned by that field
     */
    public Kinesis withPartitionKeyFrom(String field) {
        return new Kinesis(name, Objects.requireNonNull(field, "field"));
    }

    @Override
    public String kind() {
        return "kinesis";
    }
}

package dev.eddy.state;

import java.util.List;
import java.util.Objects;

/**
 * A batch's elements for one key: all of a key's state is one item, whatever its windows.
 *
 * @param key the key
 * @param values elements in increasing sequence-number order; the key's logic assigns them to its windows
 * @param partitionKey the Kinesis partition key of the key's records ({@code null} if unknown): the key's owner
 *     shard after a reshard is the one whose hash key range holds this partition key's hash
 */
public record KeyUpdate(String key, List<SequencedValue> values, String partitionKey) {

    /** Requires a key and values; copies the values. */
    public KeyUpdate {
        Objects.requireNonNull(key, "key");
        values = List.copyOf(values);
    }

    /**
     * An update whose partition key is unknown.
     *
     * @param key the key
     * @param values elements in increasing sequence-number order
     */
    public KeyUpdate(String key, List<SequencedValue> values) {
        this(key, values, null);
    }
}

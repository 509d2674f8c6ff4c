package dev.eddy.state;

import dev.eddy.window.Window;
import java.util.List;

/**
 * A batch's elements for one key and window.
 *
 * @param key the key
 * @param window the window
 * @param values elements in increasing sequence-number order
 * @param partitionKey the Kinesis partition key of the key's records ({@code null} if unknown): the key's owner
 *     shard after a reshard is the one whose hash key range holds this partition key's hash
 */
public record WindowUpdate(String key, Window window, List<SequencedValue> values, String partitionKey) {

    /**
     * An update whose partition key is unknown.
     *
     * @param key the key
     * @param window the window
     * @param values elements in increasing sequence-number order
     */
    public WindowUpdate(String key, Window window, List<SequencedValue> values) {
        this(key, window, values, null);
    }
}

package dev.eddy.state.dynamodb.timers;

import java.util.Objects;

/**
 * One timer inside a timer bucket: the key whose item it wakes, and the partition key the key's records carry (so
 * that the shard owning the key is known after a reshard).
 *
 * <p>Stored as one string of a bucket's string set: {@code |<partition key length>|<partition key><key>}, or
 * {@code |-|<key>} when the partition key is unknown. The length (in UTF-16 chars, decimal) makes any partition
 * key and key safe, {@code |} included. The empty part before the first {@code |} is where versions that could
 * keep one item per (key, window) wrote {@code <start>,<end>}; such a part is still read, and skipped: the entry
 * then wakes the key's item, where it is stale unless the item names the same time.
 *
 * @param key the key
 * @param partitionKey the partition key of the key's records, or {@code null} if unknown
 */
public record TimerEntry(String key, String partitionKey) {

    /** @throws NullPointerException if {@code key} is {@code null} */
    public TimerEntry {
        Objects.requireNonNull(key, "key");
    }

    /** @return the stored form */
    public String encode() {
        if (partitionKey == null) {
            return "|-|" + key;
        }
        return "|" + partitionKey.length() + "|" + partitionKey + key;
    }

    /**
     * @param stored a stored entry, with or without a window part
     * @return the entry
     * @throws IllegalArgumentException if it is not one
     */
    public static TimerEntry decode(String stored) {
        int bar = stored.indexOf('|');
        int second = bar < 0 ? -1 : stored.indexOf('|', bar + 1);
        if (second < 0) {
            throw new IllegalArgumentException("'" + stored + "' is not a timer entry: expected"
                    + " '|<partition key length>|<partition key><key>' or '|-|<key>'");
        }
        String length = stored.substring(bar + 1, second);
        if (length.equals("-")) {
            return new TimerEntry(stored.substring(second + 1), null);
        }
        int chars;
        try {
            chars = Integer.parseInt(length);
        } catch (NumberFormatException e) {
            chars = -1;
        }
        int end = second + 1 + chars;
        if (chars < 0 || end > stored.length()) {
            throw new IllegalArgumentException("'" + stored + "' is not a timer entry: its partition key length '"
                    + length + "' is not a length within the entry");
        }
        return new TimerEntry(stored.substring(end), stored.substring(second + 1, end));
    }
}

package dev.eddy.state.dynamodb.timers;

import dev.eddy.window.Window;

/**
 * One timer inside a timer bucket: the state item it is for, and the partition key its records carry (so that
 * the shard owning the key is known after a reshard).
 *
 * <p>Stored as one string of a bucket's string set: {@code <window>|<partition key length>|<partition key><key>},
 * where {@code <window>} is empty for the all-time window that key-level items use, or {@code <start>,<end>} in
 * ms. The length prefix makes any partition key and key safe.
 *
 * @param key the key
 * @param window the item's window
 * @param partitionKey the partition key of the key's records, or {@code null} if unknown
 */
public record TimerEntry(String key, Window window, String partitionKey) {

    private static final Window ALL_TIME = new Window(Long.MIN_VALUE, Long.MAX_VALUE);

    /** @return the stored form */
    public String encode() {
        String w = window.equals(ALL_TIME) ? "" : window.startMs() + "," + window.endMs();
        String p = partitionKey == null ? "" : partitionKey;
        return w + "|" + (partitionKey == null ? "-" : Integer.toString(p.length())) + "|" + p + key;
    }

    /**
     * @param stored a stored entry
     * @return the entry
     * @throws IllegalArgumentException if it is not one
     */
    public static TimerEntry decode(String stored) {
        int bar = stored.indexOf('|');
        int second = bar < 0 ? -1 : stored.indexOf('|', bar + 1);
        if (second < 0) {
            throw new IllegalArgumentException("not a timer entry: " + stored);
        }
        String w = stored.substring(0, bar);
        Window window = ALL_TIME;
        if (!w.isEmpty()) {
            int comma = w.indexOf(',');
            window = new Window(Long.parseLong(w.substring(0, comma)), Long.parseLong(w.substring(comma + 1)));
        }
        String length = stored.substring(bar + 1, second);
        if (length.equals("-")) {
            return new TimerEntry(stored.substring(second + 1), window, null);
        }
        int end = second + 1 + Integer.parseInt(length);
        return new TimerEntry(stored.substring(end), window, stored.substring(second + 1, end));
    }
}

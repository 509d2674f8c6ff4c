package dev.eddy.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * A heartbeat record: a tick that a scheduler puts into every open shard of a pipeline's stream, so that time goes
 * on for a shard without traffic (docs/windows.md, "Idleness"). The handler reads it in order with the shard's other
 * records and never decodes it as data: it is not counted as a record, a failure or late data. Its time is the
 * wall-clock time of its making, carried in the data, so a retried batch sees the same tick.
 *
 * <p>A heartbeat is a record whose partition key is {@value #PARTITION_KEY} and whose data is
 * {@code eddy-heartbeat/1 <epoch ms>} in ASCII; a record with that partition key and other data is user data.
 */
public final class Heartbeat {

    /** The partition key of every heartbeat (its shard is chosen by {@code ExplicitHashKey}). */
    public static final String PARTITION_KEY = "eddy-heartbeat";

    private static final byte[] PREFIX = "eddy-heartbeat/1 ".getBytes(StandardCharsets.US_ASCII);

    private Heartbeat() {
    }

    /**
     * @param epochMs the wall-clock time of the heartbeat's making, ms since the epoch
     * @return its data
     */
    public static byte[] data(long epochMs) {
        byte[] time = Long.toString(epochMs).getBytes(StandardCharsets.US_ASCII);
        byte[] data = Arrays.copyOf(PREFIX, PREFIX.length + time.length);
        System.arraycopy(time, 0, data, PREFIX.length, time.length);
        return data;
    }

    /**
     * @param partitionKey a record's partition key
     * @param data its data
     * @return the heartbeat's time, ms since the epoch, if the record is a heartbeat; empty for any other record
     */
    public static OptionalLong timeOf(String partitionKey, byte[] data) {
        if (!PARTITION_KEY.equals(partitionKey) || data.length <= PREFIX.length || data.length > PREFIX.length + 20
                || !Arrays.equals(data, 0, PREFIX.length, PREFIX, 0, PREFIX.length)) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(new String(data, PREFIX.length, data.length - PREFIX.length,
                    StandardCharsets.US_ASCII)));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}

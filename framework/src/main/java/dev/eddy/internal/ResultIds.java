package dev.eddy.internal;

import dev.eddy.window.Window;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Deterministic ids of results and side-output records. Internal. */
public final class ResultIds {

    private ResultIds() {
    }

    /**
     * @return a name-based UUID of (pipeline, key, window start, window end, firing)
     */
    public static String ofFiring(String pipeline, String key, Window window, int firing) {
        String name = pipeline + '\u0000' + key + '\u0000' + window.startMs() + '\u0000' + window.endMs()
                + '\u0000' + firing;
        return UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * @return {@code pipeline:shardId:sequenceNumber[:index]}, the id of a side-output record
     */
    public static String ofRecord(String pipeline, String shardId, String sequenceNumber, int index) {
        return pipeline + ':' + shardId + ':' + sequenceNumber + (index == 0 ? "" : ":" + index);
    }
}

package dev.eddy.internal;

import dev.eddy.window.Window;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** Deterministic ids of results and side-output records. Internal. */
public final class ResultIds {

    private ResultIds() {
    }

    /**
     * A name-based UUID (version 3) of {@code pipeline U+0000 key U+0000 start U+0000 end U+0000 firing}. The
     * name is unambiguous for any key, U+0000 included: a pipeline name has no U+0000 ({@code Pipeline.named}
     * refuses it) and the last three fields are decimal numbers, so the key is everything between the first
     * separator and the third from the end. Kept in this form so that ids stay those of earlier releases.
     *
     * @return the id of a firing
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

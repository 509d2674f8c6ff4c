package dev.eddy.state;

import java.math.BigInteger;
import java.util.Objects;

/**
 * Where re-driven records are fenced: skipped records of shard {@code S} from sequence number {@code N} are
 * applied as the lane {@code S~redrive~N}, with a checkpoint and per-key fences of their own (the shard's have moved
 * past them), so that re-driving a range twice applies each record once. A lane's timers are its shard's: windows
 * that re-driven records open fire when the shard's watermark reaches them. A state backend registers timers
 * under {@link #shardOf(String)}. See docs/deploy.md, "Re-driving skipped records".
 */
public final class RedriveLane {

    private static final String MARK = "~redrive~";

    private RedriveLane() {
    }

    /**
     * @param shardId the shard whose records were skipped
     * @param from the first sequence number of the skipped range
     * @return the lane's id, {@code <shardId>~redrive~<from>}
     */
    public static String of(String shardId, BigInteger from) {
        Objects.requireNonNull(shardId, "shardId");
        if (shardId.contains(MARK)) {
            throw new IllegalArgumentException("a lane of a lane: " + shardId);
        }
        return shardId + MARK + from;
    }

    /**
     * @param id a shard id or a lane id
     * @return the shard whose timers and watermark the id uses: the id itself for a shard
     */
    public static String shardOf(String id) {
        int mark = id.indexOf(MARK);
        return mark < 0 ? id : id.substring(0, mark);
    }

    /**
     * @param id a shard id or a lane id
     * @return whether it is a lane's
     */
    public static boolean isLane(String id) {
        return id.contains(MARK);
    }
}

package dev.eddy.state;

import java.math.BigInteger;
import java.util.Objects;

/**
 * A shard whose batches keep failing: where its records stopped, since when, and why. Kept with the shard's
 * checkpoint ({@link ShardCheckpoint#blocked()}) from the first failed attempt until the next commit, which
 * removes it; {@code eddy status} shows it. An outage blocks a shard rather than skipping it (the construct's
 * {@code MaximumRetryAttempts} and {@code MaximumRecordAgeInSeconds} are -1 unless the pipeline opts in to
 * skipping): see docs/deploy.md, "An outage costs no data".
 *
 * @param from the sequence number of the first record not committed: where every retry starts
 * @param sinceMs when the first failed attempt from {@code from} ended, ms since the epoch
 * @param lastMs when the latest failed attempt ended, ms since the epoch
 * @param attempts failed attempts from {@code from} so far, at least 1
 * @param error the latest attempt's error, one line, at most {@value #MAX_ERROR} characters
 * @param emitFrom the first record of the earliest attempt that failed since the shard's last commit (before any
 *     skip): firings an attempt committed to state are tagged from there on, and the next commit emits them
 */
public record ShardBlock(BigInteger from, long sinceMs, long lastMs, long attempts, String error,
        BigInteger emitFrom) {

    /** Longest error kept, in characters: the checkpoint item stays small (one write unit per commit). */
    public static final int MAX_ERROR = 300;

    /** Requires every part; shortens the error to one line of at most {@value #MAX_ERROR} characters. */
    public ShardBlock {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(emitFrom, "emitFrom");
        error = oneLine(Objects.requireNonNull(error, "error"));
        if (attempts < 1) {
            throw new IllegalArgumentException("a block has at least one failed attempt, was " + attempts);
        }
    }

    /**
     * The block after one more failed attempt.
     *
     * @param block the block read with the checkpoint, or {@code null} if the shard was not blocked
     * @param from the first record not committed, where the failed attempt started
     * @param nowMs when the attempt ended, ms since the epoch
     * @param error its error
     * @return the same block one attempt longer if it starts at {@code from}, else a new block of one attempt
     *     (the mapping skipped to {@code from}), which keeps the earlier block's {@link #emitFrom}
     */
    public static ShardBlock after(ShardBlock block, BigInteger from, long nowMs, String error) {
        if (block == null) {
            return new ShardBlock(from, nowMs, nowMs, 1, error, from);
        }
        BigInteger emitFrom = block.emitFrom.min(from);
        return block.from.equals(from)
                ? new ShardBlock(from, block.sinceMs, nowMs, block.attempts + 1, error, emitFrom)
                : new ShardBlock(from, nowMs, nowMs, 1, error, emitFrom);
    }

    private static String oneLine(String error) {
        String line = error.replace('\r', ' ').replace('\n', ' ');
        return line.length() <= MAX_ERROR ? line : line.substring(0, MAX_ERROR - 1) + "…";
    }
}

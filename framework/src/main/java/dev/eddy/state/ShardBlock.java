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
 */
public record ShardBlock(BigInteger from, long sinceMs, long lastMs, long attempts, String error) {

    /** Longest error kept, in characters: the checkpoint item stays small (one write unit per commit). */
    public static final int MAX_ERROR = 300;

    /** Requires every part; shortens the error to one line of at most {@value #MAX_ERROR} characters. */
    public ShardBlock {
        Objects.requireNonNull(from, "from");
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
     */
    public static ShardBlock after(ShardBlock block, BigInteger from, long nowMs, String error) {
        return block != null && block.from.equals(from)
                ? new ShardBlock(from, block.sinceMs, nowMs, block.attempts + 1, error)
                : new ShardBlock(from, nowMs, nowMs, 1, error);
    }

    private static String oneLine(String error) {
        String line = error.replace('\r', ' ').replace('\n', ' ');
        return line.length() <= MAX_ERROR ? line : line.substring(0, MAX_ERROR - 1) + "…";
    }
}

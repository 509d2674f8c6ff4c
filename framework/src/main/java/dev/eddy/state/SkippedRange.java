package dev.eddy.state;

import java.math.BigInteger;
import java.util.Objects;

/**
 * Records of a shard that the event source mapping skipped after its retries ran out (only when a pipeline opts in
 * to a bounded {@code MaximumRetryAttempts} or {@code MaximumRecordAgeInSeconds}): the shard was
 * {@linkplain ShardBlock blocked} from {@code from} and its next committed batch started at {@code resumedAt},
 * so every record in {@code [from, resumedAt)} was never committed. Kept with the shard's checkpoint
 * ({@link ShardCheckpoint#skipped()}, the latest {@value ShardCheckpoint#MAX_SKIPPED}) so that {@code eddy status}
 * lists them and {@code eddy redrive} leaves out records of an on-failure range that were committed before it.
 *
 * @param from the first record not committed when the shard was blocked
 * @param resumedAt the first record of the batch committed after the skip (not skipped), or {@link #END}
 * @param blockedSinceMs when the shard was blocked, ms since the epoch
 * @param resumedMs when the batch after the skip was committed, ms since the epoch
 * @param error the last error before the skip, one line
 */
public record SkippedRange(BigInteger from, BigInteger resumedAt, long blockedSinceMs, long resumedMs,
        String error) {

    /**
     * {@code resumedAt} of a range skipped up to the end of the shard's input: the shard was drained (end of a
     * bounded input) while blocked: the largest number of 129 digits, the most a Kinesis sequence number has.
     */
    public static final BigInteger END = BigInteger.TEN.pow(129).subtract(BigInteger.ONE);

    /** Requires every part. */
    public SkippedRange {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(resumedAt, "resumedAt");
        Objects.requireNonNull(error, "error");
    }

    /**
     * @param sequenceNumber a record of the shard
     * @return whether it lies in {@code [from, resumedAt)}: skipped, never committed
     */
    public boolean contains(BigInteger sequenceNumber) {
        return sequenceNumber.compareTo(from) >= 0 && sequenceNumber.compareTo(resumedAt) < 0;
    }
}

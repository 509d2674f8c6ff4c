package dev.eddy.state;

import dev.eddy.metrics.Figures;
import dev.eddy.metrics.Metric;

import java.math.BigInteger;
import java.util.Objects;

/**
 * How far a shard's records have been applied, its watermark, and what its committed batches did.
 *
 * @param shardId Kinesis shard id
 * @param sequenceNumber the last applied record's sequence number (up to 129 decimal digits), or {@code null}
 *     before the first commit
 * @param watermarkMs the shard's watermark, ms; {@link Long#MIN_VALUE} before any record; never moves back
 * @param maxEventTimeMs the largest event time seen, ms
 * @param version commit count, for compare-and-set; 0 before the first commit
 * @param totals running totals of the shard's committed batches, one per {@link Metric#checkpointed()} metric,
 *     committed with the checkpoint in the same conditional write, so a retried or duplicated batch counts once;
 *     zero before the first commit, for a checkpoint stored without them, and for a child shard after a reshard
 *     (its parents keep theirs)
 */
public record ShardCheckpoint(String shardId, BigInteger sequenceNumber, long watermarkMs, long maxEventTimeMs,
        long version, Figures totals) {

    /** @throws NullPointerException if {@code totals} is {@code null} */
    public ShardCheckpoint {
        Objects.requireNonNull(totals, "totals");
    }

    /**
     * @param shardId the shard
     * @return the checkpoint of a shard never committed
     */
    public static ShardCheckpoint initial(String shardId) {
        return new ShardCheckpoint(shardId, null, Long.MIN_VALUE, Long.MIN_VALUE, 0, Figures.ZERO);
    }

    /**
     * @param sequenceNumber a record's sequence number
     * @return whether that record's effects were all committed already
     */
    public boolean covers(BigInteger sequenceNumber) {
        return this.sequenceNumber != null && sequenceNumber.compareTo(this.sequenceNumber) <= 0;
    }

    /**
     * The successor checkpoint, with the same totals.
     *
     * @param lastSequenceNumber new last applied record, or {@code null} to keep the current one
     * @param watermark new watermark, ms
     * @param maxEventTime new largest event time, ms
     * @return the successor checkpoint, with version + 1
     */
    public ShardCheckpoint advance(BigInteger lastSequenceNumber, long watermark, long maxEventTime) {
        return advance(lastSequenceNumber, watermark, maxEventTime, Figures.ZERO);
    }

    /**
     * The successor checkpoint, whose totals add what the batch it commits did.
     *
     * @param lastSequenceNumber new last applied record, or {@code null} to keep the current one
     * @param watermark new watermark, ms
     * @param maxEventTime new largest event time, ms
     * @param batch the committed batch's figures, added to the totals
     * @return the successor checkpoint, with version + 1
     */
    public ShardCheckpoint advance(BigInteger lastSequenceNumber, long watermark, long maxEventTime, Figures batch) {
        return new ShardCheckpoint(shardId, lastSequenceNumber == null ? sequenceNumber : lastSequenceNumber,
                Math.max(watermarkMs, watermark), Math.max(maxEventTimeMs, maxEventTime), version + 1,
                totals.plus(batch));
    }
}

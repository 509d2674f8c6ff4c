package dev.eddy.state;

import dev.eddy.metrics.Figures;
import dev.eddy.metrics.Metric;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
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
 * @param blocked the shard's batches keep failing from a record on, or {@code null}: written by
 *     {@link StateBackend#markBlocked} without a commit, removed by the next commit
 * @param skipped ranges the event source mapping skipped after the shard was blocked, the latest
 *     {@value #MAX_SKIPPED}, oldest first; empty unless the pipeline opts in to skipping
 * @param lastArrivalMs the arrival time ({@code approximateArrivalTimestamp}) of the shard's last committed record,
 *     heartbeats aside, ms; {@link Long#MIN_VALUE} before any: how long the shard has been idle
 */
public record ShardCheckpoint(String shardId, BigInteger sequenceNumber, long watermarkMs, long maxEventTimeMs,
        long version, Figures totals, ShardBlock blocked, List<SkippedRange> skipped, long lastArrivalMs) {

    /** Most skipped ranges kept with a checkpoint (the item stays about one write unit); older ones are dropped. */
    public static final int MAX_SKIPPED = 5;

    /** @throws NullPointerException if {@code totals} or {@code skipped} is {@code null} */
    public ShardCheckpoint {
        Objects.requireNonNull(totals, "totals");
        skipped = List.copyOf(skipped);
    }

    /**
     * A checkpoint neither blocked nor with skipped ranges.
     *
     * @param shardId Kinesis shard id
     * @param sequenceNumber the last applied record's sequence number, or {@code null} before the first commit
     * @param watermarkMs the shard's watermark, ms
     * @param maxEventTimeMs the largest event time seen, ms
     * @param version commit count
     * @param totals running totals
     */
    public ShardCheckpoint(String shardId, BigInteger sequenceNumber, long watermarkMs, long maxEventTimeMs,
            long version, Figures totals) {
        this(shardId, sequenceNumber, watermarkMs, maxEventTimeMs, version, totals, null, List.of(), Long.MIN_VALUE);
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
                totals.plus(batch), null, skipped, lastArrivalMs);
    }

    /**
     * @param arrivalMs the arrival time of the last record a batch committed, heartbeats aside, ms
     *     ({@link Long#MIN_VALUE}: none)
     * @return this checkpoint with the later of its own and that, same version
     */
    public ShardCheckpoint arrived(long arrivalMs) {
        return new ShardCheckpoint(shardId, sequenceNumber, watermarkMs, maxEventTimeMs, version, totals, blocked,
                skipped, Math.max(lastArrivalMs, arrivalMs));
    }

    /**
     * @param block the shard's block after a failed attempt
     * @return this checkpoint blocked so, same version
     */
    public ShardCheckpoint withBlock(ShardBlock block) {
        return new ShardCheckpoint(shardId, sequenceNumber, watermarkMs, maxEventTimeMs, version, totals, block,
                skipped, lastArrivalMs);
    }

    /**
     * This checkpoint as a batch starting at {@code firstUncommitted} finds it: a block from an earlier record means
     * the event source mapping skipped the records in between, which become a {@link SkippedRange}; the block
     * itself ends (the commit that follows removes it).
     *
     * @param firstUncommitted the first record of the batch that this checkpoint does not cover
     * @param nowMs the wall clock, ms since the epoch
     * @return this checkpoint unblocked, with the skipped range added if there was one; same version
     */
    public ShardCheckpoint resumedAt(BigInteger firstUncommitted, long nowMs) {
        if (blocked == null) {
            return this;
        }
        List<SkippedRange> ranges = new ArrayList<>(skipped);
        if (firstUncommitted.compareTo(blocked.from()) > 0) {
            ranges.add(new SkippedRange(blocked.from(), firstUncommitted, blocked.sinceMs(), nowMs,
                    blocked.error()));
        }
        List<SkippedRange> kept = ranges.subList(Math.max(0, ranges.size() - MAX_SKIPPED), ranges.size());
        return new ShardCheckpoint(shardId, sequenceNumber, watermarkMs, maxEventTimeMs, version, totals, null,
                kept, lastArrivalMs);
    }
}

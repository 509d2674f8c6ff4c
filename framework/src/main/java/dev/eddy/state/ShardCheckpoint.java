package dev.eddy.state;

import java.math.BigInteger;

/**
 * How far a shard's records have been applied, and its watermark.
 *
 * @param shardId Kinesis shard id
 * @param sequenceNumber the last applied record's sequence number (up to 129 decimal digits), or {@code null}
 *     before the first commit
 * @param watermarkMs the shard's watermark, ms; {@link Long#MIN_VALUE} before any record; never moves back
 * @param maxEventTimeMs the largest event time seen, ms
 * @param version commit count, for compare-and-set; 0 before the first commit
 */
public record ShardCheckpoint(String shardId, BigInteger sequenceNumber, long watermarkMs, long maxEventTimeMs,
        long version) {

    /**
     * @param shardId the shard
     * @return the checkpoint of a shard never committed
     */
    public static ShardCheckpoint initial(String shardId) {
        return new ShardCheckpoint(shardId, null, Long.MIN_VALUE, Long.MIN_VALUE, 0);
    }

    /**
     * @param sequenceNumber a record's sequence number
     * @return whether that record's effects were all committed already
     */
    public boolean covers(BigInteger sequenceNumber) {
        return this.sequenceNumber != null && sequenceNumber.compareTo(this.sequenceNumber) <= 0;
    }

    /**
     * @param lastSequenceNumber new last applied record, or {@code null} to keep the current one
     * @param watermark new watermark, ms
     * @param maxEventTime new largest event time, ms
     * @return the successor checkpoint, with version + 1
     */
    public ShardCheckpoint advance(BigInteger lastSequenceNumber, long watermark, long maxEventTime) {
        return new ShardCheckpoint(shardId, lastSequenceNumber == null ? sequenceNumber : lastSequenceNumber,
                Math.max(watermarkMs, watermark), Math.max(maxEventTimeMs, maxEventTime), version + 1);
    }
}

package dev.eddy.state;

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
 * @param totals running totals of the shard's committed batches, committed with the checkpoint; zero before the
 *     first commit, for a checkpoint stored without them, and for a child shard after a reshard (its parents keep
 *     theirs)
 */
public record ShardCheckpoint(String shardId, BigInteger sequenceNumber, long watermarkMs, long maxEventTimeMs,
        long version, Totals totals) {

    /** @throws NullPointerException if {@code totals} is {@code null} */
    public ShardCheckpoint {
        Objects.requireNonNull(totals, "totals");
    }

    /**
     * @param shardId the shard
     * @return the checkpoint of a shard never committed
     */
    public static ShardCheckpoint initial(String shardId) {
        return new ShardCheckpoint(shardId, null, Long.MIN_VALUE, Long.MIN_VALUE, 0, Totals.ZERO);
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
        return advance(lastSequenceNumber, watermark, maxEventTime, Totals.ZERO);
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
    public ShardCheckpoint advance(BigInteger lastSequenceNumber, long watermark, long maxEventTime, Totals batch) {
        return new ShardCheckpoint(shardId, lastSequenceNumber == null ? sequenceNumber : lastSequenceNumber,
                Math.max(watermarkMs, watermark), Math.max(maxEventTimeMs, maxEventTime), version + 1,
                totals.plus(batch));
    }

    /**
     * Running totals of a shard's committed batches: the per-shard sums of the CloudWatch metrics named in
     * brackets (namespace {@code Eddy}). They change only with the checkpoint, in the same conditional write, so a
     * retried or duplicated batch counts once, as its effects on state do. Sink retries and batch durations are
     * not kept: see the metrics {@code SinkRetries} and {@code BatchDuration}.
     *
     * @param records records applied (decoded or failed), replays excluded ({@code Records})
     * @param replaysSkipped records skipped because an earlier attempt had committed them; counted each time
     *     ({@code ReplaysSkipped})
     * @param failedRecords records sent to the failure destination ({@code FailedRecords})
     * @param lateRecords elements sent to the late-data side output ({@code LateRecords})
     * @param windowsFired window firings emitted ({@code WindowsFired})
     * @param resultsEmitted records written to result sinks ({@code ResultsEmitted})
     * @param deadlineStops invocations that stopped before Lambda's deadline ({@code DeadlineStops})
     * @param writeUnits DynamoDB write capacity units, as far as known before each commit: a commit's own write,
     *     and a failed attempt's writes, count with the shard's next commit by the same handler instance
     *     ({@code StateWriteUnits})
     * @param readUnits DynamoDB read capacity units, counted as {@code writeUnits} ({@code StateReadUnits})
     */
    public record Totals(long records, long replaysSkipped, long failedRecords, long lateRecords, long windowsFired,
            long resultsEmitted, long deadlineStops, double writeUnits, double readUnits) {

        /** All zero. */
        public static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0, 0, 0, 0);

        /**
         * @param o other totals
         * @return the sum
         */
        public Totals plus(Totals o) {
            return new Totals(records + o.records, replaysSkipped + o.replaysSkipped,
                    failedRecords + o.failedRecords, lateRecords + o.lateRecords, windowsFired + o.windowsFired,
                    resultsEmitted + o.resultsEmitted, deadlineStops + o.deadlineStops, writeUnits + o.writeUnits,
                    readUnits + o.readUnits);
        }

        /**
         * @param earlier totals taken before
         * @return what was committed since: these totals less the earlier ones
         */
        public Totals minus(Totals earlier) {
            return new Totals(records - earlier.records, replaysSkipped - earlier.replaysSkipped,
                    failedRecords - earlier.failedRecords, lateRecords - earlier.lateRecords,
                    windowsFired - earlier.windowsFired, resultsEmitted - earlier.resultsEmitted,
                    deadlineStops - earlier.deadlineStops, writeUnits - earlier.writeUnits,
                    readUnits - earlier.readUnits);
        }
    }
}

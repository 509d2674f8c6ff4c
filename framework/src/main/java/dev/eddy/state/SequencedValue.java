package dev.eddy.state;

import java.math.BigInteger;

/**
 * An element bound for one window, with the sequence number of the Kinesis record it came from.
 *
 * @param sequenceNumber the record's sequence number within its shard
 * @param value the element
 * @param timestampMs the element's event time, ms since the epoch
 * @param late {@code true} when the shard's watermark had already passed the window's end when the element
 *     arrived (but not its allowed lateness): the element causes a late firing
 * @param watermarkMs the shard's watermark when the element arrived (before it), ms; for window kinds whose
 *     lateness depends on stored state (sessions, which merge)
 */
public record SequencedValue(BigInteger sequenceNumber, Object value, long timestampMs, boolean late,
        long watermarkMs) {

    /**
     * A value whose arrival watermark is not needed.
     *
     * @param sequenceNumber the record's sequence number
     * @param value the element
     * @param timestampMs event time, ms
     * @param late whether it causes a late firing
     */
    public SequencedValue(BigInteger sequenceNumber, Object value, long timestampMs, boolean late) {
        this(sequenceNumber, value, timestampMs, late, Long.MIN_VALUE);
    }
}

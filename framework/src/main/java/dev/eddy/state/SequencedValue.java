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
 */
public record SequencedValue(BigInteger sequenceNumber, Object value, long timestampMs, boolean late) {
}

package dev.eddy.state;

import java.math.BigInteger;

/**
 * An element, the sequence number of the Kinesis record it came from, and its event time.
 *
 * @param sequenceNumber the record's sequence number within its shard
 * @param value the element
 * @param timestampMs the element's event time, ms since the epoch
 */
public record SequencedValue(BigInteger sequenceNumber, Object value, long timestampMs) {
}

package dev.eddy.state;

import java.math.BigInteger;

/**
 * An element and the sequence number of the Kinesis record it came from.
 *
 * @param sequenceNumber the record's sequence number within its shard
 * @param value the element
 */
public record SequencedValue(BigInteger sequenceNumber, Object value) {
}

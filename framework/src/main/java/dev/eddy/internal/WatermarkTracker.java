package dev.eddy.internal;

import java.math.BigInteger;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * A shard's watermark over one batch, record by record (docs/windows.md): bounded out-of-orderness, punctuated on
 * every element, never moving back. Remembers after which record each rise happened, so that a firing is tagged
 * with the record whose watermark caused it. Internal.
 */
final class WatermarkTracker {

    private final long boundMs;
    /** Whether the watermark stays where it started (a redrive lane judges records by its shard's watermark). */
    private final boolean frozen;
    private long watermarkMs;
    private long maxEventTimeMs;
    private final NavigableMap<Long, BigInteger> steps = new TreeMap<>();

    /**
     * @param watermarkMs the watermark committed before the batch, ms
     * @param maxEventTimeMs the largest event time committed before it, ms
     * @param boundMs the out-of-orderness bound, ms
     */
    WatermarkTracker(long watermarkMs, long maxEventTimeMs, long boundMs) {
        this(watermarkMs, maxEventTimeMs, boundMs, false);
    }

    /**
     * @param watermarkMs the watermark committed before the batch, ms
     * @param maxEventTimeMs the largest event time committed before it, ms
     * @param boundMs the out-of-orderness bound, ms
     * @param frozen whether the watermark stays at {@code watermarkMs} whatever the records
     */
    WatermarkTracker(long watermarkMs, long maxEventTimeMs, long boundMs, boolean frozen) {
        this.watermarkMs = watermarkMs;
        this.maxEventTimeMs = maxEventTimeMs;
        this.boundMs = boundMs;
        this.frozen = frozen;
    }

    /**
     * An element's event time, from the record with this sequence number: the watermark may rise.
     *
     * @param timestampMs event time, ms
     * @param sequence the record's sequence number
     */
    void observe(long timestampMs, BigInteger sequence) {
        if (frozen) {
            return;
        }
        maxEventTimeMs = Math.max(maxEventTimeMs, timestampMs);
        long before = watermarkMs;
        watermarkMs = Math.max(watermarkMs, Watermarks.bounded(maxEventTimeMs, boundMs));
        if (watermarkMs > before) {
            steps.put(watermarkMs, sequence);
        }
    }

    /**
     * A heartbeat found the shard idle: the watermark rises to at least {@code candidateMs}, as if an element had
     * raised it (docs/windows.md, "Idleness"). Nothing if frozen.
     *
     * @param candidateMs heartbeat time − idleness − out-of-orderness − 1, ms
     * @param sequence the heartbeat's sequence number
     * @return whether the watermark rose
     */
    boolean idle(long candidateMs, BigInteger sequence) {
        if (frozen || candidateMs <= watermarkMs) {
            return false;
        }
        watermarkMs = candidateMs;
        steps.put(watermarkMs, sequence);
        return true;
    }

    /** @return the watermark after the records observed, ms */
    long watermarkMs() {
        return watermarkMs;
    }

    /** @return the largest event time seen, ms */
    long maxEventTimeMs() {
        return maxEventTimeMs;
    }

    /** @return watermark after a record → that record's sequence number, for each record that raised it */
    NavigableMap<Long, BigInteger> steps() {
        return steps;
    }
}

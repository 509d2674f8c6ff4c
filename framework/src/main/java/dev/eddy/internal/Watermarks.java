package dev.eddy.internal;

/** The bounded out-of-orderness watermark rule. Internal. */
public final class Watermarks {

    private Watermarks() {
    }

    /**
     * Flink's {@code BoundedOutOfOrdernessWatermarks}: {@code maxTimestamp − bound − 1}, saturating at
     * {@link Long#MIN_VALUE}.
     *
     * @param maxTimestampMs largest event time seen, ms
     * @param boundMs out-of-orderness bound, ms, non-negative
     * @return the watermark, ms
     */
    public static long bounded(long maxTimestampMs, long boundMs) {
        if (maxTimestampMs == Long.MIN_VALUE || maxTimestampMs < Long.MIN_VALUE + boundMs + 1) {
            return Long.MIN_VALUE;
        }
        return maxTimestampMs - boundMs - 1;
    }
}

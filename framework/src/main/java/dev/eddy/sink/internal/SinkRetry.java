package dev.eddy.sink.internal;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Attempts and back-off for the entries of a batch call that failed while the call succeeded (Firehose
 * {@code FailedPutCount}, Kinesis {@code FailedRecordCount}, SNS and SQS {@code Failed}): before attempt
 * {@code n + 1} a pause drawn uniformly from {@code [0, min(maxDelayMs, baseDelayMs × 2^(n-1)))}, exponential
 * back-off with full jitter as the AWS Architecture Blog's "Exponential Backoff And Jitter" describes it and as the
 * Firehose and Kinesis API references advise for partial failures. Internal.
 *
 * @param maxAttempts attempts of an entry, the first included; at least 1
 * @param baseDelayMs the first pause's upper bound, ms
 * @param maxDelayMs the cap of any pause, ms
 */
public record SinkRetry(int maxAttempts, long baseDelayMs, long maxDelayMs) {

    /** Eddy's default: 6 attempts, pauses under 100, 200, 400, 800 and 1,600 ms (under 3.1 s in all). */
    public static final SinkRetry DEFAULT = new SinkRetry(6, 100, 2_000);

    /** @throws IllegalArgumentException if an argument is out of range */
    public SinkRetry {
        if (maxAttempts < 1 || baseDelayMs < 0 || maxDelayMs < baseDelayMs) {
            throw new IllegalArgumentException("maxAttempts >= 1 and 0 <= baseDelayMs <= maxDelayMs, got "
                    + maxAttempts + ", " + baseDelayMs + ", " + maxDelayMs);
        }
    }

    /**
     * @param retry the retry number, from 1
     * @return the upper bound of the pause before it, ms
     */
    public long boundMs(int retry) {
        long bound = baseDelayMs << Math.min(retry - 1, 30);
        return Math.min(maxDelayMs, bound);
    }

    /**
     * Sleeps before a retry.
     *
     * @param retry the retry number, from 1
     * @throws dev.eddy.sink.SinkException if interrupted
     */
    void pause(int retry) {
        long bound = boundMs(retry);
        if (bound <= 0) {
            return;
        }
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(bound));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new dev.eddy.sink.SinkException("interrupted while waiting to retry", e);
        }
    }
}

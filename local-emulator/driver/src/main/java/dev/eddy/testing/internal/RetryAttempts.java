package dev.eddy.testing.internal;

/**
 * The event source mapping's count of a shard's failed attempts at its current batch ({@code MaximumRetryAttempts},
 * AWS Lambda API Reference, CreateEventSourceMapping): every invocation that leaves records of the batch undone
 * counts, a partial success included, and only a batch done entirely starts the count again — as LocalStack's event
 * source mapping counts them; AWS does not document whether a partial success resets the count, so this takes the
 * stricter reading. A batch split by {@code BisectBatchOnFunctionError} does not count (AWS Lambda Developer Guide).
 * Internal; one per shard, not thread-safe.
 */
public final class RetryAttempts {

    private final int maxRetryAttempts;
    private int failed;

    /**
     * @param maxRetryAttempts retries after the first attempt, 0–10,000; -1 retries until the records expire (AWS's
     *     default)
     */
    public RetryAttempts(int maxRetryAttempts) {
        if (maxRetryAttempts < -1) {
            throw new IllegalArgumentException("maximum retry attempts must be -1 or 0-10000, was " + maxRetryAttempts);
        }
        this.maxRetryAttempts = maxRetryAttempts;
    }

    /** The batch was done entirely: the next one starts a new count. */
    public void succeeded() {
        failed = 0;
    }

    /**
     * An attempt left records undone.
     *
     * @return whether the batch has now used up its retries: the mapping gives it to its on-failure destination
     */
    public boolean failed() {
        failed++;
        return exhausted();
    }

    /** @return whether the retries are used up */
    public boolean exhausted() {
        return maxRetryAttempts >= 0 && failed > maxRetryAttempts;
    }

    /** @return failed attempts at the current batch so far */
    public int attempts() {
        return failed;
    }

    /** The batch was given up: the next one starts a new count. */
    public void reset() {
        failed = 0;
    }
}

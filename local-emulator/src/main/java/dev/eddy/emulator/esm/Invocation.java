package dev.eddy.emulator.esm;

/**
 * One invocation the local event source mapping made, for tests and reports.
 *
 * @param shardId the shard
 * @param firstSequenceNumber the batch's first record
 * @param lastSequenceNumber the batch's last record
 * @param records records in the batch
 * @param outcome how it ended
 * @param retryFrom with {@link Outcome#PARTIAL_FAILURE}: the lowest failed sequence number, where the mapping
 *     resumes; else {@code null}
 * @param startedAtMs when the mapping invoked the function, ms since the epoch (wall clock)
 * @param durationMs how long the invocation took until the mapping had the response (or gave up), ms
 * @param lastArrivalMs the approximate arrival time of the batch's last record, as Kinesis stamped it, ms since the
 *     epoch
 */
public record Invocation(String shardId, String firstSequenceNumber, String lastSequenceNumber, int records,
        Outcome outcome, String retryFrom, long startedAtMs, long durationMs, long lastArrivalMs) {

    /**
     * Lambda's {@code IteratorAge} metric for this invocation: how long the batch's last record had been in the
     * stream when the mapping invoked the function (Lambda Developer Guide, "Using CloudWatch metrics with Lambda":
     * the age of the last record in the event).
     *
     * @return {@link #startedAtMs()} minus {@link #lastArrivalMs()}, ms
     */
    public long iteratorAgeMs() {
        return startedAtMs - lastArrivalMs;
    }

    /** @return when the mapping had the response, ms since the epoch */
    public long endedAtMs() {
        return startedAtMs + durationMs;
    }

    /** How an invocation ended, as the event source mapping judges it. */
    public enum Outcome {
        /** Every record succeeded: the checkpoint moves past the batch. */
        SUCCESS,
        /** Batch item failures: the checkpoint moves to just before the lowest failed record. */
        PARTIAL_FAILURE,
        /** The response failed the whole batch (a null, empty or unknown item identifier). */
        BATCH_FAILURE,
        /** The function threw. */
        FUNCTION_ERROR,
        /** The function ran past its timeout; its execution environment was replaced. */
        TIMEOUT
    }
}

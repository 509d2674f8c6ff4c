package dev.eddy.handler;

/**
 * Cumulative figures of one handler instance, counted only for committed batches (a retried batch counts
 * once), except sink retries, which count every entry sent again. Each figure is the sum of one CloudWatch metric
 * that {@code EddyHandler} publishes per invocation (named in brackets).
 *
 * @param invocations batches handled, including empty and duplicate ones
 * @param records records applied (decoded or failed), excluding replays skipped by the checkpoint ({@code Records})
 * @param replaysSkipped records skipped because an earlier attempt had committed them ({@code ReplaysSkipped})
 * @param failedRecords records sent to the failure destination ({@code FailedRecords})
 * @param lateRecords elements sent to the late-data side output ({@code LateRecords})
 * @param windowsFired window firings emitted ({@code WindowsFired})
 * @param resultsEmitted records written to result sinks ({@code ResultsEmitted})
 * @param sinkRetries sink entries sent again after a partial failure, in any attempt, committed or not
 *     ({@code SinkRetries})
 * @param deadlineStops invocations that stopped before Lambda's deadline and returned a batch item failure at the
 *     first record they had not processed (see {@code EddyHandler#handleRequest}) ({@code DeadlineStops})
 * @param writeUnits DynamoDB write capacity units consumed ({@code StateWriteUnits})
 * @param readUnits DynamoDB read capacity units consumed ({@code StateReadUnits})
 */
public record HandlerMetrics(long invocations, long records, long replaysSkipped, long failedRecords,
        long lateRecords, long windowsFired, long resultsEmitted, long sinkRetries, long deadlineStops,
        double writeUnits, double readUnits) {

    /** All zero. */
    public static final HandlerMetrics ZERO = new HandlerMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /**
     * @param o other figures
     * @return the sum
     */
    public HandlerMetrics plus(HandlerMetrics o) {
        return new HandlerMetrics(invocations + o.invocations, records + o.records,
                replaysSkipped + o.replaysSkipped, failedRecords + o.failedRecords, lateRecords + o.lateRecords,
                windowsFired + o.windowsFired, resultsEmitted + o.resultsEmitted, sinkRetries + o.sinkRetries,
                deadlineStops + o.deadlineStops, writeUnits + o.writeUnits, readUnits + o.readUnits);
    }

    /**
     * @param earlier figures taken before
     * @return what happened since: these figures less the earlier ones
     */
    public HandlerMetrics minus(HandlerMetrics earlier) {
        return new HandlerMetrics(invocations - earlier.invocations, records - earlier.records,
                replaysSkipped - earlier.replaysSkipped, failedRecords - earlier.failedRecords,
                lateRecords - earlier.lateRecords, windowsFired - earlier.windowsFired,
                resultsEmitted - earlier.resultsEmitted, sinkRetries - earlier.sinkRetries,
                deadlineStops - earlier.deadlineStops, writeUnits - earlier.writeUnits, readUnits - earlier.readUnits);
    }
}

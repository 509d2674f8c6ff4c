package dev.eddy.internal;

/**
 * Decides how many records of a batch to process next, so that an invocation stops before Lambda's deadline.
 * Internal; {@link BatchProcessor} owns one per execution environment and calls it under its own lock.
 *
 * <p>The rule comes from Lambda's timeout behaviour: an invocation that runs past its timeout is stopped, the
 * function error makes the event source mapping retry the whole batch, and the execution environment is reset
 * (its clients, caches and this budget's history are lost). Stopping early instead, with a batch item failure at
 * the first record not processed, keeps what was committed and the warm environment.
 *
 * <p>All times are milliseconds. The cost estimate is an exponentially weighted average of the milliseconds per
 * record measured on earlier chunks in this execution environment. A chunk needs {@code estimate × records}; it
 * starts only if the remaining time is at least that plus the reserve. Chunk sizes:
 * <ul>
 * <li>unlimited time ({@link #UNLIMITED}): everything left, in one chunk;</li>
 * <li>no measurement yet (a cold environment): at most {@link #COLD_CHUNK} records, started when at least the
 *     reserve remains;</li>
 * <li>otherwise: everything left if the estimate says it fits, else as many records as fit, but never fewer than
 *     {@link #MIN_CHUNK} (or everything left, if fewer): a chunk pays a fixed cost (checkpoint read and commit,
 *     timer query), so tiny chunks would multiply it. If not even that many fit, stop.</li>
 * </ul>
 */
public final class DeadlineBudget {

    /** Remaining time that means "no deadline": never stop, never split. */
    public static final long UNLIMITED = Long.MAX_VALUE;
    /** Default reserve, ms: left for the response, logging and the error of the estimate. */
    public static final long DEFAULT_RESERVE_MS = dev.eddy.config.EddySettings.DEFAULT_DEADLINE_RESERVE_MS;
    /** Largest chunk while there is no measurement. */
    public static final int COLD_CHUNK = 1_000;
    /** Smallest chunk chosen by the estimate (unless fewer records are left). */
    public static final int MIN_CHUNK = 100;
    /** Weight of the newest measurement in the average. */
    static final double WEIGHT = 0.3;

    private final long reserveMs;
    /** Estimated ms per record; negative while nothing was measured. */
    private double msPerRecord = -1;

    /** A budget with the {@link #DEFAULT_RESERVE_MS default reserve}. */
    public DeadlineBudget() {
        this(DEFAULT_RESERVE_MS);
    }

    /**
     * @param reserveMs time, ms, that must still remain when a chunk is estimated to end; zero or more
     * @throws IllegalArgumentException if negative
     */
    public DeadlineBudget(long reserveMs) {
        if (reserveMs < 0) {
            throw new IllegalArgumentException("deadline reserve must be zero or more ms, was " + reserveMs);
        }
        this.reserveMs = reserveMs;
    }

    /** @return the reserve, ms */
    public long reserveMs() {
        return reserveMs;
    }

    /** @return the estimated cost, ms per record, or a negative number while nothing was measured */
    public double msPerRecord() {
        return msPerRecord;
    }

    /**
     * @param recordsLeft records of the batch not processed yet; more than zero
     * @param remainingMs time left before the deadline, ms ({@link #UNLIMITED} for none)
     * @return the number of records to process next, between 1 and {@code recordsLeft}; or 0: stop now
     * @throws IllegalArgumentException if {@code recordsLeft} is not positive
     */
    public int nextChunk(int recordsLeft, long remainingMs) {
        if (recordsLeft <= 0) {
            throw new IllegalArgumentException("no records left: " + recordsLeft);
        }
        if (remainingMs == UNLIMITED) {
            return recordsLeft;
        }
        long available = remainingMs - reserveMs;
        if (available < 0) {
            return 0;
        }
        if (msPerRecord < 0) {
            return Math.min(recordsLeft, COLD_CHUNK);
        }
        if (msPerRecord == 0) {
            return recordsLeft;
        }
        double fitting = Math.floor(available / msPerRecord);
        if (fitting >= recordsLeft) {
            return recordsLeft;
        }
        int chunk = (int) fitting;
        return chunk >= Math.min(MIN_CHUNK, recordsLeft) ? chunk : 0;
    }

    /**
     * Adds one measurement to the estimate.
     *
     * @param records records the chunk held (replays skipped included: they were read and checked too)
     * @param elapsedMs time it took, ms; ignored if negative or if {@code records} is not positive
     */
    public void measured(int records, long elapsedMs) {
        if (records <= 0 || elapsedMs < 0) {
            return;
        }
        double sample = (double) elapsedMs / records;
        msPerRecord = msPerRecord < 0 ? sample : WEIGHT * sample + (1 - WEIGHT) * msPerRecord;
    }
}

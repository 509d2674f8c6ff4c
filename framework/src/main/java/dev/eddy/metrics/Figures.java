package dev.eddy.metrics;

import java.util.Arrays;


/**
 * Running figures: one value per summed {@link Metric} (counts and capacity units). What a handler instance counted
 * ({@code EddyHandler#metrics()}), what one invocation did, and the totals a shard's checkpoint keeps are all
 * figures; the checkpoint keeps only {@link Metric#checkpointed()} ones, the others read as zero there.
 *
 * <p>Counts are whole numbers; capacity units may have a fraction. Immutable.
 */
public final class Figures {

    /** All zero. */
    public static final Figures ZERO = new Figures(new double[Metric.values().length]);

    private final double[] values;

    private Figures(double[] values) {
        this.values = values;
    }

    /**
     * @param metric a summed metric
     * @param value its value
     * @return figures with that one value, the others zero
     * @throws IllegalArgumentException if the metric is not summed
     */
    public static Figures of(Metric metric, double value) {
        return ZERO.with(metric, value);
    }

    /**
     * @param metric a summed metric
     * @param value its new value
     * @return a copy with that value
     * @throws IllegalArgumentException if the metric is not summed (a per-invocation measurement)
     */
    public Figures with(Metric metric, double value) {
        if (!metric.summed()) {
            throw new IllegalArgumentException(metric + " is measured per invocation, not summed in figures");
        }
        double[] copy = values.clone();
        copy[metric.ordinal()] = value;
        return new Figures(copy);
    }

    /**
     * @param metric a metric
     * @return its value; 0 for one not summed
     */
    public double get(Metric metric) {
        return values[metric.ordinal()];
    }

    /**
     * @param metric a counted metric
     * @return its value as a whole number
     */
    public long count(Metric metric) {
        return (long) values[metric.ordinal()];
    }

    /**
     * @param other other figures
     * @return the sum, metric by metric
     */
    public Figures plus(Figures other) {
        double[] sum = values.clone();
        for (int i = 0; i < sum.length; i++) {
            sum[i] += other.values[i];
        }
        return new Figures(sum);
    }

    /**
     * @param earlier figures taken before
     * @return what happened since: these figures less the earlier ones
     */
    public Figures minus(Figures earlier) {
        double[] difference = values.clone();
        for (int i = 0; i < difference.length; i++) {
            difference[i] -= earlier.values[i];
        }
        return new Figures(difference);
    }

    /** @return batches handled ({@link Metric#INVOCATIONS}) */
    public long invocations() {
        return count(Metric.INVOCATIONS);
    }

    /** @return records applied, decoded or failed, replays excluded ({@link Metric#RECORDS}) */
    public long records() {
        return count(Metric.RECORDS);
    }

    /** @return records an earlier attempt had committed ({@link Metric#REPLAYS_SKIPPED}) */
    public long replaysSkipped() {
        return count(Metric.REPLAYS_SKIPPED);
    }

    /** @return records sent to the failure destination ({@link Metric#FAILED_RECORDS}) */
    public long failedRecords() {
        return count(Metric.FAILED_RECORDS);
    }

    /** @return elements sent to the late-data output ({@link Metric#LATE_RECORDS}) */
    public long lateRecords() {
        return count(Metric.LATE_RECORDS);
    }

    /** @return window firings emitted ({@link Metric#WINDOWS_FIRED}) */
    public long windowsFired() {
        return count(Metric.WINDOWS_FIRED);
    }

    /** @return records written to result sinks ({@link Metric#RESULTS_EMITTED}) */
    public long resultsEmitted() {
        return count(Metric.RESULTS_EMITTED);
    }

    /** @return sink entries sent again after a partial failure ({@link Metric#SINK_RETRIES}) */
    public long sinkRetries() {
        return count(Metric.SINK_RETRIES);
    }

    /** @return invocations that stopped before Lambda's deadline ({@link Metric#DEADLINE_STOPS}) */
    public long deadlineStops() {
        return count(Metric.DEADLINE_STOPS);
    }

    /** @return invocations whose batch failed and is retried ({@link Metric#FAILED_BATCHES}) */
    public long failedBatches() {
        return count(Metric.FAILED_BATCHES);
    }

    /** @return DynamoDB write capacity units ({@link Metric#STATE_WRITE_UNITS}) */
    public double writeUnits() {
        return get(Metric.STATE_WRITE_UNITS);
    }

    /** @return DynamoDB read capacity units ({@link Metric#STATE_READ_UNITS}) */
    public double readUnits() {
        return get(Metric.STATE_READ_UNITS);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Figures other && Arrays.equals(values, other.values);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Figures{");
        for (Metric metric : Metric.values()) {
            if (metric.summed() && values[metric.ordinal()] != 0) {
                text.append(text.length() > 8 ? ", " : "").append(metric.key()).append('=')
                        .append(metric.kind() == Metric.Kind.COUNT ? Long.toString(count(metric))
                                : Double.toString(get(metric)));
            }
        }
        return text.append('}').toString();
    }

}

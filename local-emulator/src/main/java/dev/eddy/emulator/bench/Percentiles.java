package dev.eddy.emulator.bench;

/** The percentiles {@code ./eddy bench} reports: nearest rank, so that every figure is one that was measured. */
final class Percentiles {

    private Percentiles() {
    }

    /**
     * @param sorted values in ascending order, at least one
     * @param p the fraction, 0 &lt; p ≤ 1 (0.5 for the median, 0.99 for p99)
     * @return the smallest value that at least {@code p} of the values are at or below (nearest rank)
     */
    static long nearestRank(long[] sorted, double p) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values: a percentile needs at least one");
        }
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }
}

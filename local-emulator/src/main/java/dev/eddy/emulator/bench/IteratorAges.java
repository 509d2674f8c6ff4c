package dev.eddy.emulator.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Lambda's {@code IteratorAge} over a soak, one sample per invocation: when the mapping invoked the function, minus
 * the approximate arrival time of the batch's last record (ms), at the invocation's start (ms since the producer
 * started). Summarised per interval (p50 and max, as CloudWatch's statistics of the metric) and per third of the run,
 * and judged: did the lag grow?
 *
 * <p><b>The verdict.</b> The lag grew if the last third of the run has no invocation at all, or if its median
 * iterator age exceeds the first third's by more than {@value #TOLERANCE_MS} ms: {@code p50(last) − p50(first) >
 * 1,000 ms}. Otherwise it held (a backlog that shrinks held). A fixed tolerance, not one that scales with the first
 * third: a run whose lag doubled from an already slow start (19 s to 37 s, measured with 8 shards at 1,000 records/s
 * each) grew. The
 * median, not the maximum, because one slow invocation (a garbage collection, a busy neighbour) moves the maximum,
 * while a backlog that grows moves every invocation's age. At a rate the function keeps up with, the median stays
 * near the mapping's poll interval plus one batch (about 100-300 ms locally), far inside the tolerance; when the
 * function falls behind by {@code d} records/s at a rate of {@code r}, the age grows by about {@code d / r} seconds
 * each second, so even a 1 % shortfall exceeds it within a 3-minute run.
 */
final class IteratorAges {

    /** The least growth of the median that counts as a growing lag, ms. */
    static final long TOLERANCE_MS = 1_000;

    /** Whether the lag grew over a run. */
    enum Verdict {
        /** The last third's median iterator age is within the tolerance of the first third's. */
        HELD("held"),
        /** It exceeds it, or the last third had no invocation. */
        GREW("lag grew");

        private final String text;

        Verdict(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * Iterator age over a span of the run.
     *
     * @param fromMs start of the span, ms since the producer started (inclusive)
     * @param toMs end of the span, ms since the producer started (exclusive)
     * @param invocations invocations that started in it
     * @param p50Ms their median iterator age (nearest rank), ms; 0 without invocations
     * @param maxMs their largest iterator age, ms; 0 without invocations
     */
    record Span(long fromMs, long toMs, int invocations, long p50Ms, long maxMs) {

        /** @return the span as minutes and seconds since the start, e.g. {@code 1:00-1:10} */
        String label() {
            return clock(fromMs) + "-" + clock(toMs);
        }

    }

    /**
     * @param ms a time since the start, ms
     * @return it as minutes and seconds, e.g. {@code 2:05}
     */
    static String clock(long ms) {
        long seconds = Math.round(ms / 1000.0);
        return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    private long[] at = new long[1024];
    private long[] age = new long[1024];
    private int size;

    /**
     * @param atMs when the invocation started, ms since the producer started
     * @param ageMs its iterator age, ms
     */
    void add(long atMs, long ageMs) {
        if (size == at.length) {
            at = Arrays.copyOf(at, size * 2);
            age = Arrays.copyOf(age, size * 2);
        }
        at[size] = atMs;
        age[size] = ageMs;
        size++;
    }

    /**
     * @param fromMs start, ms since the producer started (inclusive)
     * @param toMs end (exclusive)
     * @return the iterator age of the invocations that started in between
     */
    Span between(long fromMs, long toMs) {
        long[] ages = new long[size];
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (at[i] >= fromMs && at[i] < toMs) {
                ages[n++] = age[i];
            }
        }
        if (n == 0) {
            return new Span(fromMs, toMs, 0, 0, 0);
        }
        long[] sorted = Arrays.copyOf(ages, n);
        Arrays.sort(sorted);
        return new Span(fromMs, toMs, n, Percentiles.nearestRank(sorted, 0.5), sorted[n - 1]);
    }

    /**
     * @param intervalMs the interval, ms
     * @param runMs the run's length, ms
     * @return one span per interval from the start to the run's end (the last one shorter if the run is not a
     *     multiple of the interval); spans without invocations included, with 0 invocations
     */
    List<Span> intervals(long intervalMs, long runMs) {
        List<Span> spans = new ArrayList<>();
        for (long from = 0; from < runMs; from += intervalMs) {
            spans.add(between(from, Math.min(runMs, from + intervalMs)));
        }
        return spans;
    }

    /**
     * @param runMs the run's length, ms
     * @return the first and the last third of the run
     */
    Span[] thirds(long runMs) {
        return new Span[] {between(0, runMs / 3), between(runMs - runMs / 3, runMs)};
    }

    /**
     * @param first the run's first third
     * @param last its last third
     * @return whether the lag grew, by the rule in this class's description
     */
    static Verdict verdict(Span first, Span last) {
        if (last.invocations() == 0) {
            return Verdict.GREW;
        }
        return last.p50Ms() - first.p50Ms() > TOLERANCE_MS ? Verdict.GREW : Verdict.HELD;
    }
}

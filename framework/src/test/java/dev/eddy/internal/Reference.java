package dev.eddy.internal;

import dev.eddy.internal.TestInput.Ev;
import dev.eddy.internal.TestInput.In;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.LongFunction;

/**
 * What a pipeline should output for an input, computed directly: record by record, in shard order, with no batches,
 * no state backend and no JSON. Each record is judged against the watermark of the records before it
 * ({@code max event time − bound − 1}); the input ends with a drain (watermark +∞).
 */
final class Reference {

    private Reference() {
    }

    /** A result without its id: key, window (or output time), firing (or output index), count and sum. */
    record Result(String key, long start, long end, int firing, long count, long sum) {
    }

    /**
     * @param results every result, in no particular order
     * @param late late-data records as {@code sequenceNumber@windowStartMs}, in record order
     * @param failed sequence numbers of the records that cannot be decoded, in order
     */
    record Expected(List<Result> results, List<String> late, List<String> failed) {
    }

    /** A window being filled: count, sum, firings so far. */
    private static final class Acc {
        long start;
        long end;
        long count;
        long sum;
        int firings;

        Acc(long start, long end) {
            this.start = start;
            this.end = end;
        }
    }

    /** @return windows {@code [start, start + size)} aligned to the epoch */
    static LongFunction<long[]> tumbling(long size) {
        return ts -> new long[] {Math.floorDiv(ts, size) * size};
    }

    /** @return the starts of the windows of {@code size} every {@code slide} that hold {@code ts} */
    static LongFunction<long[]> sliding(long size, long slide) {
        return ts -> {
            List<Long> starts = new ArrayList<>();
            for (long start = Math.floorDiv(ts, slide) * slide; start > ts - size; start -= slide) {
                starts.add(start);
            }
            return starts.stream().mapToLong(Long::longValue).toArray();
        };
    }

    /**
     * Windows that do not merge (tumbling, sliding), with allowed lateness: a window fires (firing 0) once the
     * watermark reaches {@code end − 1}; an element that joins it later, before {@code end − 1 + lateness}, fires it
     * again with everything so far (firing 1, 2, …); a later element is late data: one late record per element
     * that missed a window, at the earliest window it missed.
     *
     * @param starts the starts of an element's windows
     * @param size the windows' length
     */
    static Expected windows(List<In> input, long bound, long lateness, LongFunction<long[]> starts, long size) {
        Map<String, Map<Long, Acc>> open = new HashMap<>();
        List<Result> results = new ArrayList<>();
        List<String> late = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        long watermark = Long.MIN_VALUE;
        for (In in : input) {
            Ev e = in.ev();
            if (e == null) {
                failed.add(in.seq());
                continue;
            }
            Map<Long, Acc> windows = open.computeIfAbsent(e.key(), k -> new TreeMap<>());
            advance(e.key(), windows.values(), watermark, lateness, results);
            long firstMissed = Long.MAX_VALUE;
            for (long start : starts.apply(e.ts())) {
                long end = start + size;
                if (end - 1 + lateness <= watermark) {
                    firstMissed = Math.min(firstMissed, start);
                    continue;
                }
                Acc acc = windows.computeIfAbsent(start, s -> new Acc(s, s + size));
                acc.count++;
                acc.sum += e.v();
                if (end - 1 <= watermark) {
                    results.add(result(e.key(), acc, acc.firings++));
                }
            }
            if (firstMissed != Long.MAX_VALUE) {
                late.add(in.seq() + "@" + firstMissed);
            }
            watermark = Math.max(watermark, e.ts() - bound - 1);
        }
        open.forEach((key, windows) -> advance(key, windows.values(), Long.MAX_VALUE, 0, results));
        return new Expected(results, late, failed);
    }

    /** Fires the windows the watermark has reached and drops those past their lateness. */
    private static void advance(String key, java.util.Collection<Acc> windows, long watermark, long lateness,
            List<Result> results) {
        for (Acc acc : windows) {
            if (acc.firings == 0 && acc.end - 1 <= watermark) {
                results.add(result(key, acc, acc.firings++));
            }
        }
        windows.removeIf(acc -> acc.firings > 0 && acc.end - 1 + lateness <= watermark);
    }

    private static Result result(String key, Acc acc, int firing) {
        return new Result(key, acc.start, acc.end, firing, acc.count, acc.sum);
    }

    /**
     * Sessions with allowed lateness zero: an element opens {@code [ts, ts + gap)} and merges with the key's open
     * sessions it overlaps or touches, bridging them; if the merged session's end − 1 is at or below the watermark,
     * the element is late (recorded at its own window's start, {@code ts}) and nothing changes. A session fires once
     * the watermark reaches its end − 1.
     */
    static Expected sessions(List<In> input, long bound, long gap) {
        Map<String, List<Acc>> open = new LinkedHashMap<>();
        List<Result> results = new ArrayList<>();
        List<String> late = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        long watermark = Long.MIN_VALUE;
        for (In in : input) {
            Ev e = in.ev();
            if (e == null) {
                failed.add(in.seq());
                continue;
            }
            List<Acc> sessions = open.computeIfAbsent(e.key(), k -> new ArrayList<>());
            advance(e.key(), sessions, watermark, 0, results);
            Acc merged = new Acc(e.ts(), e.ts() + gap);
            merged.count = 1;
            merged.sum = e.v();
            List<Acc> joined = new ArrayList<>();
            for (boolean grew = true; grew; ) {
                grew = false;
                for (Acc s : sessions) {
                    if (!joined.contains(s) && s.start <= merged.end && merged.start <= s.end) {
                        joined.add(s);
                        merged.start = Math.min(merged.start, s.start);
                        merged.end = Math.max(merged.end, s.end);
                        merged.count += s.count;
                        merged.sum += s.sum;
                        grew = true;
                    }
                }
            }
            if (merged.end - 1 <= watermark) {
                late.add(in.seq() + "@" + e.ts());
            } else {
                sessions.removeAll(joined);
                sessions.add(merged);
            }
            watermark = Math.max(watermark, e.ts() - bound - 1);
        }
        open.forEach((key, sessions) -> advance(key, sessions, Long.MAX_VALUE, 0, results));
        return new Expected(results, late, failed);
    }

    /**
     * Global windows with a purging count trigger: every {@code count}-th element of a key fires a pane of the last
     * {@code count} elements (panes numbered from 0, the window all of time); a pane not full at the end never fires.
     */
    static Expected countPanes(List<In> input, int count) {
        Map<String, Acc> panes = new HashMap<>();
        List<Result> results = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        for (In in : input) {
            Ev e = in.ev();
            if (e == null) {
                failed.add(in.seq());
                continue;
            }
            Acc pane = panes.computeIfAbsent(e.key(), k -> new Acc(Long.MIN_VALUE, Long.MAX_VALUE));
            pane.count++;
            pane.sum += e.v();
            if (pane.count == count) {
                results.add(result(e.key(), pane, pane.firings++));
                pane.count = 0;
                pane.sum = 0;
            }
        }
        return new Expected(results, List.of(), failed);
    }

    /**
     * The keyed process of the tests: per key a running count and sum; each element asks for a timer at the end of
     * its {@code bucket} of event time and, at every fourth element, outputs the totals at the element's time; a due
     * timer outputs the totals at its time and clears them (a timer finding no totals outputs nothing). Before each
     * element the key's timers the watermark reached fire, in time order; all fire at the end. Outputs are numbered
     * per key from 0; a result's start and end are the output's time.
     */
    static Expected process(List<In> input, long bound, long bucket) {
        Map<String, long[]> totals = new HashMap<>();
        Map<String, TreeSet<Long>> timers = new LinkedHashMap<>();
        Map<String, int[]> outputs = new HashMap<>();
        List<Result> results = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        long watermark = Long.MIN_VALUE;
        for (In in : input) {
            Ev e = in.ev();
            if (e == null) {
                failed.add(in.seq());
                continue;
            }
            fireTimers(e.key(), timers, totals, outputs, watermark, results);
            long[] t = totals.computeIfAbsent(e.key(), k -> new long[2]);
            t[0]++;
            t[1] += e.v();
            timers.computeIfAbsent(e.key(), k -> new TreeSet<>()).add(Math.floorDiv(e.ts(), bucket) * bucket
                    + bucket - 1);
            if (t[0] % 4 == 0) {
                int index = outputs.computeIfAbsent(e.key(), k -> new int[1])[0]++;
                results.add(new Result(e.key(), e.ts(), e.ts(), index, t[0], t[1]));
            }
            watermark = Math.max(watermark, e.ts() - bound - 1);
        }
        for (String key : timers.keySet()) {
            fireTimers(key, timers, totals, outputs, Long.MAX_VALUE, results);
        }
        return new Expected(results, List.of(), failed);
    }

    private static void fireTimers(String key, Map<String, TreeSet<Long>> timers, Map<String, long[]> totals,
            Map<String, int[]> outputs, long watermark, List<Result> results) {
        TreeSet<Long> due = timers.getOrDefault(key, new TreeSet<>());
        while (!due.isEmpty() && due.first() <= watermark) {
            long time = due.pollFirst();
            long[] t = totals.remove(key);
            if (t != null) {
                int index = outputs.computeIfAbsent(key, k -> new int[1])[0]++;
                results.add(new Result(key, time, time, index, t[0], t[1]));
            }
        }
    }
}

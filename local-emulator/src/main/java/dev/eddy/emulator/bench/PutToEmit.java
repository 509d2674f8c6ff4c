package dev.eddy.emulator.bench;

import dev.eddy.emulator.esm.Invocation;
import dev.eddy.emulator.esm.Producer;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Put-to-emit latency, as {@code ./eddy bench e2e} and {@code soak} measure it: a record's latency is the time from
 * the start of the {@code PutRecords} call that put it to the end of the invocation that processed it, when its
 * state is committed and every result it made due is in the sink (the handler flushes its sinks before it returns).
 * Records are matched to invocations by shard and sequence number; every record put must be processed exactly once
 * ({@link #finish()} checks). A record is forgotten once matched, so a long run keeps only its backlog and one
 * {@code long} per record. Not thread-safe: one thread puts and reports invocations.
 */
final class PutToEmit {

    /** Per shard: the sequence numbers put and not yet processed, and when their call started (ms since the epoch). */
    private final Map<String, NavigableMap<BigInteger, Long>> putAt = new HashMap<>();
    /** Invocations whose records are not all matched yet: partial failures, until {@link #finish()}. */
    private final List<Invocation> waiting = new ArrayList<>();
    private long[] latencies = new long[4096];
    private int measured;
    private long put;

    /**
     * Puts records with one producer call (split as {@code PutRecords}' limits require), each timed from its start.
     *
     * @param producer the producer
     * @param entries the records
     * @throws InterruptedException if interrupted
     */
    void put(Producer producer, List<Producer.Entry> entries) throws InterruptedException {
        long at = System.currentTimeMillis();
        producer.putAll(entries, (index, shardId, sequenceNumber) -> putAt
                .computeIfAbsent(shardId, s -> new TreeMap<>()).put(new BigInteger(sequenceNumber), at));
        put += entries.size();
    }

    /**
     * An invocation ended: a successful one gives each record it processed its latency; a partial failure waits
     * for {@link #finish()} (only then is it sure which records were put before its retry point); a failed one
     * processed nothing.
     *
     * @param invocation the invocation, from the mapping's log or listener
     */
    void processed(Invocation invocation) {
        if (invocation.outcome() == Invocation.Outcome.SUCCESS) {
            NavigableMap<BigInteger, Long> records = range(invocation);
            if (records.size() == invocation.records()) {
                take(records, invocation);
                return;
            }
            waiting.add(invocation);
        } else if (invocation.outcome() == Invocation.Outcome.PARTIAL_FAILURE) {
            waiting.add(invocation);
        }
    }

    /**
     * The producer is done and every invocation has been reported: matches those still waiting.
     *
     * @throws IllegalStateException if a record was processed twice or never
     */
    void finish() {
        for (Iterator<Invocation> it = waiting.iterator(); it.hasNext(); ) {
            Invocation invocation = it.next();
            NavigableMap<BigInteger, Long> records = range(invocation);
            if (invocation.outcome() == Invocation.Outcome.SUCCESS && records.size() != invocation.records()) {
                throw new IllegalStateException("an invocation on " + invocation.shardId() + " from "
                        + invocation.firstSequenceNumber() + " processed " + invocation.records() + " records, of"
                        + " which " + records.size() + " were put and not processed before: some were processed"
                        + " twice");
            }
            take(records, invocation);
            it.remove();
        }
        if (measured != put) {
            throw new IllegalStateException("latency of " + measured + " of " + put + " records measured: some were"
                    + " not processed");
        }
    }

    /** @return records whose latency is measured so far */
    int measured() {
        return measured;
    }

    /**
     * @param p the fraction, 0 &lt; p ≤ 1
     * @return that percentile of the latencies measured so far (nearest rank), ms
     */
    long percentile(double p) {
        long[] sorted = Arrays.copyOf(latencies, measured);
        Arrays.sort(sorted);
        return Percentiles.nearestRank(sorted, p);
    }

    /** @return the records put and not yet matched that the invocation processed (or, if partial, before retry) */
    private NavigableMap<BigInteger, Long> range(Invocation invocation) {
        BigInteger first = new BigInteger(invocation.firstSequenceNumber());
        BigInteger end = invocation.retryFrom() != null ? new BigInteger(invocation.retryFrom())
                : new BigInteger(invocation.lastSequenceNumber()).add(BigInteger.ONE);
        return putAt.getOrDefault(invocation.shardId(), new TreeMap<>()).subMap(first, true, end, false);
    }

    private void take(NavigableMap<BigInteger, Long> records, Invocation invocation) {
        for (long at : records.values()) {
            if (measured == latencies.length) {
                latencies = Arrays.copyOf(latencies, measured * 2);
            }
            latencies[measured++] = invocation.endedAtMs() - at;
        }
        records.clear();
    }
}

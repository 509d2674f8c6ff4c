package dev.eddy.emulator.bench;

import dev.eddy.emulator.esm.Producer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * The soak's producer: puts each shard's records on a fixed schedule, record {@code j} of a shard due
 * {@code j / rate} seconds after the start, in one {@code PutRecords} call per 100 ms tick for all shards (split
 * by the call's limits), each record timed for put-to-emit. A call that starts late puts everything due by then,
 * and how late it started is kept: the producer's largest delay behind its schedule, which says whether the
 * producer (not the function) fell behind. Not thread-safe: one thread calls it.
 */
final class SoakProducer {

    /** The schedule's tick: records due within the next 100 ms are put at its start, as {@code bench e2e} puts. */
    static final long TICK_NS = 100_000_000L;

    /**
     * One shard's input.
     *
     * @param shardId the shard its records land on (their partition keys hash into its range)
     * @param records record {@code j} (from 0) of the shard, as many as wanted
     * @param partitionKeys the partition key of record {@code j} is the one at {@code j mod size}
     */
    record ShardInput(String shardId, LongFunction<byte[]> records, List<String> partitionKeys) {
    }

    private final Producer producer;
    private final PutToEmit putToEmit;
    private final List<ShardInput> shards;
    private final int rate;
    private final long[] put;
    private long startNs;
    private long maxLateNs;
    private long lastCallEndNs;

    /**
     * @param producer puts into the stream
     * @param putToEmit told when each record was put
     * @param shards each shard's input
     * @param rate records per second per shard
     */
    SoakProducer(Producer producer, PutToEmit putToEmit, List<ShardInput> shards, int rate) {
        this.producer = producer;
        this.putToEmit = putToEmit;
        this.shards = List.copyOf(shards);
        this.rate = rate;
        this.put = new long[shards.size()];
    }

    /** Starts the schedule now. */
    void start() {
        startNs = System.nanoTime();
    }

    /** @return when the schedule started, {@link System#nanoTime()} */
    long startNs() {
        return startNs;
    }

    /**
     * Puts, in one producer call, every record due before {@code untilNs} after the start that is not yet put.
     *
     * @param untilNs the end of the current tick, ns after the start
     * @throws InterruptedException if interrupted
     */
    void putDueBefore(long untilNs) throws InterruptedException {
        long now = System.nanoTime() - startNs;
        List<Producer.Entry> entries = new ArrayList<>();
        long[] due = new long[shards.size()];
        for (int s = 0; s < shards.size(); s++) {
            ShardInput shard = shards.get(s);
            // records j with j / rate s < untilNs
            due[s] = Math.floorDiv(untilNs * rate + 999_999_999L, 1_000_000_000L);
            if (due[s] > put[s]) {
                maxLateNs = Math.max(maxLateNs, now - put[s] * 1_000_000_000L / rate);
            }
            for (long j = put[s]; j < due[s]; j++) {
                entries.add(new Producer.Entry(shard.records().apply(j),
                        shard.partitionKeys().get((int) (j % shard.partitionKeys().size())), (int) j + 1));
            }
        }
        if (entries.isEmpty()) {
            return;
        }
        putToEmit.put(producer, entries);
        System.arraycopy(due, 0, put, 0, due.length);
        lastCallEndNs = System.nanoTime() - startNs;
    }

    /** @return the largest delay of a call behind the due time of the first record it put, ms */
    long maxLateMs() {
        return maxLateNs / 1_000_000;
    }

    /**
     * @param runNs the run's length, ns
     * @return the records per second actually put on the shard that got fewest, over the run or until the last call
     *     ended if that was later
     */
    double producedPerShard(long runNs) {
        long fewest = Long.MAX_VALUE;
        for (long n : put) {
            fewest = Math.min(fewest, n);
        }
        return fewest / (Math.max(runNs, lastCallEndNs) / 1e9);
    }

    /** @return records put on all shards so far */
    long put() {
        long total = 0;
        for (long n : put) {
            total += n;
        }
        return total;
    }
}

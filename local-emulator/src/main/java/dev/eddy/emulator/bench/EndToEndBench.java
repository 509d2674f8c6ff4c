package dev.eddy.emulator.bench;

import dev.eddy.emulator.console.UsageError;
import dev.eddy.emulator.esm.EventSourceMapping;
import dev.eddy.emulator.esm.Invocation;
import dev.eddy.emulator.esm.Producer;
import dev.eddy.emulator.input.InputFile;
import dev.eddy.emulator.console.Pipelines;
import dev.eddy.handler.EddyHandler;
import dev.eddy.config.EddySettings;
import dev.eddy.pipeline.Pipeline;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./eddy bench e2e}: the flight-delays function end to end through the local event source mapping, on
 * kinesalite and DynamoDB Local, per shard count.
 *
 * <p>Throughput: every record is put first, then the mapping starts from the trim horizon; records/s is the input
 * over the time until every shard is read to its end and drained. The invocations' own time per 1,000 records
 * (summed over shards) splits the path: the rest is the mapping's reads and event building. Latency: the mapping runs while records are put at
 * a steady rate, half of a Kinesis shard's write limit of 1,000 records/s per shard; a record's put-to-emit latency
 * is the time from its {@code PutRecords} call to the end of the invocation that processed it, when its state is
 * committed and every result it made due is in the sink (the handler flushes sinks before it returns).
 */
@Command(name = "e2e", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs a pipeline's function (default: flight-delays) through the local event source mapping (kinesalite,"
            + " DynamoDB Local, file sinks) per shard count: records/s over a backlog of the whole file, and"
            + " put-to-emit latency p50/p99 while records arrive at 500 records/s per shard. A measurement, not a"
            + " test."})
final class EndToEndBench implements Callable<Integer> {

    /** Half of a shard's write limit (1,000 records/s, Kinesis Data Streams quotas). */
    static final int RECORDS_PER_SECOND_PER_SHARD = 500;

    @Mixin
    private BenchOptions options;

    @Option(names = "--shards", paramLabel = "N,N,...", split = ",", defaultValue = "1,2,4",
            description = "shard counts to measure (default: ${DEFAULT-VALUE})")
    private List<Integer> shardCounts;

    @Option(names = "--latency-seconds", paramLabel = "S", defaultValue = "10",
            description = "how long records are put at the steady rate for the latency (default: ${DEFAULT-VALUE})")
    private int latencySeconds;

    @Override
    public Integer call() throws Exception {
        BenchRow.print(measure(), options.json, System.out);
        return 0;
    }

    /**
     * @return per shard count: records/s over the backlog and the function's time per 1,000 records in it,
     *     put-to-emit p50 and p99 in ms at the steady rate
     * @throws Exception if an emulator or the mapping fails
     */
    List<BenchRow> measure() throws Exception {
        Class<? extends EddyHandler> handler = options.handler();
        Pipeline pipeline = Pipelines.instantiate(handler).pipeline();
        Path file = options.input(pipeline.name());
        List<byte[]> records = InputFile.data(InputFile.read(file));
        List<String> keys = partitionKeys(pipeline, file, records);
        for (int shards : shardCounts) {
            if (shards < 1 || shards > 16) {
                throw new UsageError("shard counts must be 1-16, was " + shards);
            }
        }
        if (latencySeconds < 1 || latencySeconds > 600) {
            throw new UsageError("--latency-seconds must be 1-600, was " + latencySeconds);
        }
        List<BenchRow> rows = new ArrayList<>();
        try (BenchEmulators emulators = BenchEmulators.start(handler, pipeline, "eddy-bench-e2e")) {
            warmUp(emulators, records, keys);
            for (int shards : shardCounts) {
                progress("%d shard(s): throughput over a backlog of %,d records", shards, records.size());
                double[] throughput = throughput(emulators, "bench-e2e-throughput-" + shards, records, keys, shards);
                rows.add(new BenchRow("end-to-end", "eddy", String.format(java.util.Locale.ROOT,
                        "records/s, %d shard(s), backlog of %,d", shards, records.size()), throughput[0],
                        "records/s"));
                rows.add(new BenchRow("end-to-end", "eddy", String.format(java.util.Locale.ROOT,
                        "of which in the function, per 1,000 records, %d shard(s)", shards), throughput[1], "ms"));
                int count = Math.min(records.size(), RECORDS_PER_SECOND_PER_SHARD * shards * latencySeconds);
                progress("%d shard(s): latency at %,d records/s for %d s", shards,
                        RECORDS_PER_SECOND_PER_SHARD * shards, count / (RECORDS_PER_SECOND_PER_SHARD * shards));
                PutToEmit latency = latency(emulators, records.subList(0, count), keys.subList(0, count), shards);
                String at = String.format(java.util.Locale.ROOT, "%d shard(s) at %,d records/s", shards,
                        RECORDS_PER_SECOND_PER_SHARD * shards);
                rows.add(new BenchRow("end-to-end", "eddy", "put-to-emit p50, " + at, latency.percentile(0.50), "ms"));
                rows.add(new BenchRow("end-to-end", "eddy", "put-to-emit p99, " + at, latency.percentile(0.99), "ms"));
            }
        }
        return rows;
    }

    /**
     * @return each record's partition key: the pipeline's key (for flight-delays the origin), as
     *     {@code put --partition-key-from} and {@code run} put records
     * @throws UsageError if the pipeline cannot key a record of the file
     */
    static List<String> partitionKeys(Pipeline pipeline, Path file, List<byte[]> records) {
        List<String> keys = new ArrayList<>(records.size());
        for (byte[] record : records) {
            keys.add(pipeline.keyOf(record).orElseThrow(() -> new UsageError(file
                    + " holds a record the " + pipeline.name() + " pipeline cannot key: " + new String(record,
                    java.nio.charset.StandardCharsets.UTF_8))));
        }
        return keys;
    }

    /**
     * JIT compilation of the handler, the SDK and DynamoDB Local, outside every measurement: up to 5,000 of the
     * records through the mapping, on one shard.
     */
    static void warmUp(BenchEmulators emulators, List<byte[]> records, List<String> keys) throws Exception {
        int warmUp = Math.min(records.size(), 5_000);
        progress("warming up on %,d records", warmUp);
        throughput(emulators, "bench-warm-up", records.subList(0, warmUp), keys.subList(0, warmUp), 1);
    }

    /**
     * @return records/s over the backlog, and the invocations' time (the function's share of the path: state,
     *     CPU, sinks) per 1,000 records, ms, summed over shards
     */
    private static double[] throughput(BenchEmulators emulators, String name, List<byte[]> records, List<String> keys,
            int shards) throws Exception {
        EddySettings settings = emulators.prepare(name, shards);
        emulators.producer(name).putAll(records, keys::get);
        long started = System.nanoTime();
        long inFunction = 0;
        try (EventSourceMapping mapping = emulators.mapping(name, settings, () -> true)) {
            mapping.start();
            mapping.awaitDrained();
            if (mapping.recordsDelivered() != records.size()) {
                throw new IllegalStateException("the mapping delivered " + mapping.recordsDelivered() + " of "
                        + records.size() + " records");
            }
            for (Invocation invocation : mapping.invocationLog()) {
                inFunction += invocation.durationMs();
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new double[] {records.size() / seconds, inFunction * 1000.0 / records.size()};
    }

    /** @return every record's put-to-emit latency while the records are put at the steady rate */
    private static PutToEmit latency(BenchEmulators emulators, List<byte[]> records, List<String> keys, int shards)
            throws Exception {
        String name = "bench-e2e-latency-" + shards;
        PutToEmit latency = new PutToEmit();
        EddySettings settings = emulators.prepare(name, shards);
        Producer producer = emulators.producer(name);
        AtomicBoolean complete = new AtomicBoolean();
        try (EventSourceMapping mapping = emulators.mapping(name, settings, complete::get)) {
            mapping.start();
            int perTick = Math.max(1, RECORDS_PER_SECOND_PER_SHARD * shards / 10); // every 100 ms
            long next = System.nanoTime();
            for (int from = 0; from < records.size(); from += perTick) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                next += 100_000_000L;
                List<Producer.Entry> entries = new ArrayList<>();
                for (int i = from; i < Math.min(records.size(), from + perTick); i++) {
                    entries.add(new Producer.Entry(records.get(i), keys.get(i), i + 1));
                }
                latency.put(producer, entries);
            }
            complete.set(true);
            mapping.awaitDrained();
            mapping.invocationLog().forEach(latency::processed);
        }
        latency.finish();
        return latency;
    }

    static void progress(String format, Object... args) {
        System.err.println("[bench] " + String.format(java.util.Locale.ROOT, format, args));
    }
}

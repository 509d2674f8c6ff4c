package dev.eddy.emulator.bench;

import dev.eddy.config.EddySettings;
import dev.eddy.emulator.console.Pipelines;
import dev.eddy.emulator.console.UsageError;
import dev.eddy.emulator.esm.EventSourceMapping;
import dev.eddy.emulator.esm.Invocation;
import dev.eddy.emulator.input.InputFile;
import dev.eddy.handler.EddyHandler;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.state.ShardLineage;
import java.lang.reflect.InvocationTargetException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongFunction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * {@code ./eddy bench soak}: records put at a fixed rate per shard for minutes while the flight-delays function
 * runs behind the local event source mapping (kinesalite, DynamoDB Local, file sinks, the pipeline's own settings);
 * does the function keep up?
 *
 * <p>Input: the flights file's records, routed to the shard their partition key (the pipeline's key, the origin)
 * hashes to, each shard's flights cycled by {@code ReplayedFlights} with dates moved forward per copy so that
 * windows keep firing. Rate: records/s per shard, 1-1,000 (a Kinesis shard accepts at most 1,000 records/s and
 * 1 MiB/s; more is refused, as a real shard would throttle it). Reports ({@link BenchRow}s): Lambda's
 * {@code IteratorAge} (ms) p50 and max per 10 s (per minute for runs over 10 minutes) and for the first and last
 * third of the run ({@link IteratorAges}); put-to-emit p50/p99 over the run (ms, {@link PutToEmit}); the records/s
 * per shard actually produced and the producer's largest delay behind its schedule (ms, {@link SoakProducer}); the
 * verdict. Exit code 0 when the lag held, 1 when it grew ({@link IteratorAges#verdict}), 3 when it held but the
 * producer fell more than {@value #PRODUCER_PATIENCE_MS} ms behind its schedule: then the producer, not Eddy, failed
 * and the run says nothing.
 */
@Command(name = "soak", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Puts records at a fixed rate per shard for minutes through the local event source mapping"
            + " (kinesalite, DynamoDB Local, file sinks) into the flight-delays function, and reports Lambda's"
            + " IteratorAge (p50 and max per 10 s, and per third of the run), put-to-emit p50/p99, the rate actually"
            + " produced, and whether the lag grew. Exit code 0: held; 1: the lag grew; 3: the producer fell behind"
            + " its schedule (the run says nothing about Eddy then). A measurement, not a test; not part of"
            + " `./eddy bench`."})
final class SoakBench implements Callable<Integer> {

    /** Kinesis' write limit per shard: 1,000 records/s (Kinesis Data Streams quotas). */
    static final int MAX_RATE = 1_000;
    /** And 1 MiB/s per shard. */
    static final long MAX_BYTES_PER_SECOND = 1024 * 1024;
    /** Kinesalite keeps every record in memory: a soak puts at most this many. */
    static final long MAX_RECORDS = 3_600_000;
    /** How far behind its schedule the producer may fall before the run is void, ms. */
    static final long PRODUCER_PATIENCE_MS = 1_000;
    /** Exit code when the producer fell behind. */
    static final int EXIT_PRODUCER_BEHIND = 3;
    /** The class that replays flights, in the examples' jar (the emulator does not depend on the examples). */
    private static final String REPLAY = "dev.eddy.functions.flightdelays.ReplayedFlights";

    @Mixin
    private BenchOptions options;

    @Option(names = "--rate", paramLabel = "R", defaultValue = "500",
            description = "records/s per shard, 1-1000: Kinesis' write limit per shard (default: ${DEFAULT-VALUE})")
    private int rate;

    @Option(names = "--shards", paramLabel = "N", defaultValue = "2",
            description = "shards, 1-16 (default: ${DEFAULT-VALUE})")
    private int shards;

    @Option(names = "--minutes", paramLabel = "M", defaultValue = "5",
            description = "how long records are put, 0.25-60; fractions allowed (0.5 for 30 s)"
                + " (default: ${DEFAULT-VALUE})")
    private double minutes;

    @Override
    public Integer call() throws Exception {
        Result result = measure();
        BenchRow.print(result.rows(), options.json, System.out);
        System.err.println("[bench] soak: " + result.summary());
        return switch (result.verdict()) {
            case GREW -> 1;
            case HELD -> result.producerBehind() ? EXIT_PRODUCER_BEHIND : 0;
        };
    }

    /**
     * What a soak found.
     *
     * @param rows its figures
     * @param verdict whether the lag grew
     * @param producerBehind whether the producer fell behind its schedule by more than the patience
     * @param summary one line for people
     */
    record Result(List<BenchRow> rows, IteratorAges.Verdict verdict, boolean producerBehind, String summary) {
    }

    /**
     * @return the soak's rows and verdict
     * @throws Exception if an emulator or the mapping fails
     */
    Result measure() throws Exception {
        if (rate < 1 || rate > MAX_RATE) {
            throw new UsageError("--rate must be 1-1000 records/s per shard, was " + rate + ": a Kinesis shard"
                    + " accepts at most 1,000 records/s (Kinesis Data Streams quotas); for more, add shards"
                    + " (--shards)");
        }
        if (shards < 1 || shards > 16) {
            throw new UsageError("--shards must be 1-16, was " + shards);
        }
        if (!(minutes >= 0.25 && minutes <= 60)) {
            throw new UsageError("--minutes must be 0.25-60 (fractions allowed, e.g. 0.5 for 30 s), was " + minutes);
        }
        long runTicks = Math.round(minutes * 60e9 / SoakProducer.TICK_NS);
        long total = (long) rate * shards * runTicks / 10;
        if (total > MAX_RECORDS) {
            throw new UsageError(String.format(Locale.ROOT, "--rate × --shards × --minutes asks for %,d records;"
                    + " kinesalite keeps every record in memory, so a soak puts at most %,d: lower --minutes or"
                    + " --shards", total, MAX_RECORDS));
        }
        Class<? extends EddyHandler> handler = options.handler();
        Pipeline pipeline = Pipelines.instantiate(handler).pipeline();
        Path file = options.input(pipeline.name());
        List<byte[]> records = InputFile.data(InputFile.read(file));
        List<String> keys = EndToEndBench.partitionKeys(pipeline, file, records);
        checkBytes(file, records, keys);
        try (BenchEmulators emulators = BenchEmulators.start(handler, pipeline, "eddy-bench-soak")) {
            EndToEndBench.warmUp(emulators, records, keys);
            String name = "bench-soak-" + shards;
            EddySettings settings = emulators.prepare(name, shards);
            PutToEmit latency = new PutToEmit();
            SoakProducer producer = new SoakProducer(emulators.producer(name), latency,
                    inputs(emulators, name, file, records, keys), rate);
            return run(emulators, name, settings, producer, latency, runTicks);
        }
    }

    /** Puts on schedule while the mapping runs, reporting each interval; then lets the mapping finish. */
    private Result run(BenchEmulators emulators, String name, EddySettings settings, SoakProducer producer,
            PutToEmit latency, long runTicks) throws Exception {
        long runNs = runTicks * SoakProducer.TICK_NS;
        long runMs = runNs / 1_000_000;
        long intervalMs = runMs <= 600_000 ? 10_000 : 60_000;
        IteratorAges ages = new IteratorAges();
        Queue<Invocation> ended = new ConcurrentLinkedQueue<>();
        AtomicBoolean complete = new AtomicBoolean();
        EndToEndBench.progress("soak: %d shard(s) at %,d records/s per shard for %s", shards, rate,
                IteratorAges.clock(runMs));
        long startMs;
        try (EventSourceMapping mapping = emulators.mapping(name, settings, complete::get)) {
            mapping.onInvocation(ended::add).start();
            producer.start();
            startMs = System.currentTimeMillis();
            long reported = 0;
            while (true) {
                long tick = (System.nanoTime() - producer.startNs()) / SoakProducer.TICK_NS;
                if (tick >= runTicks) {
                    break;
                }
                producer.putDueBefore((tick + 1) * SoakProducer.TICK_NS);
                take(ended, ages, latency, startMs);
                long elapsedMs = (System.nanoTime() - producer.startNs()) / 1_000_000;
                for (; reported + intervalMs <= elapsedMs; reported += intervalMs) {
                    report(ages.between(reported, reported + intervalMs), producer);
                }
                long wait = producer.startNs() + (tick + 1) * SoakProducer.TICK_NS - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
            }
            complete.set(true);
            take(ended, ages, latency, startMs);
            for (; reported < runMs; reported += intervalMs) {
                report(ages.between(reported, Math.min(runMs, reported + intervalMs)), producer);
            }
            EndToEndBench.progress("soak: producer stopped; processing what is left");
            mapping.awaitDrained();
            take(ended, ages, latency, startMs);
        }
        latency.finish();
        return result(ages, latency, producer, runNs, intervalMs);
    }

    /** Takes the invocations that ended: their iterator ages, and their records' put-to-emit latency. */
    private static void take(Queue<Invocation> ended, IteratorAges ages, PutToEmit latency, long startMs) {
        for (Invocation invocation; (invocation = ended.poll()) != null; ) {
            ages.add(invocation.startedAtMs() - startMs, invocation.iteratorAgeMs());
            latency.processed(invocation);
        }
    }

    private void report(IteratorAges.Span span, SoakProducer producer) {
        EndToEndBench.progress("soak %s  iterator age p50 %,d ms, max %,d ms (%,d invocations); producer %s",
                span.label(), span.p50Ms(), span.maxMs(), span.invocations(),
                producer.maxLateMs() > PRODUCER_PATIENCE_MS
                        ? String.format(Locale.ROOT, "BEHIND its schedule by up to %,d ms", producer.maxLateMs())
                        : "on schedule");
    }

    private Result result(IteratorAges ages, PutToEmit latency, SoakProducer producer, long runNs, long intervalMs) {
        long runMs = runNs / 1_000_000;
        String at = String.format(Locale.ROOT, "%d shard(s) at %,d records/s per shard", shards, rate);
        List<BenchRow> rows = new ArrayList<>();
        for (IteratorAges.Span span : ages.intervals(intervalMs, runMs)) {
            if (span.invocations() > 0) {
                rows.add(row("iterator age p50, " + span.label() + ", " + at, span.p50Ms(), "ms"));
                rows.add(row("iterator age max, " + span.label() + ", " + at, span.maxMs(), "ms"));
            }
        }
        IteratorAges.Span[] thirds = ages.thirds(runMs);
        String[] names = {"first third (", "last third ("};
        for (int t = 0; t < 2; t++) {
            rows.add(row("iterator age p50, " + names[t] + thirds[t].label() + "), " + at, thirds[t].p50Ms(), "ms"));
            rows.add(row("iterator age max, " + names[t] + thirds[t].label() + "), " + at, thirds[t].maxMs(), "ms"));
        }
        rows.add(row("put-to-emit p50, " + at, latency.percentile(0.50), "ms"));
        rows.add(row("put-to-emit p99, " + at, latency.percentile(0.99), "ms"));
        double produced = producer.producedPerShard(runNs);
        rows.add(row("records/s per shard produced (the fewest of the shards), asked " + rate, produced,
                "records/s"));
        rows.add(row("producer's largest delay behind its schedule", producer.maxLateMs(), "ms"));
        IteratorAges.Verdict verdict = IteratorAges.verdict(thirds[0], thirds[1]);
        long tolerance = IteratorAges.TOLERANCE_MS;
        long growth = thirds[1].p50Ms() - thirds[0].p50Ms();
        rows.add(row(String.format(Locale.ROOT, "%s: iterator age p50, last third minus first third (grew above"
                + " %,d ms), %s", verdict, tolerance, at), growth, "ms"));
        boolean behind = producer.maxLateMs() > PRODUCER_PATIENCE_MS;
        String summary = String.format(Locale.ROOT, "%s: iterator age p50 %,d ms in the first third, %,d ms in the"
                + " last (%s above %,d ms counts as grown); put-to-emit p50 %,d ms, p99 %,d ms; %,.0f records/s"
                + " per shard produced of %,d asked", verdict, thirds[0].p50Ms(), thirds[1].p50Ms(),
                thirds[1].invocations() == 0 ? "no invocation in the last third;" : "a rise", tolerance,
                latency.percentile(0.50), latency.percentile(0.99), produced, rate);
        if (behind) {
            summary += String.format(Locale.ROOT, "; the PRODUCER fell behind its schedule by up to %,d ms (more than"
                    + " %,d), so the function got less than was asked%s", producer.maxLateMs(), PRODUCER_PATIENCE_MS,
                    verdict == IteratorAges.Verdict.GREW ? ", and its lag grew even so"
                            : ": the producer, not Eddy, failed, and this run says nothing about Eddy; run it on a"
                                + " quieter machine or at a lower --rate");
        }
        return new Result(rows, verdict, behind, summary);
    }

    private static BenchRow row(String metric, double value, String unit) {
        return new BenchRow("soak", "eddy", metric, value, unit);
    }

    /** Refuses a rate whose bytes a shard would not accept: 1 MiB/s, data and partition keys. */
    private void checkBytes(Path file, List<byte[]> records, List<String> keys) {
        long bytes = 0;
        for (int i = 0; i < records.size(); i++) {
            bytes += records.get(i).length + keys.get(i).getBytes(StandardCharsets.UTF_8).length;
        }
        long perSecond = bytes * rate / records.size();
        if (perSecond > MAX_BYTES_PER_SECOND) {
            throw new UsageError(String.format(Locale.ROOT, "--rate %,d records/s per shard of %s's records (%,d"
                    + " bytes each on average) is %,d bytes/s, above a Kinesis shard's write limit of 1 MiB/s"
                    + " (1,048,576 bytes): lower --rate to %,d or less", rate, file, bytes / records.size(),
                    perSecond, MAX_BYTES_PER_SECOND * records.size() / bytes));
        }
    }

    /** Each shard's records: those whose partition key hashes into its range, replayed. */
    private List<SoakProducer.ShardInput> inputs(BenchEmulators emulators, String stream, Path file,
            List<byte[]> records, List<String> keys) {
        List<SoakProducer.ShardInput> inputs = new ArrayList<>();
        for (Shard shard : emulators.kinesis().listShards(b -> b.streamName(stream)).shards()) {
            ShardLineage.Shard range = new ShardLineage.Shard(shard.shardId(), List.of(),
                    new java.math.BigInteger(shard.hashKeyRange().startingHashKey()),
                    new java.math.BigInteger(shard.hashKeyRange().endingHashKey()));
            List<byte[]> own = new ArrayList<>();
            List<String> ownKeys = new ArrayList<>();
            for (int i = 0; i < records.size(); i++) {
                if (range.owns(keys.get(i))) {
                    own.add(records.get(i));
                    ownKeys.add(keys.get(i));
                }
            }
            if (own.isEmpty()) {
                throw new UsageError("no record of " + file + " has a partition key that hashes into "
                        + shard.shardId() + " of " + shards + " shards, so it cannot be put at a rate: use fewer"
                        + " --shards or an --input with more keys");
            }
            inputs.add(new SoakProducer.ShardInput(shard.shardId(), replay(own, file), ownKeys));
        }
        return inputs;
    }

    /** @return the flights replayed without end, by the examples' {@code ReplayedFlights} */
    @SuppressWarnings("unchecked")
    private LongFunction<byte[]> replay(List<byte[]> flights, Path file) {
        Class<?> type;
        try {
            type = Class.forName(REPLAY, true, options.loader());
        } catch (ClassNotFoundException e) {
            throw new UsageError("the soak replays flights with Eddy's examples (" + REPLAY + "), which are not"
                    + " here: run it from the Eddy checkout's ./eddy, or give the examples' jar with --jar"
                    + " functions/target/eddy-functions.jar");
        }
        try {
            return (LongFunction<byte[]>) type.getMethod("cycle", List.class).invoke(null, flights);
        } catch (InvocationTargetException e) {
            throw new UsageError(file + " cannot be replayed: " + e.getCause().getMessage()
                    + " (the soak needs flights, e.g. vega-datasets' flights-20k.json)");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call " + REPLAY + ".cycle(List): " + e, e);
        }
    }
}

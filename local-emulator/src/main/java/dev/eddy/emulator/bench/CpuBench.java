package dev.eddy.emulator.bench;

import dev.eddy.emulator.console.UsageError;
import dev.eddy.emulator.embedded.NodeModules;
import dev.eddy.codec.internal.Jsons;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./eddy bench cpu}: the JMH benchmarks of module {@code local-emulator/bench} (Eddy's handler path and the
 * same job in Apache Flink), run in a JVM of their own on that module's class path, so that Flink's libraries never
 * meet the emulator's. Their figures come back as JSON lines.
 */
@Command(name = "cpu", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"CPU throughput per core of the flight-delays handler path (JMH): decode, key, window,"
            + " pre-aggregate on 10,000-record batches, and the whole path to emitted results, with bytes allocated"
            + " per record; the same job in Apache Flink (local environment, parallelism 1) and the ratio. Each"
            + " benchmark JVM is pinned to one core with taskset where there is one. A measurement, not a test."})
final class CpuBench implements Callable<Integer> {

    @Option(names = "--input", paramLabel = "FILE",
            description = "flights file (default: vega-datasets' flights-20k.json)")
    private Path input;

    @Option(names = "--json", description = "also print each row as one JSON object a line (benchmark, system,"
            + " metric, value, unit) on standard output; the table then goes to standard error")
    private boolean json;

    @Option(names = "--records", paramLabel = "N", defaultValue = "1000000",
            description = "records in all (default: ${DEFAULT-VALUE})")
    private int records;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "10000",
            description = "records per batch (default: ${DEFAULT-VALUE})")
    private int batchSize;

    @Option(names = "--quick", description = "one short iteration each: shows that it runs, measures nothing")
    private boolean quick;

    @Override
    public Integer call() throws Exception {
        BenchRow.print(measure(), json, System.out);
        return 0;
    }

    /**
     * @return the benchmark JVM's rows
     * @throws Exception if it cannot start or fails
     */
    List<BenchRow> measure() throws Exception {
        if (batchSize < 1 || batchSize > 10_000 || records < Math.max(10_000, batchSize)) {
            throw new UsageError("--batch-size must be 1-10000 and --records at least 10000 and the batch"
                    + " size (Flink's fixed cost is measured on a job of 1,000 records)");
        }
        Path file = input != null ? input : NodeModules.find("vega-datasets").resolve("data/flights-20k.json");
        Path module = BenchCommand.inCheckout(Path.of("local-emulator", "bench", "target", "classpath.txt"))
                .getParent();
        String classpath = module.resolve("classes") + File.pathSeparator
                + Files.readString(module.resolve("classpath.txt")).trim();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
                "dev.eddy.bench.CpuBenchmarks", "--flights", file.toAbsolutePath().toString(),
                "--records", String.valueOf(records), "--batch-size", String.valueOf(batchSize)));
        if (quick) {
            command.add("--quick");
        }
        System.err.println("[bench] cpu: JMH in its own JVM (" + records + " records, batches of " + batchSize
                + "); its report follows on standard error");
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("the benchmark JVM failed with exit code " + process.exitValue()
                    + " (its report is above)");
        }
        List<BenchRow> rows = new ArrayList<>();
        for (String line : out.lines().filter(l -> l.startsWith("{")).toList()) {
            try {
                rows.add(Jsons.strictMapper().readValue(line, BenchRow.class));
            } catch (IOException e) {
                throw new IllegalStateException("the benchmark JVM printed a row that is not one: " + line, e);
            }
        }
        if (rows.isEmpty()) {
            throw new IllegalStateException("the benchmark JVM printed no figures: " + out);
        }
        return rows;
    }
}

package dev.eddy.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs the CPU benchmarks with JMH and prints one JSON object a line on standard output ({@code benchmark, system,
 * metric, value, unit}); JMH's own report goes to standard error. {@code ./eddy bench cpu} starts it in a JVM of
 * its own.
 *
 * <p>Each benchmark JVM is pinned to one core with {@code taskset} when the machine has it (Linux): the figures are
 * then per core for Eddy and Flink alike, JIT and GC threads included — the share of a Lambda function of up to
 * 1,769 MB, which AWS gives one vCPU.
 *
 * <p>Arguments: {@code --flights FILE} (vega-datasets flights; required), {@code --records N} (default 1,000,000),
 * {@code --batch-size N} (default 10,000), {@code --quick} (one short iteration each: checks that it runs, measures
 * nothing worth keeping).
 */
public final class CpuBenchmarks {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Records of the small Flink job that measures the job's fixed cost. */
    private static final int SMALL_JOB = 1_000;
    /** What Flink's own start scripts open on Java 17 (env.java.opts.all of its config.yaml). */
    private static final List<String> FLINK_OPENS = List.of(
            "--add-opens=java.base/java.lang=ALL-UNNAMED", "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED", "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED", "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/java.time=ALL-UNNAMED", "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED");

    private CpuBenchmarks() {
    }

    /**
     * @param args see the class comment
     * @throws Exception if a benchmark fails
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--quick")) {
                options.put("quick", "true");
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                options.put(args[i].substring(2), args[++i]);
            } else {
                System.err.println("cpu bench: unknown argument " + args[i]);
                System.exit(2);
            }
        }
        String flights = options.get("flights");
        if (flights == null || !Files.isReadable(Path.of(flights))) {
            System.err.println("cpu bench: --flights FILE is required and must be readable: " + flights);
            System.exit(2);
        }
        int records = Integer.parseInt(options.getOrDefault("records", "1000000"));
        int batchSize = Integer.parseInt(options.getOrDefault("batch-size", "10000"));
        boolean quick = options.containsKey("quick");
        for (Map<String, Object> row : run(Path.of(flights).toAbsolutePath().toString(), records, batchSize, quick,
                System.err)) {
            System.out.println(JSON.writeValueAsString(row));
        }
    }

    /**
     * @return the rows: Eddy's records/s and bytes allocated per record, Flink's records/s, the ratio
     */
    static List<Map<String, Object>> run(String flights, int records, int batchSize, boolean quick, PrintStream log)
            throws RunnerException {
        String oneCore = oneCoreJvm();
        ChainedOptionsBuilder eddy = common(quick, oneCore, List.of())
                .include(EddyHandlerBenchmark.class.getName() + ".batch")
                .param("flights", flights).param("records", String.valueOf(records))
                .param("batchSize", String.valueOf(batchSize))
                .addProfiler(GCProfiler.class);
        if (!quick) {
            eddy.warmupIterations(5).warmupTime(TimeValue.seconds(2))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(2));
        }
        ChainedOptionsBuilder flink = common(quick, oneCore, FLINK_OPENS)
                .include(FlinkJobBenchmark.class.getName() + ".job")
                // a job of 1,000 records beside the full one: the difference is Flink's time per record without
                // the job's start and end on the mini-cluster
                .param("flights", flights).param("records", String.valueOf(SMALL_JOB), String.valueOf(records));
        if (!quick) {
            flink.warmupIterations(3).measurementIterations(5);
        }
        var out = OutputFormatFactory.createFormatInstance(log, VerboseMode.NORMAL);
        Collection<RunResult> eddyResults = new Runner(eddy.build(), out).run();
        Collection<RunResult> flinkResults = new Runner(flink.build(), out).run();

        String cores = oneCore != null ? "one core" : "all cores";
        List<Map<String, Object>> rows = new ArrayList<>();
        double whole = Double.NaN;
        for (String path : List.of("pre-aggregate", "whole")) {
            RunResult result = eddyResults.stream()
                    .filter(r -> r.getParams().getParam("path").equals(path)).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no result for path " + path));
            double rate = result.getPrimaryResult().getScore() * batchSize;
            String what = path.equals("whole") ? "decode to emitted results" : "decode, key, window, pre-aggregate";
            rows.add(row("eddy", what + " (" + cores + ", batches of " + batchSize + ")", rate, "records/s"));
            Result<?> alloc = result.getSecondaryResults().get("gc.alloc.rate.norm");
            if (alloc != null) {
                rows.add(row("eddy", what + ": allocated", alloc.getScore() / batchSize, "B/record"));
            }
            if (path.equals("whole")) {
                whole = rate;
            }
        }
        double fullMs = flinkMs(flinkResults, records);
        double smallMs = flinkMs(flinkResults, SMALL_JOB);
        double withStart = records / (fullMs / 1000.0);
        double marginal = (records - SMALL_JOB) / (Math.max(1e-3, fullMs - smallMs) / 1000.0);
        String system = "flink " + org.apache.flink.runtime.util.EnvironmentInformation.getVersion();
        rows.add(row(system, "decode to emitted results (" + cores + ", parallelism 1, " + records
                + "-record job, start included)", withStart, "records/s"));
        rows.add(row(system, "decode to emitted results (" + cores + ", parallelism 1, job start and end excluded)",
                marginal, "records/s"));
        rows.add(row(system, "job start and end on the local mini-cluster (" + SMALL_JOB + "-record job)", smallMs,
                "ms"));
        rows.add(row("eddy/flink", "decode to emitted results, Flink's job start included", whole / withStart,
                "ratio"));
        rows.add(row("eddy/flink", "decode to emitted results, Flink's job start excluded", whole / marginal,
                "ratio"));
        return rows;
    }

    private static ChainedOptionsBuilder common(boolean quick, String jvm, List<String> jvmArgs) {
        List<String> args = new ArrayList<>(List.of("-Xms2g", "-Xmx2g"));
        args.addAll(jvmArgs);
        ChainedOptionsBuilder builder = new OptionsBuilder().forks(1).shouldFailOnError(true)
                .jvmArgsAppend(args.toArray(String[]::new));
        if (jvm != null) {
            builder.jvm(jvm);
        }
        if (quick) {
            builder.warmupIterations(0).measurementIterations(1).measurementTime(TimeValue.milliseconds(200));
        }
        return builder;
    }

    /** @return the Flink job's mean time for that many records, ms */
    private static double flinkMs(Collection<RunResult> results, int records) {
        return results.stream().filter(r -> r.getParams().getParam("records").equals(String.valueOf(records)))
                .findFirst().orElseThrow(() -> new IllegalStateException("no Flink result for " + records + " records"))
                .getPrimaryResult().getScore();
    }

    private static Map<String, Object> row(String system, String metric, double value, String unit) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("benchmark", "cpu");
        row.put("system", system);
        row.put("metric", metric);
        row.put("value", value);
        row.put("unit", unit);
        return row;
    }

    /** @return a script that runs this JVM's java on core 0, or {@code null} without taskset */
    private static String oneCoreJvm() {
        Path taskset = Path.of("/usr/bin/taskset");
        if (!Files.isExecutable(taskset)) {
            return null;
        }
        try {
            Path script = Files.createTempFile("eddy-java-one-core", ".sh",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            script.toFile().deleteOnExit();
            Files.writeString(script, "#!/bin/sh\nexec " + taskset + " -c 0 '"
                    + Path.of(System.getProperty("java.home"), "bin", "java") + "' \"$@\"\n");
            return script.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.eddy.emulator.cli;

import dev.eddy.emulator.chaos.ChaosPlan;
import dev.eddy.emulator.chaos.OutputComparison;
import dev.eddy.internal.Chaos;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code ./eddy run --chaos SEED}: a fault-free run of the input into {@code OUT/fault-free}, then a run with the
 * seed's faults into {@code OUT}, then the faults injected per kind and the verdict of {@link OutputComparison}.
 */
final class ChaosRun {

    /** One run of the pipeline over the input. */
    @FunctionalInterface
    interface Runner {
        /**
         * @param dir output folder
         * @param faults the emulator's faults, or {@code null} for none
         * @param settings further handler settings
         * @param stdout where results and summary go
         * @return the exit code
         */
        int run(Path dir, ChaosPlan faults, Map<String, String> settings, PrintStream stdout) throws Exception;
    }

    private final ChaosPlan plan;
    private final ChaosOptions options;
    private final Consumer<String> progress;

    ChaosRun(ChaosPlan plan, ChaosOptions options, Consumer<String> progress) {
        this.plan = plan;
        this.options = options;
        this.progress = progress;
    }

    /**
     * @param out the chaos run's output folder; the fault-free run's is its {@code fault-free} folder
     * @param runner runs the pipeline once
     * @param stdout where the chaos run's results, summary, faults and verdict go
     * @return 0 if the outputs equal the fault-free run's, else {@link EddyCli#EXIT_RUN_FAILED}
     */
    int run(Path out, Runner runner, PrintStream stdout) throws Exception {
        Path faultFree = out.resolve("fault-free");
        progress.accept(String.format(Locale.ROOT, "chaos run, seed %d, rate %s: first a fault-free run of the"
                + " input (outputs in %s)", plan.seed(), plan.rate(), faultFree));
        long started = System.nanoTime();
        int clean = runner.run(faultFree, null, Map.of(), new PrintStream(OutputStream.nullOutputStream()));
        if (clean != 0) {
            System.err.println("eddy: error: the fault-free run failed (exit code " + clean + "), so there is"
                    + " nothing to compare the chaos run with: see its messages above");
            return clean;
        }
        double cleanSeconds = (System.nanoTime() - started) / 1e9;
        progress.accept(String.format(Locale.ROOT, "fault-free run done in %.1f s; now the run with faults",
                cleanSeconds));
        started = System.nanoTime();
        int code = runner.run(out, plan, options.settings(plan.run()), stdout);
        double chaosSeconds = (System.nanoTime() - started) / 1e9;
        Map<String, Long> faults = Chaos.injected(plan.run());
        OutputComparison comparison = OutputComparison.of(faultFree, out);
        print(stdout, faults, comparison, cleanSeconds, chaosSeconds);
        if (code != 0) {
            return code;
        }
        return comparison.equal() ? 0 : EddyCli.EXIT_RUN_FAILED;
    }

    private void print(PrintStream stdout, Map<String, Long> faults, OutputComparison comparison,
            double cleanSeconds, double chaosSeconds) {
        stdout.printf(Locale.ROOT, "%nChaos (seed %d, rate %s): faults injected%n", plan.seed(), plan.rate());
        long total = 0;
        for (Chaos.Kind kind : Chaos.Kind.values()) {
            total += row(stdout, kind.label(), faults);
        }
        for (String kind : ChaosPlan.kinds()) {
            total += row(stdout, kind, faults);
        }
        stdout.printf(Locale.ROOT, "  %-58s %,6d%n", "in all", total);
        stdout.printf(Locale.ROOT, "%nOutputs against the fault-free run (%.1f s; this run %.1f s), deduplicated by"
                + " id:%n", cleanSeconds, chaosSeconds);
        comparison.lines().forEach(line -> stdout.println("  " + line));
        stdout.println(comparison.equal()
                ? "Verdict: equal: every result, failed and late record of the fault-free run, once by id, and nothing"
                    + " else"
                : "Verdict: DIFFERENT: the chaos run lost, doubled or changed outputs (above)");
    }

    private static long row(PrintStream stdout, String label, Map<String, Long> faults) {
        long count = faults.getOrDefault(label, 0L);
        stdout.printf(Locale.ROOT, "  %-58s %,6d%n", label, count);
        return count;
    }
}

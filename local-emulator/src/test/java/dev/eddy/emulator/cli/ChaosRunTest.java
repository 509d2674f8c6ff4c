package dev.eddy.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.emulator.console.Captured;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code eddy run --chaos SEED} on the 2,000 real flights: every family of fault is injected, the run's results
 * equal a fault-free run's (checked here against a run of the test's own, not only by the command's verdict), and a
 * run whose state lets replays through its fences is caught.
 */
class ChaosRunTest {

    private static final Pattern FAULT_ROW = Pattern.compile("^  (.+?)\\s+([\\d,]+)$");

    @Test
    void aChaosRunInjectsEveryFamilyOfFaultAndEqualsTheFaultFreeRun(@TempDir Path dir) throws IOException {
        Captured run = Cli.run("run", "flight-delays", "--input", OutageRunTest.FLIGHTS.toString(), "--out",
                dir.toString(), "--print", "0", "--quiet", "--chaos", "7", "--chaos-rate", "0.3");

        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).contains("Verdict: equal");
        assertThat(OutageRunTest.stats(dir)).as("the chaos run's results, once by id").isEqualTo(OutageRunTest.clean());
        assertThat(OutageRunTest.stats(dir.resolve("fault-free"))).isEqualTo(OutageRunTest.clean());
        Map<String, Long> faults = faults(run.out());
        assertThat(sum(faults, "crash ")).as("crashes").isPositive();
        assertThat(sum(faults, "sink call")).as("sink failures").isPositive();
        assertThat(sum(faults, "execution environment", "duplicate", "timed out")).as("Lambda's faults").isPositive();
        assertThat(sum(faults, "DynamoDB", "conditional write")).as("DynamoDB's faults").isPositive();
        assertThat(faults.get("in all")).isEqualTo(sum(faults, "") - faults.get("in all"));
    }

    @Test
    void aRunWhoseFencesLetReplaysThroughIsCaught(@TempDir Path dir) {
        Captured run = Cli.run("run", "flight-delays", "--input", OutageRunTest.FLIGHTS.toString(), "--out",
                dir.toString(), "--print", "0", "--quiet", "--chaos", "7", "--chaos-rate", "0.3", "--chaos-unfenced");

        assertThat(run.exit()).as(run.out() + run.err()).isEqualTo(EddyCli.EXIT_RUN_FAILED);
        assertThat(run.out()).contains("Verdict: DIFFERENT").containsPattern("differs: fault-free → chaos: .*flights");
    }

    @Test
    void chaosNeedsTheLocalEmulatorsAndRetriesUntilSuccess(@TempDir Path dir) {
        Captured run = Cli.run("run", "flight-delays", "--input", OutageRunTest.FLIGHTS.toString(), "--out",
                dir.toString(), "--chaos", "7", "--max-retries", "2");

        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--chaos", "--max-retries");
    }

    /** @return the report's fault rows: kind → count */
    private static Map<String, Long> faults(String out) {
        Map<String, Long> rows = new TreeMap<>();
        List<String> lines = out.lines().toList();
        int from = lines.indexOf(lines.stream().filter(l -> l.startsWith("Chaos (seed 7")).findFirst().orElseThrow());
        for (String line : lines.subList(from + 1, lines.size())) {
            Matcher row = FAULT_ROW.matcher(line);
            if (!row.matches()) {
                break;
            }
            rows.put(row.group(1), Long.parseLong(row.group(2).replace(",", "")));
        }
        assertThat(rows).containsKeys("crash before state write", "crash after checkpoint", "sink call failed in part",
                "duplicate concurrent invocation", "invocation timed out", "DynamoDB request throttled", "in all");
        return rows;
    }

    private static long sum(Map<String, Long> faults, String... prefixes) {
        return faults.entrySet().stream().filter(e -> List.of(prefixes).stream().anyMatch(e.getKey()::contains))
                .mapToLong(Map.Entry::getValue).sum();
    }
}

package dev.eddy.emulator.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.eddy.emulator.console.Formats;
import dev.eddy.codec.internal.Jsons;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * One figure of {@code ./eddy bench}, as {@code --json} prints it: one object a line with these five fields.
 *
 * @param benchmark which measurement: {@code cpu}, {@code end-to-end}, {@code state}, {@code startup}
 * @param system what was measured: {@code eddy}, a baseline, {@code flink <version>}, or a ratio of two
 * @param metric what the value is, with the conditions that matter (shards, batch size, rate)
 * @param value the figure
 * @param unit its unit: {@code records/s}, {@code ms}, {@code B/record}, {@code WCU/1k records}, {@code MB}, …
 */
record BenchRow(String benchmark, String system, String metric, double value, String unit) {

    /**
     * Prints rows as a table; with {@code json}, also as JSON lines, which then take {@code out} while the table goes
     * to standard error (so that the JSON can be piped).
     *
     * @param rows the rows, in order
     * @param json one JSON object a line on {@code out} as well
     * @param out where to print
     */
    static void print(List<BenchRow> rows, boolean json, PrintStream out) {
        if (json) {
            table(rows, System.err);
            for (BenchRow row : rows) {
                try {
                    out.println(Jsons.strictMapper().writeValueAsString(row));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            }
            return;
        }
        table(rows, out);
    }

    private static void table(List<BenchRow> rows, PrintStream out) {
        int system = "system".length();
        int metric = "metric".length();
        for (BenchRow row : rows) {
            system = Math.max(system, row.system().length());
            metric = Math.max(metric, row.metric().length());
        }
        String format = "%-11s  %-" + system + "s  %-" + metric + "s  %12s  %s%n";
        out.printf(Locale.ROOT, format, "benchmark", "system", "metric", "value", "unit");
        for (BenchRow row : rows) {
            out.printf(Locale.ROOT, format, row.benchmark(), row.system(), row.metric(),
                    Formats.number(row.value()), row.unit());
        }
    }
}

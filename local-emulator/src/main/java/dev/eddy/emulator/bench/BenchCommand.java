package dev.eddy.emulator.bench;

import dev.eddy.emulator.console.UsageError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./eddy bench}: the measurements ({@code cpu}, {@code e2e}, {@code state}, {@code startup}, {@code soak},
 * each a subcommand); alone, it runs each but the long {@code soak} with its defaults and prints one table of
 * {@link BenchRow}s. Public only so that {@code EddyCli} can register it; picocli creates it.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        subcommands = {CpuBench.class, EndToEndBench.class, StateBench.class, StartupBench.class, SoakBench.class},
        description = {"Measurements, not tests. Without a subcommand, runs all but soak with their defaults (about 4"
            + " minutes on 2 cores) and prints one table; docs/benchmarks.md explains each figure.",
            "  cpu       handler CPU per core (JMH) and the same job in Apache Flink",
            "  e2e       records/s and put-to-emit latency through the local event source mapping, per shard count",
            "  state     DynamoDB write and read units per 1,000 records: Eddy against per-record idempotency",
            "  startup   a function's start-up on its shaded jar, cold and primed (SnapStart)",
            "  soak      a fixed rate per shard for minutes: does the iterator age hold? (not run by `./eddy bench`:"
                + " it is long; 5 minutes by default)"})
public final class BenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(names = "--json", description = "also print each row as one JSON object a line (benchmark, system,"
            + " metric, value, unit) on standard output; the table then goes to standard error")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        long started = System.nanoTime();
        List<BenchRow> rows = new ArrayList<>();
        rows.addAll(((CpuBench) sub("cpu")).measure());
        rows.addAll(((EndToEndBench) sub("e2e")).measure());
        rows.addAll(((StateBench) sub("state")).measure());
        rows.addAll(((StartupBench) sub("startup")).measure());
        System.err.printf(java.util.Locale.ROOT, "[bench] all measured in %.1f min%n",
                (System.nanoTime() - started) / 60e9);
        BenchRow.print(rows, json, System.out);
        return 0;
    }

    /** @return a subcommand's object, its options at their defaults */
    private Object sub(String name) {
        var command = spec.subcommands().get(name);
        command.parseArgs();
        return command.getCommand();
    }

    /**
     * @param relative a path inside Eddy's checkout, e.g. {@code functions/target/lambda/flight-delays.jar}
     * @return it, found from the working directory or a parent
     * @throws UsageError if there is none: the build makes it
     */
    static Path inCheckout(Path relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new UsageError("no " + relative + " here or above: run ./eddy bench from Eddy's checkout, which"
                + " builds it (or mvn -q package -DskipTests)");
    }
}

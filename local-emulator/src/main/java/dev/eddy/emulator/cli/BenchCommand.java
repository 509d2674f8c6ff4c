package dev.eddy.emulator.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ./eddy bench}: the measurements; alone, it runs each with its defaults. */
@Command(name = "bench", mixinStandardHelpOptions = true, subcommands = {StateBench.class, StartupBench.class},
        description = {"Measurements, not tests. Without a subcommand, runs them all with their defaults.",
            "  state     DynamoDB write and read units per 1,000 records: Eddy against per-record idempotency",
            "  startup   a function's start-up on its shaded jar, cold and primed (SnapStart)"})
final class BenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        int state = spec.subcommands().get("state").execute();
        int startup = spec.subcommands().get("startup").execute();
        return Math.max(state, startup);
    }
}

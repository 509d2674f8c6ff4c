package dev.eddy.emulator.bench;

import dev.eddy.emulator.console.Captured;
import picocli.CommandLine;

/** Runs {@code ./eddy bench …} in this JVM, on {@link BenchCommand} itself, and captures what it prints. */
final class BenchCli {

    private BenchCli() {
    }

    /**
     * @param args the command line after {@code bench}, e.g. {@code state --json}
     * @return its exit code and output
     */
    static Captured run(String... args) {
        return Captured.run(() -> new CommandLine(new BenchCommand()).execute(args));
    }
}

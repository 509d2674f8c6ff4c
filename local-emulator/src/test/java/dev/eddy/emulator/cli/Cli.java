package dev.eddy.emulator.cli;

import dev.eddy.emulator.console.Captured;

/** Runs {@code ./eddy} in this JVM and captures what it prints. */
final class Cli {

    private Cli() {
    }

    /**
     * @param args the command line
     * @return its exit code and output
     */
    static Captured run(String... args) {
        return Captured.run(() -> EddyCli.execute(args));
    }
}

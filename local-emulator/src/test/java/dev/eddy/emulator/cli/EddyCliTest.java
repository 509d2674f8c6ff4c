package dev.eddy.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.emulator.console.Captured;
import org.junit.jupiter.api.Test;

/** {@code ./eddy} itself: the commands of other packages are registered, and their usage errors exit with 2. */
class EddyCliTest {

    @Test
    void benchIsASubcommandWithItsFourMeasurements() {
        Captured help = Cli.run("bench", "--help");

        assertThat(help.exit()).as(help.err()).isZero();
        assertThat(help.out()).startsWith("Usage: eddy bench [-hV] [--json] [--verbose] [COMMAND]")
                .contains("Measurements, not tests.")
                .containsPattern("(?m)^  cpu +")
                .containsPattern("(?m)^  e2e +")
                .containsPattern("(?m)^  state +")
                .containsPattern("(?m)^  startup +");
    }

    @Test
    void aBenchmarksUsageErrorExitsWithTwoAndSaysWhatToDo() {
        Captured refused = Cli.run("bench", "startup", "--runs", "0");

        assertThat(refused.exit()).as(refused.err()).isEqualTo(EddyCli.EXIT_USAGE);
        assertThat(refused.err()).isEqualTo("eddy: error: --runs must be 1 or more, was 0\n");
    }
}

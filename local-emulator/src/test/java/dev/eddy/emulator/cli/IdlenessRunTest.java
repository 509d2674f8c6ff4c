package dev.eddy.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.emulator.console.Captured;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The end of the file is not the end of the stream ({@code --no-drain}): heartbeats put into every shard, as the
 * deployed schedule puts them, and idleness fire every window a drained run fires, on the real flights; without
 * idleness the last windows stay open, as on a quiet shard before this existed.
 */
class IdlenessRunTest {

    @Test
    void withIdlenessEveryWindowFiresWithoutADrain(@TempDir Path dir) throws IOException {
        Captured run = Cli.run("run", "flight-delays", "--input", OutageRunTest.FLIGHTS.toString(), "--out",
                dir.toString(), "--print", "0", "--no-drain", "--idleness", "2", "--run-for", "6");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(OutageRunTest.stats(dir)).isEqualTo(OutageRunTest.clean());
        String idle = run.out().lines().filter(l -> l.contains("IdleFirings")).findFirst().orElseThrow();
        assertThat(idle).as("windows fired through idleness").doesNotEndWith(" 0");
        assertThat(run.out()).contains("heartbeats (ticks)", "every record accounted for", "yes:");
    }

    @Test
    void withoutIdlenessTheLastWindowsWaitForRecordsThatDoNotCome(@TempDir Path dir) throws IOException {
        Captured run = Cli.run("run", "flight-delays", "--input", OutageRunTest.FLIGHTS.toString(), "--out",
                dir.toString(), "--print", "0", "--no-drain", "--run-for", "2");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(OutageRunTest.stats(dir).size()).isLessThan(OutageRunTest.clean().size()).isPositive();
        assertThat(OutageRunTest.clean()).containsAllEntriesOf(OutageRunTest.stats(dir));
    }
}

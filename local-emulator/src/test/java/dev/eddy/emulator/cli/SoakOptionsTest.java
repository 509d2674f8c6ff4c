package dev.eddy.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.emulator.console.Captured;
import org.junit.jupiter.api.Test;

/** {@code ./eddy bench soak} refuses what a real shard would not take, and runs too short to judge, with the fix. */
class SoakOptionsTest {

    @Test
    void soakRefusesARateAboveAShardsWriteLimitWithTheFix() {
        Captured result = Cli.run("bench", "soak", "--rate", "1500");

        assertThat(result.exit()).isEqualTo(EddyCli.EXIT_USAGE);
        assertThat(result.err()).contains("--rate must be 1-1000 records/s per shard, was 1500")
                .contains("add shards (--shards)");
        Captured minutes = Cli.run("bench", "soak", "--minutes", "0.1");
        assertThat(minutes.exit()).isEqualTo(EddyCli.EXIT_USAGE);
        assertThat(minutes.err()).contains("--minutes must be 0.25-60 (fractions allowed, e.g. 0.5 for 30 s), was"
                + " 0.1");
    }
}

package dev.eddy.emulator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.emulator.console.Captured;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ./eddy bench startup} starts the shaded Lambda jar itself in fresh JVMs: the jar as deployed loads, creates
 * its handler, primes it, and handles real batches against DynamoDB Local. Figures are printed, never asserted.
 */
class StartupBenchTest {

    @Test
    void theShadedJarStartsAndHandlesItsFirstBatchesColdAndPrimed() throws Exception {
        Captured result = BenchCli.run("startup", "--runs", "1", "--json");

        assertThat(result.exit()).as(result.err()).isZero();
        List<JsonNode> rows = result.json();
        assertThat(rows).extracting(r -> r.get("system").asText() + ": " + r.get("metric").asText())
                .containsExactly("eddy, cold: init: handler created, mean of 1",
                        "eddy, cold: first invocation (500 records), mean of 1",
                        "eddy, primed (SnapStart): init: handler created and primed, mean of 1",
                        "eddy, primed (SnapStart): first invocation (500 records), mean of 1",
                        "eddy: shaded jar flight-delays.jar");
        assertThat(rows).extracting(r -> r.get("unit").asText()).containsExactly("ms", "ms", "ms", "ms", "MB");
        assertThat(rows).allSatisfy(r -> assertThat(r.get("value").asDouble()).isPositive());
    }
}

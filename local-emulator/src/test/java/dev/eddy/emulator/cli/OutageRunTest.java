package dev.eddy.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.emulator.console.Captured;
import dev.eddy.emulator.embedded.NodeModules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An outage longer than the old retry budget (10 retries, about 15 s of backoff): with the defaults (retry until
 * success) the shards wait, and the results equal a run without the outage, nothing skipped; with skipping opted
 * into, the mapping gives batches up and says so.
 */
class OutageRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path FLIGHTS = NodeModules.find("vega-datasets").resolve("data/flights-2k.json");
    private static Map<String, String> clean;

    /** @return the stats sink's results of flight-delays over the 2,000 flights without faults, by id (one run) */
    static synchronized Map<String, String> clean() throws IOException {
        if (clean == null) {
            Path dir = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "eddy-clean");
            assertThat(Cli.run("run", "flight-delays", "--input", FLIGHTS.toString(), "--out", dir.toString(),
                    "--print", "0", "--quiet").exit()).isZero();
            clean = stats(dir);
        }
        return clean;
    }

    /** @return each result of the stats sink by id: its JSON (none if the sink wrote nothing) */
    static Map<String, String> stats(Path out) throws IOException {
        Map<String, String> byId = new TreeMap<>();
        Path file = out.resolve("firehose/flight-delay-stats.jsonl");
        for (String line : Files.exists(file) ? Files.readAllLines(file) : java.util.List.<String>of()) {
            JsonNode node = JSON.readTree(line);
            String earlier = byId.put(node.get("id").asText(), line);
            assertThat(earlier == null || earlier.equals(line)).as("one payload per id: %s", line).isTrue();
        }
        return byId;
    }

    @Test
    void aSinkOutageBlocksTheShardsAndLosesNothing(@TempDir Path dir) throws IOException {
        Captured run = Cli.run("run", "flight-delays", "--input", FLIGHTS.toString(), "--out", dir.toString(),
                "--print", "0", "--fail-sink", "flight-delay-stats:20");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(stats(dir)).isEqualTo(clean());
        assertThat(run.out()).contains("shards blocked (retrying)", "every record accounted for", "yes:")
                .doesNotContain("discarded by the mapping");
        assertThat(run.out().lines().filter(l -> l.contains("FailedBatches")).findFirst().orElseThrow())
                .doesNotEndWith(" 0");
        assertThat(dir.resolve("esm-failures/flight-delays.jsonl")).as("nothing skipped").doesNotExist();
    }

    @Test
    void aStateOutageBlocksTheShardsAndLosesNothing(@TempDir Path dir) throws IOException {
        Captured run = Cli.run("run", "flight-delays", "--input", FLIGHTS.toString(), "--out", dir.toString(),
                "--print", "0", "--fail-state", "20");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(stats(dir)).isEqualTo(clean());
        assertThat(run.out()).contains("shards blocked (retrying)");
        assertThat(dir.resolve("esm-failures/flight-delays.jsonl")).as("nothing skipped").doesNotExist();
    }

    @Test
    void withSkippingOptedIntoTheMappingGivesBatchesUpAndSaysWhatWasLost(@TempDir Path dir) throws IOException {
        Captured run = Cli.run("run", "flight-delays", "--input", FLIGHTS.toString(), "--out", dir.toString(),
                "--print", "0", "--quiet", "--fail-sink", "flight-delay-stats:8", "--max-retries", "1");

        assertThat(run.exit()).isEqualTo(EddyCli.EXIT_RUN_FAILED);
        assertThat(run.err()).contains("batches were discarded by the event source mapping");
        assertThat(Files.readAllLines(dir.resolve("esm-failures/flight-delays.jsonl"))).isNotEmpty()
                .allSatisfy(line -> assertThat(JSON.readTree(line).at("/requestContext/condition").asText())
                        .isEqualTo("RetryAttemptsExhausted"));
        assertThat(stats(dir).size()).as("results lost with the skipped batches").isLessThan(clean().size());
    }
}

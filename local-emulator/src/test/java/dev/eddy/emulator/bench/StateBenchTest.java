package dev.eddy.emulator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.emulator.console.Captured;
import dev.eddy.emulator.embedded.NodeModules;
import dev.eddy.codec.internal.Jsons;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./eddy bench state --json} runs and reports what it measured; the figures themselves are not asserted. */
class StateBenchTest {

    @Test
    void jsonRowsNameSystemBatchSizeAndUnits(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        for (JsonNode flight : Jsons.strictMapper().readTree(
                NodeModules.find("vega-datasets").resolve("data/flights-2k.json").toFile())) {
            if (lines.size() < 300) {
                lines.add(flight.toString());
            }
        }
        Path input = dir.resolve("flights.jsonl");
        Files.write(input, lines);
        Captured result = BenchCli.run("state", "--input", input.toString(), "--batch-sizes", "50,300",
                "--shards", "1,2", "--json");

        assertThat(result.exit()).as(result.err()).isZero();
        List<JsonNode> rows = new ArrayList<>();
        for (String line : result.out().split("\n")) {
            rows.add(Jsons.strictMapper().readTree(line));
        }
        assertThat(rows).extracting(r -> r.get("system").asText() + ": " + r.get("metric").asText())
                .containsExactly("per-record idempotency: write units per 1,000 records",
                        "eddy: write units per 1,000 records, 1 shard(s), batch size 50",
                        "eddy: read units per 1,000 records, 1 shard(s), batch size 50",
                        "per-record/eddy: write units, 1 shard(s), batch size 50",
                        "eddy: write units per 1,000 records, 1 shard(s), batch size 300",
                        "eddy: read units per 1,000 records, 1 shard(s), batch size 300",
                        "per-record/eddy: write units, 1 shard(s), batch size 300",
                        "eddy: write units per 1,000 records, 2 shard(s), batch size 50",
                        "eddy: read units per 1,000 records, 2 shard(s), batch size 50",
                        "per-record/eddy: write units, 2 shard(s), batch size 50",
                        "eddy: write units per 1,000 records, 2 shard(s), batch size 300",
                        "eddy: read units per 1,000 records, 2 shard(s), batch size 300",
                        "per-record/eddy: write units, 2 shard(s), batch size 300");
        assertThat(rows).allSatisfy(r -> assertThat(r.get("value").asDouble()).isPositive());
        // the baseline writes twice per record, one unit each for these small items
        assertThat(rows.get(0).get("value").asDouble()).isEqualTo(2000.0);
        // Eddy writes per touched key and batch: fewer write units with larger batches, and fewer than the baseline
        assertThat(rows.get(4).get("value").asDouble()).isLessThan(rows.get(1).get("value").asDouble());
        assertThat(rows.get(3).get("value").asDouble()).isGreaterThan(1.0);
    }

    @Test
    void shardsFollowKinesisRoutingOfPartitionKeys() {
        // equal hash key ranges: the first and last sixteenth of the MD5 space
        assertThat(StateBench.shardOf("LAX", 1)).isZero();
        for (String origin : List.of("LAX", "SFO", "ORD", "ATL", "DFW")) {
            int of16 = StateBench.shardOf(origin, 16);
            assertThat(of16).isBetween(0, 15);
            assertThat(StateBench.shardOf(origin, 4)).isEqualTo(of16 / 4);
        }
    }
}

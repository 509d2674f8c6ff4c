package dev.eddy.emulator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.emulator.console.Captured;
import dev.eddy.emulator.embedded.NodeModules;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code ./eddy bench cpu}, {@code e2e} and {@code soak} run on small inputs and report rows of the documented shape;
 * the figures themselves are not asserted (benchmarks are commands, not tests), only what the commands control: the
 * soak's producer keeps its schedule, and at a rate far below the function's the lag holds.
 */
class BenchCommandTest {

    private static final String FLIGHTS_2K =
            NodeModules.find("vega-datasets").resolve("data/flights-2k.json").toString();

    @Test
    void cpuRunsEddysPathsAndTheFlinkJobInJvmsOfTheirOwn() throws Exception {
        Captured result = BenchCli.run("cpu", "--input", FLIGHTS_2K, "--records", "20000", "--quick",
                "--json");

        assertThat(result.exit()).as(result.err()).isZero();
        List<JsonNode> rows = rows(result);
        assertThat(rows).extracting(r -> r.get("system").asText()).containsExactly("eddy", "eddy", "eddy", "eddy",
                "flink 1.20.1", "flink 1.20.1", "flink 1.20.1", "eddy/flink", "eddy/flink");
        assertThat(rows).extracting(r -> r.get("unit").asText()).containsExactly("records/s", "B/record",
                "records/s", "B/record", "records/s", "records/s", "ms", "ratio", "ratio");
        assertThat(rows.get(0).get("metric").asText()).startsWith("decode, key, window, pre-aggregate");
        assertThat(rows.get(2).get("metric").asText()).startsWith("decode to emitted results");
        assertThat(rows).allSatisfy(r -> assertThat(r.get("value").asDouble()).isPositive());
    }

    @Test
    void endToEndMeasuresThroughputAndLatencyPerShardCount() throws Exception {
        Captured result = BenchCli.run("e2e", "--input", FLIGHTS_2K, "--shards", "1,2",
                "--latency-seconds", "1", "--json");

        assertThat(result.exit()).as(result.err()).isZero();
        List<JsonNode> rows = rows(result);
        assertThat(rows).extracting(r -> r.get("metric").asText()).containsExactly(
                "records/s, 1 shard(s), backlog of 2,000", "of which in the function, per 1,000 records, 1 shard(s)",
                "put-to-emit p50, 1 shard(s) at 500 records/s",
                "put-to-emit p99, 1 shard(s) at 500 records/s", "records/s, 2 shard(s), backlog of 2,000",
                "of which in the function, per 1,000 records, 2 shard(s)", "put-to-emit p50, 2 shard(s) at 1,000 records/s", "put-to-emit p99, 2 shard(s) at 1,000 records/s");
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.get("benchmark").asText()).isEqualTo("end-to-end");
            assertThat(r.get("value").asDouble()).isPositive();
        });
        assertThat(rows.get(2).get("value").asDouble()).isLessThanOrEqualTo(rows.get(3).get("value").asDouble());
    }

    @Test
    void soakPutsAtTheAskedRateAndReportsIteratorAgeLatencyAndAVerdict() throws Exception {
        // 15 s at 50 records/s on one shard: far below what the function handles, so the lag holds
        Captured result = BenchCli.run("soak", "--input", FLIGHTS_2K, "--rate", "50", "--shards", "1",
                "--minutes", "0.25", "--json");

        assertThat(result.exit()).as(result.err()).isZero();
        List<JsonNode> rows = rows(result);
        String at = ", 1 shard(s) at 50 records/s per shard";
        assertThat(rows).extracting(r -> r.get("metric").asText()).containsExactly(
                "iterator age p50, 0:00-0:10" + at, "iterator age max, 0:00-0:10" + at,
                "iterator age p50, 0:10-0:15" + at, "iterator age max, 0:10-0:15" + at,
                "iterator age p50, first third (0:00-0:05)" + at, "iterator age max, first third (0:00-0:05)" + at,
                "iterator age p50, last third (0:10-0:15)" + at, "iterator age max, last third (0:10-0:15)" + at,
                "put-to-emit p50" + at, "put-to-emit p99" + at,
                "records/s per shard produced (the fewest of the shards), asked 50",
                "producer's largest delay behind its schedule",
                "held: iterator age p50, last third minus first third (grew above 1,000 ms)" + at);
        assertThat(rows).allSatisfy(r -> assertThat(r.get("benchmark").asText()).isEqualTo("soak"));
        assertThat(rows.subList(0, 10)).allSatisfy(r -> {
            assertThat(r.get("unit").asText()).isEqualTo("ms");
            assertThat(r.get("value").asDouble()).isNotNegative();
        });
        assertThat(rows.get(10).get("value").asDouble()).as("produced records/s per shard").isCloseTo(50.0,
                org.assertj.core.data.Offset.offset(2.5));
        assertThat(rows.get(8).get("value").asDouble()).as("p50 <= p99")
                .isLessThanOrEqualTo(rows.get(9).get("value").asDouble());
        assertThat(result.err()).contains("[bench] soak 0:00-0:10  iterator age p50 ")
                .contains("[bench] soak: held: iterator age p50 ");
    }

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = new long[200];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = i + 1;
        }
        assertThat(Percentiles.nearestRank(sorted, 0.50)).isEqualTo(100);
        assertThat(Percentiles.nearestRank(sorted, 0.99)).isEqualTo(198);
        assertThat(Percentiles.nearestRank(new long[] {7}, 0.99)).isEqualTo(7);
    }

    /** @return the JSON rows, each checked to have exactly the five documented fields */
    private static List<JsonNode> rows(Captured result) {
        List<JsonNode> rows = result.json();
        assertThat(rows).allSatisfy(row -> assertThat(row.properties()).extracting(java.util.Map.Entry::getKey)
                .containsExactly("benchmark", "system", "metric", "value", "unit"));
        return rows;
    }
}

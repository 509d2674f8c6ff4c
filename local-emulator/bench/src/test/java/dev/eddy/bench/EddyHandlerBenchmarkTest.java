package dev.eddy.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.functions.flightdelays.DelayStats;
import dev.eddy.functions.flightdelays.FlightDelays;
import dev.eddy.functions.flightdelays.ReplayedFlights;
import dev.eddy.functions.flightdelays.FlightDelays.Flight;
import dev.eddy.internal.BatchProcessor;
import dev.eddy.sink.MemorySinkFactory;
import dev.eddy.sink.SinkRecord;
import dev.eddy.fixtures.MemoryStateBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The benchmark does the real work: on its {@code whole} path the windows it emits are exactly the daily stats of
 * every airport, computed directly from the input; on its {@code pre-aggregate} path the same state is built and
 * nothing is emitted. (The replicated input itself: {@code ReplayedFlightsTest} in the functions module.)
 */
class EddyHandlerBenchmarkTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STATS = "firehose:flight-delay-stats";

    /** Runs the benchmark's pipeline over the records in batches of 1,000, then drains the shard. */
    private static MemoryStateBackend run(String path, List<byte[]> records, MemorySinkFactory sinks) {
        MemoryStateBackend state = EddyHandlerBenchmark.state(path);
        try (BatchProcessor processor = new BatchProcessor(new FlightDelays().define(), state, sinks)) {
            for (KinesisEvent batch : Batches.of(records, 1_000, 0)) {
                assertThat(processor.process(batch).getBatchItemFailures()).isEmpty();
            }
            processor.drain(Batches.SHARD);
        }
        assertThat(sinks.delivered(MemorySinkFactory.FAILURES)).as("no record of the flights may fail").isEmpty();
        return state;
    }

    @Test
    void theWholePathEmitsTheDirectlyComputedDailyStatsOfEveryAirportOnce() throws Exception {
        List<byte[]> records = ReplayedFlights.replicated(flights("flights-2k.json"), 6_000);
        MemorySinkFactory sinks = new MemorySinkFactory();
        run("whole", records, sinks);
        List<SinkRecord> stats = sinks.delivered(STATS);
        List<SinkRecord> late = sinks.delivered(MemorySinkFactory.LATE);

        Map<String, DelayStats> expected = new HashMap<>();
        for (byte[] record : records) {
            Flight flight = JSON.readValue(record, Flight.class);
            expected.merge(flight.origin() + "@" + flight.date().substring(0, 10), DelayStats.EMPTY.add(flight),
                    DelayStats::merge);
        }
        assertThat(late).as("no flight is late: every one is in its day's stats").isEmpty();
        Map<String, JsonNode> emitted = new HashMap<>();
        for (SinkRecord result : stats) {
            JsonNode stat = JSON.readTree(result.payload());
            String day = stat.get("windowStart").asText().substring(0, 10).replace('-', '/');
            assertThat(emitted.put(stat.get("origin").asText() + "@" + day, stat)).as("one result per day: %s", stat)
                    .isNull();
        }
        assertThat(emitted.keySet()).isEqualTo(expected.keySet());
        emitted.forEach((day, stat) -> {
            DelayStats want = expected.get(day);
            assertThat(stat.get("flights").asLong()).as(stat.toString()).isEqualTo(want.flights());
            assertThat(stat.get("maxDelayMinutes").asInt()).as(stat.toString()).isEqualTo(want.maxDelayMinutes());
        });
    }

    @Test
    void thePreAggregatePathBuildsTheSameStateAndEmitsNothing() throws Exception {
        List<byte[]> records = ReplayedFlights.replicated(flights("flights-2k.json"), 3_000);
        MemorySinkFactory sinks = new MemorySinkFactory();
        MemoryStateBackend state = run("pre-aggregate", records, sinks);

        assertThat(sinks.delivered(STATS)).isEmpty();
        List<String> origins = new ArrayList<>();
        for (byte[] record : records) {
            origins.add(JSON.readValue(record, Flight.class).origin());
        }
        assertThat(state.keys()).containsExactlyInAnyOrderElementsOf(origins.stream().distinct().toList());
        assertThat(state.checkpoint(Batches.SHARD).totals().windowsFired()).as("firings made, not emitted").isZero();
        assertThatThrownBy(() -> EddyHandlerBenchmark.state("all")).hasMessageContaining("'all'");
    }

    /** @return a vega-datasets file from the checkout's node_modules */
    static Path flights(String name) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve("node_modules/vega-datasets/data").resolve(name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new IllegalStateException("no node_modules/vega-datasets here or above: run npm ci");
    }
}

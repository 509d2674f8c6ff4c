package dev.eddy.functions.flightdelays;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.functions.flightdelays.FlightDelays.Flight;
import dev.eddy.internal.Jsons;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.Windowed;
import dev.eddy.sink.Firehose;
import dev.eddy.sink.Sns;
import dev.eddy.window.TumblingWindows;
import dev.eddy.window.Window;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlightDelaysTest {

    private static Flight flight(String date, int delay) {
        return new Flight(date, delay, 500, "DTW", "LAS");
    }

    private static DelayStats fold(List<Flight> flights) {
        DelayStats stats = DelayStats.AGGREGATOR.createAccumulator();
        for (Flight f : flights) {
            stats = DelayStats.AGGREGATOR.add(stats, f);
        }
        return stats;
    }

    @Test
    void definitionNamesWhatTheIssueAsksFor() {
        Pipeline pipeline = new FlightDelays().define();

        assertThat(pipeline.name()).isEqualTo("flight-delays");
        assertThat(pipeline.source().streamName()).isEqualTo("flights");
        assertThat(pipeline.outOfOrderness()).isEqualTo(Duration.ofMinutes(10));
        assertThat(pipeline.windows()).isEqualTo(TumblingWindows.of(Duration.ofDays(1)));
        assertThat(pipeline.sinks()).containsExactly(Firehose.deliveryStream("flight-delay-stats"),
                Sns.topic("flight-delay-alerts"));
    }

    @Test
    void partitionKeyIsTheOriginAirport() {
        byte[] record = "{\"date\":\"2001/01/01 00:47\",\"delay\":66,\"distance\":1750,\"origin\":\"DTW\",\"destination\":\"LAS\"}"
                .getBytes(StandardCharsets.UTF_8);

        assertThat(new FlightDelays().define().plan().keyOf(record)).contains("DTW");
        assertThat(new FlightDelays().define().plan().keyOf("{}".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void statsCountDelaysAndOnTimeFlights() {
        DelayStats stats = fold(List.of(flight("2001/01/01 00:47", 66), flight("2001/01/01 09:10", -5),
                flight("2001/01/01 12:00", 15), flight("2001/01/01 13:00", 16)));

        assertThat(stats).isEqualTo(new DelayStats(4, 66 - 5 + 15 + 16, 66, 2));
    }

    @Test
    void mergingPartialStatsEqualsFoldingAllFlights() {
        List<Flight> flights = List.of(flight("a", 3), flight("b", 40), flight("c", -7), flight("d", 100),
                flight("e", 0));
        for (int split = 0; split <= flights.size(); split++) {
            DelayStats merged = DelayStats.AGGREGATOR.merge(fold(flights.subList(0, split)),
                    fold(flights.subList(split, flights.size())));
            assertThat(merged).as("split at %d", split).isEqualTo(fold(flights));
        }
    }

    @Test
    void resultHasTheDocumentedJsonFields() throws Exception {
        Window day = new Window(Instant.parse("2001-01-01T00:00:00Z").toEpochMilli(),
                Instant.parse("2001-01-02T00:00:00Z").toEpochMilli());
        FlightDelayStats stats = FlightDelayStats.of(new Windowed<>("DTW", day,
                fold(List.of(flight("x", 66), flight("y", -5))), 0, "id-1"));

        JsonNode json = Jsons.strictMapper().readTree(Jsons.strictMapper().writeValueAsBytes(stats));

        assertThat(json.fieldNames()).toIterable().containsExactly("id", "origin", "windowStart", "windowEnd",
                "flights", "avgDelayMinutes", "maxDelayMinutes", "onTimeRatio", "firing");
        assertThat(json.get("windowStart").asText()).isEqualTo("2001-01-01T00:00:00Z");
        assertThat(json.get("windowEnd").asText()).isEqualTo("2001-01-02T00:00:00Z");
        assertThat(json.get("avgDelayMinutes").asDouble()).isEqualTo(30.5);
        assertThat(json.get("onTimeRatio").asDouble()).isEqualTo(0.5);
    }

    @Test
    void alertNeedsTenFlightsAndThirtyMinutesAverage() {
        Window day = new Window(0, Duration.ofDays(1).toMillis());
        FlightDelayStats tenAtThirty = FlightDelayStats.of(new Windowed<>("DTW", day,
                new DelayStats(10, 300, 60, 0), 0, "a"));
        FlightDelayStats nineAtForty = FlightDelayStats.of(new Windowed<>("DTW", day,
                new DelayStats(9, 360, 60, 0), 0, "b"));
        FlightDelayStats tenJustUnder = FlightDelayStats.of(new Windowed<>("DTW", day,
                new DelayStats(10, 299, 60, 0), 0, "c"));

        assertThat(tenAtThirty.isAlert()).isTrue();
        assertThat(nineAtForty.isAlert()).isFalse();
        assertThat(tenJustUnder.isAlert()).isFalse();
    }
}

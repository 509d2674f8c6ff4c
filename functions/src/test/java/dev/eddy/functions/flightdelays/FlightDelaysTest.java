package dev.eddy.functions.flightdelays;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.functions.flightdelays.FlightDelays.Flight;
import dev.eddy.codec.internal.Jsons;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.Windowed;
import dev.eddy.sink.Firehose;
import dev.eddy.sink.Sns;
import dev.eddy.testing.EddyTestDriver;
import dev.eddy.window.TumblingWindows;
import dev.eddy.window.Window;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class FlightDelaysTest {

    private static Flight flight(String date, int delay) {
        return flight("DTW", date, delay);
    }

    private static Flight flight(String origin, String date, int delay) {
        return new Flight(date, delay, 500, origin, "LAS");
    }

    /** Puts a flight with its origin as partition key, as producers must. */
    private static void put(EddyTestDriver driver, Flight flight) {
        driver.put(flight.origin(), flight);
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

        assertThat(new FlightDelays().define().keyOf(record)).contains("DTW");
        assertThat(new FlightDelays().define().keyOf("{}".getBytes(StandardCharsets.UTF_8))).isEmpty();
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

    // ------------------------------------------------------------ the pipeline, run by EddyTestDriver

    @Test
    void twoFlightsOfAnAirportOnOneDayAreOneResult() {
        try (var driver = EddyTestDriver.of(new FlightDelays())) {
            put(driver, flight("2001/01/01 00:47", 66));
            put(driver, flight("2001/01/01 09:10", -5));
            driver.drain();

            assertThat(driver.output("flight-delay-stats", FlightDelayStats.class)).singleElement()
                    .satisfies(day -> {
                        assertThat(day.origin()).isEqualTo("DTW");
                        assertThat(day.windowStart()).isEqualTo(Instant.parse("2001-01-01T00:00:00Z"));
                        assertThat(day.windowEnd()).isEqualTo(Instant.parse("2001-01-02T00:00:00Z"));
                        assertThat(day.flights()).isEqualTo(2);
                        assertThat(day.avgDelayMinutes()).isEqualTo(30.5);
                        assertThat(day.maxDelayMinutes()).isEqualTo(66);
                        assertThat(day.onTimeRatio()).isEqualTo(0.5);
                        assertThat(day.firing()).isZero();
                    });
            assertThat(driver.output("flight-delay-alerts")).as("two flights are no alert").isEmpty();
        }
    }

    @Test
    void aFlightTenMinutesIntoTheNextDayFiresTheDayBefore() {
        try (var driver = EddyTestDriver.of(new FlightDelays())) {
            put(driver, flight("2001/01/01 00:47", 66));
            put(driver, flight("2001/01/01 23:55", 10));
            put(driver, flight("2001/01/02 00:09", 0)); // 10 minutes out of order allowed: the day stays open
            driver.flush();
            assertThat(driver.output("flight-delay-stats")).isEmpty();

            put(driver, flight("2001/01/02 00:10", 0)); // watermark 2001-01-01T23:59:59.999: the day is complete
            driver.flush();
            assertThat(driver.output("flight-delay-stats", FlightDelayStats.class)).singleElement()
                    .satisfies(day -> {
                        assertThat(day.windowStart()).isEqualTo(Instant.parse("2001-01-01T00:00:00Z"));
                        assertThat(day.flights()).isEqualTo(2);
                    });

            put(driver, flight("2001/01/01 23:59", 500)); // the day has fired: late, reported, not counted
            driver.drain();
            assertThat(driver.output("flight-delay-stats", FlightDelayStats.class))
                    .extracting(FlightDelayStats::flights).containsExactly(2L, 2L);
            assertThat(driver.lateData()).singleElement()
                    .satisfies(late -> assertThat(late.get("element").get("delay").asInt()).isEqualTo(500));
        }
    }

    @Test
    void alertsGoOnlyToDaysWithTenFlightsAndAnAverageDelayOfThirtyMinutes() {
        try (var driver = EddyTestDriver.of(new FlightDelays())) {
            for (int i = 0; i < 10; i++) {
                put(driver, flight("ATL", "2001/01/03 0" + i + ":00", i % 2 == 0 ? 0 : 60));  // 10 at 30.0
                put(driver, flight("DEN", "2001/01/03 0" + i + ":00", i == 0 ? 11 : 32));     // 10 at 29.9
                if (i < 9) {
                    put(driver, flight("ORD", "2001/01/03 0" + i + ":00", 40));               // 9 at 40.0
                }
            }
            driver.drain();

            assertThat(driver.output("flight-delay-stats", FlightDelayStats.class))
                    .extracting(FlightDelayStats::origin).containsExactlyInAnyOrder("ATL", "DEN", "ORD");
            assertThat(driver.output("flight-delay-alerts", FlightDelayStats.class)).singleElement()
                    .satisfies(alert -> {
                        assertThat(alert.origin()).isEqualTo("ATL");
                        assertThat(alert.flights()).isEqualTo(10);
                        assertThat(alert.avgDelayMinutes()).isEqualTo(30.0);
                    });
        }
    }

    @Test
    void aDuplicatedBatchCountsEachFlightOnce() {
        try (var driver = EddyTestDriver.of(new FlightDelays())) {
            put(driver, flight("2001/01/01 00:47", 66));
            put(driver, flight("2001/01/01 09:10", -5));
            driver.duplicateNextBatch(); // Lambda may invoke a batch twice
            driver.drain();

            assertThat(driver.output("flight-delay-stats", FlightDelayStats.class)).singleElement()
                    .extracting(FlightDelayStats::flights).isEqualTo(2L);
            assertThat(driver.metrics().replaysSkipped()).isEqualTo(2);
        }
    }

    @Test
    void aRecordThatIsNotAFlightGoesToTheFailureDestinationAndTheShardGoesOn() {
        try (var driver = EddyTestDriver.of(new FlightDelays())) {
            driver.put("DTW", "{\"date\": \"2001/01/01 00:47\", \"origin\": \"DTW\"}");
            put(driver, flight("2001/01/01 09:10", -5));
            driver.drain();

            assertThat(driver.failures()).singleElement().satisfies(failure -> {
                assertThat(failure.get("type").asText()).isEqualTo("poison");
                assertThat(failure.get("partitionKey").asText()).isEqualTo("DTW");
                assertThat(failure.get("errorMessage").asText()).startsWith("not a Flight");
            });
            assertThat(driver.output("flight-delay-stats", FlightDelayStats.class)).singleElement()
                    .extracting(FlightDelayStats::flights).isEqualTo(1L);
        }
    }
}

package ${package};

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import ${package}.${pipelineClass}.Flight;
import ${package}.${pipelineClass}.RouteDay;
import dev.eddy.testing.EddyTestDriver;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The pipeline in memory, with EddyTestDriver: fast, no emulator, every window and retry rule of the real thing. */
class ${pipelineClass}Test {

    private static final String OUTPUT = "${pipeline}-per-day";

    private static Flight flight(String route, String date, int delay) {
        String[] airports = route.split("-");
        return new Flight(date, delay, 480, airports[0], airports[1]);
    }

    /** Puts a flight with its route as partition key, as a producer must. */
    private static void put(EddyTestDriver driver, Flight flight) {
        driver.put(flight.route(), flight);
    }

    @Test
    void countsEachRoutesFlightsAndLateFlightsPerDay() {
        try (var driver = EddyTestDriver.of(new ${pipelineClass}())) {
            put(driver, flight("SAN-SMF", "2001/01/14 06:10", -3));
            put(driver, flight("SAN-SMF", "2001/01/14 21:55", 42));
            put(driver, flight("SMF-SAN", "2001/01/14 09:30", 16));
            put(driver, flight("SAN-SMF", "2001/01/15 07:00", 0));
            driver.drain(); // end of input: every window fires

            assertThat(driver.output(OUTPUT, RouteDay.class))
                    .extracting(RouteDay::route, RouteDay::day, RouteDay::flights, RouteDay::late)
                    .containsExactlyInAnyOrder(
                            tuple("SAN-SMF", Instant.parse("2001-01-14T00:00:00Z"), 2L, 1L),
                            tuple("SMF-SAN", Instant.parse("2001-01-14T00:00:00Z"), 1L, 1L),
                            tuple("SAN-SMF", Instant.parse("2001-01-15T00:00:00Z"), 1L, 0L));
        }
    }

    @Test
    void aDayFiresOnceTheWatermarkPassesItsEnd() {
        try (var driver = EddyTestDriver.of(new ${pipelineClass}())) {
            put(driver, flight("SAN-SMF", "2001/01/14 21:55", 5));
            driver.flush();
            assertThat(driver.output(OUTPUT)).as("the day is still open").isEmpty();

            // 10 minutes past midnight plus the 10 minutes of out-of-orderness: the watermark passes the day's end
            put(driver, flight("SAN-SMF", "2001/01/15 00:11", 5));
            driver.flush();
            assertThat(driver.output(OUTPUT, RouteDay.class)).singleElement()
                    .satisfies(day -> assertThat(day.flights()).isEqualTo(1));
        }
    }

    @Test
    void aRetriedBatchCountsNothingTwice() {
        try (var driver = EddyTestDriver.of(new ${pipelineClass}())) {
            driver.duplicateNextBatch(); // Lambda may deliver a batch again: results and state stay exactly-once
            put(driver, flight("SAN-SMF", "2001/01/14 06:10", 0));
            put(driver, flight("SAN-SMF", "2001/01/14 07:10", 0));
            driver.drain();

            assertThat(driver.output(OUTPUT, RouteDay.class)).singleElement()
                    .satisfies(day -> assertThat(day.flights()).isEqualTo(2));
        }
    }

    @Test
    void aRecordThatIsNotAFlightGoesToTheFailureDestination() {
        try (var driver = EddyTestDriver.of(new ${pipelineClass}())) {
            driver.put("SAN-SMF", "{\"date\": \"yesterday\"}");
            driver.drain();

            assertThat(driver.output(OUTPUT)).isEmpty();
            assertThat(driver.failures()).singleElement().satisfies(failure -> {
                assertThat(failure.get("type").asText()).isEqualTo("poison");
                assertThat(failure.get("errorMessage").asText()).isNotBlank();
            });
        }
    }
}

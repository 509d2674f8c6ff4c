package dev.eddy.functions.flightdelays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.codec.internal.Jsons;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayedFlightsTest {

    private static final List<byte[]> FLIGHTS = List.of(
            flight("2001/01/01 00:47", 66, "DTW"),
            flight("2001/01/02 23:59", -5, "LAS"),
            flight("2001/01/03 06:02", 4, "SAN"));

    private static byte[] flight(String date, int delay, String origin) {
        return ("{\"date\":\"" + date + "\",\"delay\":" + delay + ",\"distance\":480,\"origin\":\"" + origin
                + "\",\"destination\":\"SMF\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static JsonNode json(byte[] record) throws Exception {
        return Jsons.strictMapper().readTree(record);
    }

    @Test
    void eachCopyKeepsTheFlightsAndMovesTheirDatesForwardByTheSpanInWholeDays() throws Exception {
        LongFunction<byte[]> cycle = ReplayedFlights.cycle(FLIGHTS);

        assertThat(json(cycle.apply(0))).isEqualTo(json(FLIGHTS.get(0)));
        assertThat(json(cycle.apply(2))).isEqualTo(json(FLIGHTS.get(2)));
        // the span is 3 days (1st to 3rd, inclusive): copy 1 starts on the 4th, after the last flight
        JsonNode copy = json(cycle.apply(3));
        assertThat(copy.get("date").asText()).isEqualTo("2001/01/04 00:47");
        assertThat(copy.get("origin").asText()).isEqualTo("DTW");
        assertThat(copy.get("delay").asInt()).isEqualTo(66);
        assertThat(json(cycle.apply(3L * 1_000 + 1)).get("date").asText()).isEqualTo("2009/03/21 23:59");
    }

    @Test
    void replicatedIsTheCycleOfTheFilesFlights(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("flights.json");
        Files.writeString(file, "[" + String.join(",", FLIGHTS.stream()
                .map(f -> new String(f, StandardCharsets.UTF_8)).toList()) + "]");

        List<byte[]> records = ReplayedFlights.replicated(file, 7);

        assertThat(records).hasSize(7);
        LongFunction<byte[]> cycle = ReplayedFlights.cycle(FLIGHTS);
        for (int i = 0; i < records.size(); i++) {
            assertThat(json(records.get(i))).isEqualTo(json(cycle.apply(i)));
        }
    }

    @Test
    void aFlightWithoutADateIsRefusedByIndexWithTheShapeWanted() {
        List<byte[]> flights = List.of(FLIGHTS.get(0), "{\"origin\":\"DTW\"}".getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> ReplayedFlights.cycle(flights))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("flight 1 has date null")
                .hasMessageContaining("yyyy/MM/dd HH:mm");
        assertThatThrownBy(() -> ReplayedFlights.cycle(List.of()))
                .hasMessageContaining("no flights to replay");
    }
}

package ${package};

import static org.assertj.core.api.Assertions.assertThat;

import ${package}.${pipelineClass}.Flight;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.emulator.junit.LocalAws;
import dev.eddy.emulator.junit.LocalAwsExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The handler as Lambda runs it: sample/flights.jsonl through a Kinesis emulator (kinesalite), Lambda's event
 * source mapping and DynamoDB Local, all started by the extension. The results must be what a direct count over the
 * file gives, and the line that is not a flight must reach the failure destination.
 */
@ExtendWith(LocalAwsExtension.class)
class ${pipelineClass}IntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theSampleGivesEachRoutesDailyCountsAndLosesNothing(LocalAws aws) throws IOException {
        List<String> lines = Files.readAllLines(Path.of("sample", "flights.jsonl"));
        Map<String, long[]> expected = new TreeMap<>();
        int notFlights = 0;
        for (String line : lines) {
            Flight flight;
            try {
                flight = JSON.readValue(line, Flight.class);
            } catch (IOException notAFlight) {
                notFlights++;
                continue;
            }
            long[] counts = expected.computeIfAbsent(flight.route() + " " + flight.date().substring(0, 10)
                    .replace('/', '-'), k -> new long[2]);
            counts[0]++;
            counts[1] += flight.delay() > ${pipelineClass}.LATE_AFTER_MINUTES ? 1 : 0;
        }

        LocalAws.Run run = aws.run(${pipelineClass}Handler::new, lines);

        Map<String, long[]> results = new TreeMap<>();
        for (JsonNode day : run.output("${pipeline}-per-day")) {
            String key = day.get("route").asText() + " " + day.get("day").asText().substring(0, 10);
            assertThat(results.put(key, new long[] {day.get("flights").asLong(), day.get("late").asLong()}))
                    .as("one result per route and day: %s", key).isNull();
        }
        assertThat(results).hasSameSizeAs(expected);
        expected.forEach((key, counts) -> assertThat(results.get(key)).as(key).containsExactly(counts));
        assertThat(run.failures()).hasSize(notFlights);
        assertThat(run.metrics().records()).isEqualTo(lines.size());
    }
}

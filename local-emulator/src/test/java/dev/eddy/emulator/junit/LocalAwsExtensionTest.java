package dev.eddy.emulator.junit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.emulator.embedded.NodeModules;
import dev.eddy.emulator.esm.Invocation;
import dev.eddy.functions.flightdelays.FlightDelaysHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The extension a user's integration test starts the real emulators with, used as a user would. */
@ExtendWith(LocalAwsExtension.class)
class LocalAwsExtensionTest {

    @Test
    void aHandlerReplaysValuesThroughTheEmulatorsAsLambdaWouldRunIt(LocalAws aws) throws Exception {
        List<JsonNode> flights = new ArrayList<>();
        new ObjectMapper().readTree(NodeModules.find("vega-datasets").resolve("data/flights-2k.json").toFile())
                .forEach(flights::add);
        Set<String> pairs = new TreeSet<>();
        for (JsonNode flight : flights) {
            pairs.add(flight.get("origin").asText() + " " + flight.get("date").asText().substring(0, 10)
                    .replace('/', '-'));
        }
        List<Object> values = new ArrayList<>(flights);
        values.add("not a flight");

        LocalAws.Run run = aws.run(FlightDelaysHandler::new, values);

        Set<String> results = new TreeSet<>();
        for (JsonNode stats : run.output("flight-delay-stats")) {
            results.add(stats.get("origin").asText() + " " + stats.get("windowStart").asText().substring(0, 10));
        }
        assertThat(results).isEqualTo(pairs);
        assertThat(run.output("flight-delay-stats")).hasSize(pairs.size());
        assertThat(run.failures()).singleElement().satisfies(f -> assertThat(f.get("type").asText())
                .isEqualTo("poison"));
        assertThat(run.invocations()).isNotEmpty().allSatisfy(i -> assertThat(i.outcome())
                .isEqualTo(Invocation.Outcome.SUCCESS));
        assertThat(run.metrics().records()).isEqualTo(values.size());
    }

    @Test
    void theEmulatorsAreSharedByEveryTestOfTheRun(LocalAws aws) {
        assertThat(aws.kinesis().listStreams().streamNames()).isNotNull();
        assertThat(aws.dynamoDbEndpoint().getHost()).isIn("127.0.0.1", "localhost");
    }
}

package dev.eddy.functions.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.emulator.cli.EddyCli;
import dev.eddy.emulator.deploy.DeployReport;
import dev.eddy.emulator.deploy.Endpoints;
import dev.eddy.emulator.embedded.FreePorts;
import dev.eddy.emulator.embedded.LocalAwsEndpoint;
import dev.eddy.emulator.embedded.NodeModules;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;

/**
 * {@code eddy deploy --local}: every example stack deployed to moto's server with the real {@code cdk} CLI (the one
 * package.json pins), what moto made of each resource type, and a run of flight-delays against the deployed stream,
 * table, delivery stream, topic and failure queue, its results read back from moto's S3, an SQS queue subscribed to
 * the topic, and the failure queue.
 */
class DeployRehearsalTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Surefire runs in the module folder, where cdk.json is. */
    private static final Path APP = Path.of("").toAbsolutePath();
    private static final int PORT = FreePorts.next();

    @BeforeAll
    static void deployEveryExampleStack() {
        assertThat(EddyCli.execute("deploy", "--local", "--port", Integer.toString(PORT), "--app", APP.toString()))
                .as("eddy deploy --local exit code (cdk's output is in cdk.out/eddy-*.log)").isZero();
    }

    @AfterAll
    static void stopMoto() {
        LocalAwsEndpoint.stop(PORT);
    }

    @Test
    void motoCreatesEveryResourceOfEveryExampleStackButAlarmsAndResourcePolicies() throws Exception {
        try (CloudFormationClient cloudFormation = Endpoints.cloudFormation(LocalAwsEndpoint.uri(PORT))) {
            for (String stack : CdkCliSynthTest.STACKS.keySet()) {
                DeployReport report = DeployReport.of(cloudFormation, stack,
                        APP.resolve("cdk.out").resolve(stack + ".template.json"));
                report.print(System.out);
                assertThat(report.rows()).as(stack).isNotEmpty().allSatisfy(row -> {
                    boolean policyOrAlarm = row.type().endsWith("Policy") && !row.type().startsWith("AWS::IAM")
                            || row.type().equals("AWS::CloudWatch::Alarm");
                    assertThat(row.created()).as("%s %s: %s", stack, row.type(), row.note())
                            .isEqualTo(policyOrAlarm ? 0 : row.inTemplate());
                });
                assertThat(report.rows()).as(stack).extracting(DeployReport.Row::type)
                        .contains("AWS::Kinesis::Stream", "AWS::DynamoDB::Table", "AWS::Lambda::Function",
                                "AWS::Lambda::EventSourceMapping", "AWS::SQS::Queue");
                assertThat(report.runnable()).isTrue();
            }
        }
    }

    @Test
    void flightDelaysRunsAgainstTheDeployedResourcesAndReadsEveryResultBack(@TempDir Path dir) throws Exception {
        List<String> lines = new ArrayList<>();
        // first an airport with a bad day before the real flights' first, so that the alert topic has something to
        // say; then the real flights, and a record that is no flight
        for (int i = 0; i < 12; i++) {
            lines.add(JSON.writeValueAsString(Map.of("date", "2000/12/31 " + (10 + i) + ":00", "delay", 45 + i,
                    "distance", 300, "origin", "ZZZ", "destination", "LAS")));
        }
        JSON.readTree(NodeModules.find("vega-datasets").resolve("data/flights-2k.json").toFile())
                .forEach(flight -> lines.add(flight.toString()));
        lines.add("{\"date\": \"never\"}");
        Path input = dir.resolve("flights.jsonl");
        Files.write(input, lines);
        Map<String, List<Integer>> expected = new TreeMap<>();
        for (String line : lines) {
            JsonNode flight = JSON.readTree(line);
            if (flight.has("origin")) {
                expected.computeIfAbsent(flight.get("origin").asText() + " " + flight.get("date").asText()
                        .substring(0, 10).replace('/', '-'), k -> new ArrayList<>()).add(flight.get("delay").asInt());
            }
        }
        Path out = dir.resolve("out");

        int exit = EddyCli.execute("run", "flight-delays", "--endpoint", LocalAwsEndpoint.uri(PORT).toString(),
                "--input", input.toString(), "--out", out.toString(), "--print", "0", "--quiet");

        assertThat(exit).isZero();
        Map<String, JsonNode> stats = new HashMap<>();
        for (String line : Files.readAllLines(out.resolve("firehose/flight-delay-stats.jsonl"))) {
            JsonNode stat = JSON.readTree(line);
            assertThat(stats.put(stat.get("origin").asText() + " " + stat.get("windowStart").asText()
                    .substring(0, 10), stat)).as("one result per origin and day: %s", line).isNull();
        }
        assertThat(stats.keySet()).as("read back from the deployed delivery stream's bucket")
                .isEqualTo(expected.keySet());
        expected.forEach((day, delays) -> assertThat(stats.get(day).get("flights").asInt()).as(day)
                .isEqualTo(delays.size()));
        List<String> alerts = Files.readAllLines(out.resolve("sns/flight-delay-alerts.jsonl"));
        long expectedAlerts = expected.values().stream().filter(d -> d.size() >= 10
                && d.stream().mapToInt(Integer::intValue).average().orElseThrow() >= 30).count();
        assertThat(alerts).as("read back from a queue subscribed to the deployed topic").hasSize((int) expectedAlerts)
                .anySatisfy(a -> assertThat(JSON.readTree(a).get("origin").asText()).isEqualTo("ZZZ"));
        assertThat(Files.readAllLines(out.resolve("failed/flight-delays.jsonl")))
                .as("read back from the deployed failure queue, where late data would go too").singleElement()
                .satisfies(f -> assertThat(JSON.readTree(f).get("type").asText()).isEqualTo("poison"));
    }

    /** LocalStack's own workflow, when a LocalStack answers on localhost:4566 (it needs Docker; none here has it). */
    @Test
    void onLocalStackTheSameDeployCreatesEveryResource() throws Exception {
        URI localStack = URI.create("http://localhost:4566");
        boolean reachable;
        try {
            reachable = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    localStack.resolve("/_localstack/health")).timeout(java.time.Duration.ofSeconds(2)).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (java.io.IOException notThere) {
            reachable = false;
        }
        Assumptions.assumeTrue(reachable, "no LocalStack answers on " + localStack + " (it runs in Docker): skipped");

        assertThat(EddyCli.execute("deploy", "--endpoint", localStack.toString(), "--app", APP.toString(),
                "FlightDelays")).isZero();
        try (CloudFormationClient cloudFormation = Endpoints.cloudFormation(localStack)) {
            DeployReport report = DeployReport.of(cloudFormation, "FlightDelays",
                    APP.resolve("cdk.out/FlightDelays.template.json"));
            report.print(System.out);
            assertThat(report.rows()).allSatisfy(row -> assertThat(row.complete()).as(row.type()).isTrue());
        }
    }
}

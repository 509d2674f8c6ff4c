package dev.eddy.functions.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.emulator.cli.EddyCli;
import dev.eddy.emulator.deploy.DeployReport;
import dev.eddy.emulator.deploy.DeployedPipeline;
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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.PutRecordResponse;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * {@code eddy deploy --local}: every example stack deployed to moto's server with the real {@code cdk} CLI (the one
 * package.json pins), what moto made of each resource type, and a run of flight-delays against the deployed stream,
 * table, delivery stream, topic and failure queue, its results read back from moto's S3, an SQS queue subscribed to
 * the topic, and the failure queue.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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
    @Order(1)
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

    /** After the run above (which drained every shard): three flights of a skipped range are late data now. */
    @Test
    @Order(2)
    void redriveReadsTheDeployedFailureQueueAndLeavesTheHandlersOwnRecordsThere(@TempDir Path dir)
            throws Exception {
        URI endpoint = LocalAwsEndpoint.uri(PORT);
        DeployedPipeline deployed = DeployedPipeline.at(endpoint, "flight-delays").orElseThrow();
        dev.eddy.emulator.embedded.Kinesalite.disableCbor(); // moto's Kinesis speaks JSON
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(Endpoints.KEY, Endpoints.KEY));
        try (KinesisClient kinesis = KinesisClient.builder().httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(endpoint).region(Endpoints.region()).credentialsProvider(credentials).build();
             SqsClient sqs = Endpoints.sqs(endpoint)) {
            // three flights that the event source mapping skipped, as Lambda reports them: their range only
            List<PutRecordResponse> put = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                String flight = JSON.writeValueAsString(Map.of("date", "1999/01/01 0" + i + ":00", "delay", 10 + i,
                        "distance", 100, "origin", "ZZR", "destination", "LAS"));
                put.add(kinesis.putRecord(b -> b.streamName(deployed.stream()).partitionKey("ZZR")
                        .data(SdkBytes.fromUtf8String(flight))));
            }
            String onFailure = JSON.writeValueAsString(Map.of(
                    "requestContext", Map.of("condition", "RetryAttemptsExhausted", "approximateInvokeCount", 3),
                    "version", "1.0", "timestamp", "2026-12-06T00:00:00Z",
                    "KinesisBatchInfo", Map.of("shardId", put.get(0).shardId(),
                            "startSequenceNumber", put.get(0).sequenceNumber(),
                            "endSequenceNumber", put.get(2).sequenceNumber(), "batchSize", 3,
                            "streamArn", "arn:aws:kinesis:us-east-1:000000000000:stream/" + deployed.stream())));
            sqs.sendMessage(b -> b.queueUrl(deployed.failureQueueUrl()).messageBody(onFailure));
            sqs.sendMessage(b -> b.queueUrl(deployed.failureQueueUrl()).messageBody("{\"type\":\"poison\"}"));
        }
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        int exit;
        try {
            exit = EddyCli.execute("redrive", "flight-delays", "--endpoint", endpoint.toString());
        } finally {
            System.setOut(stdout);
        }
        String printed = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        stdout.print(printed);

        assertThat(exit).isZero();
        assertThat(printed).contains("3 records re-driven", "3 late (re-driven after skip)", "0 lost");
        List<String> queue = new ArrayList<>();
        try (SqsClient sqs = Endpoints.sqs(endpoint)) {
            for (int empty = 0; empty < 2; ) {
                var messages = sqs.receiveMessage(b -> b.queueUrl(deployed.failureQueueUrl())
                        .maxNumberOfMessages(10)).messages();
                empty = messages.isEmpty() ? empty + 1 : 0;
                messages.forEach(m -> queue.add(m.body()));
            }
        }
        assertThat(queue).as("the handler's own record stays in the queue").contains("{\"type\":\"poison\"}")
                .as("the re-driven range's message is deleted").noneMatch(m -> m.contains("KinesisBatchInfo"));
        assertThat(queue.stream().filter(m -> m.contains("\"re-driven after skip\""))).as("late data, to the"
                + " failure queue as the pipeline names no late sink").hasSize(3);
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

package dev.eddy.state.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.handler.EddyHandler;
import dev.eddy.config.EddySettings;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Ev;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.In;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Out;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Lambda handler as a function runs it: settings from system properties (as the local emulator sets them),
 * the DynamoDB backend found with {@link java.util.ServiceLoader}, file sinks.
 */
@ExtendWith(DynamoDbLocal.class)
class EddyHandlerWithDynamoDbTest {

    /** A handler as a user writes one. */
    public static final class TestHandler extends EddyHandler {
        public TestHandler() {
            super(BatchProcessorEndToEndTest::pipeline);
        }
    }

    @RegisterExtension
    final SystemProperties properties = new SystemProperties();

    /** The settings a function gets, as system properties: the table, file sinks, DynamoDB Local, dummy keys. */
    private void functionSettings(String table, Path dir) {
        properties.set(EddySettings.STATE_TABLE, table);
        properties.set(EddySettings.SINKS, "file:" + dir);
        properties.set("AWS_ENDPOINT_URL_DYNAMODB", DynamoDbLocal.endpoint().toString());
        properties.set("AWS_REGION", "us-east-1");
        properties.set("aws.accessKeyId", "dummy");
        properties.set("aws.secretAccessKey", "dummy");
    }

    @Test
    void handlerFindsTheDynamoDbBackendAndRunsThePipeline(@TempDir Path dir) throws IOException {
        String table = DynamoDbLocal.newTable("handler");
        functionSettings(table, dir);

        TestHandler handler = new TestHandler();
        List<In> input = List.of(In.of(0, new Ev("a", 100, 1)), In.of(1, new Ev("a", 110, 2)),
                In.of(2, new Ev("b", 130, 4)));
        KinesisEvent event = BatchProcessorEndToEndTest.event(input);

        assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();
        assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();
        // ts 130 moved the watermark to 124: [100, 120) fired in the batch, [120, 140) waits for the drain
        assertThat(handler.drain(BatchProcessorEndToEndTest.SHARD)).isEqualTo(1);

        ObjectMapper json = new ObjectMapper();
        List<Result> results = Files.readAllLines(dir.resolve("firehose/out.jsonl"), StandardCharsets.UTF_8).stream()
                .map(line -> {
                    try {
                        return json.readValue(line, Out.class).result();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
        assertThat(results).containsExactlyInAnyOrder(new Result("a", 100, 120, 2, 3, 0),
                new Result("b", 120, 140, 1, 4, 0));
        assertThat(handler.metrics().invocations()).isEqualTo(2);
        assertThat(handler.metrics().replaysSkipped()).isEqualTo(3);
        assertThat(handler.metrics().writeUnits()).isPositive();
        // the state lives in the named table
        try (var client = DynamoDbLocal.client()) {
            assertThat(client.scan(b -> b.tableName(table)).count()).isPositive();
        }
    }

    @Test
    void primingForASnapStartSnapshotWarmsTheClientsAndWritesNothing(@TempDir Path dir) {
        String table = DynamoDbLocal.newTable("priming");
        functionSettings(table, dir);

        TestHandler handler = new TestHandler();
        handler.prime();

        // one consistent read of a checkpoint that does not exist; no item written
        assertThat(handler.metrics().readUnits()).isPositive();
        assertThat(handler.metrics().writeUnits()).isZero();
        try (var client = DynamoDbLocal.client()) {
            assertThat(client.scan(b -> b.tableName(table)).count()).isZero();
        }
        // and the primed instance then handles batches as any other
        KinesisEvent event = BatchProcessorEndToEndTest.event(List.of(In.of(0, new Ev("a", 100, 1))));
        assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();
    }

    @Test
    void primingThatCannotReachDynamoDbIsLoggedNotThrown(@TempDir Path dir) {
        functionSettings("no-such-table", dir);

        new TestHandler().prime();
    }

    @Test
    void onLambdaEachInvocationPrintsItsFiguresInEmbeddedMetricFormat(@TempDir Path dir) throws IOException {
        String table = DynamoDbLocal.newTable("emf");
        functionSettings(table, dir);
        properties.set(EddySettings.METRICS, "emf");
        TestHandler handler = new TestHandler();
        KinesisEvent event = BatchProcessorEndToEndTest.event(List.of(In.of(0, new Ev("a", 100, 1)),
                In.of(1, new Ev("a", 110, 2)), In.of(2, new Ev("b", 130, 4))));

        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stdout = System.out;
        System.setOut(new java.io.PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();
            assertThat(handler.handleRequest(event, null).getBatchItemFailures()).isEmpty();
        } finally {
            System.setOut(stdout);
        }

        ObjectMapper json = new ObjectMapper();
        List<com.fasterxml.jackson.databind.JsonNode> documents = new java.util.ArrayList<>();
        for (String line : printed.toString(StandardCharsets.UTF_8).split("\n")) {
            if (line.contains("\"_aws\"")) {
                documents.add(json.readTree(line));
            }
        }
        assertThat(documents).hasSize(2);
        // the first invocation applied the three records and fired [100, 120); the duplicate skipped them
        assertThat(documents.get(0).get("Records").asDouble()).isEqualTo(3);
        assertThat(documents.get(0).get("WindowsFired").asDouble()).isEqualTo(1);
        assertThat(documents.get(0).get("StateWriteUnits").asDouble()).isPositive();
        assertThat(documents.get(0).get("ShardId").asText()).isEqualTo(BatchProcessorEndToEndTest.SHARD);
        assertThat(documents.get(1).get("Records").asDouble()).isZero();
        assertThat(documents.get(1).get("ReplaysSkipped").asDouble()).isEqualTo(3);
        assertThat(documents).allSatisfy(d -> {
            assertThat(d.get("_aws").get("CloudWatchMetrics").get(0).get("Namespace").asText()).isEqualTo("Eddy");
            assertThat(d.get("Pipeline").asText()).isEqualTo(handler.pipeline().name());
            assertThat(d.has("BatchDuration")).isTrue();
            assertThat(d.has("WatermarkLag")).isTrue();
        });
    }
}

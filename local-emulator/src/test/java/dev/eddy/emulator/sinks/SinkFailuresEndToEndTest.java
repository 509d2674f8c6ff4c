package dev.eddy.emulator.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.codec.Json;
import dev.eddy.state.dynamodb.local.DynamoDbLocal;
import dev.eddy.emulator.embedded.MotoServer;
import dev.eddy.emulator.embedded.NodeModules;
import dev.eddy.emulator.lambda.LambdaEvents;
import dev.eddy.functions.flightdelays.DelayStats;
import dev.eddy.functions.flightdelays.FlightDelayStats;
import dev.eddy.functions.flightdelays.FlightDelays;
import dev.eddy.functions.flightdelays.FlightDelays.Flight;
import dev.eddy.config.EddySettings;
import dev.eddy.internal.BatchProcessor;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.sink.internal.AwsSinkFactory;
import dev.eddy.sink.FileSinkFactory;
import dev.eddy.sink.Firehose;
import dev.eddy.sink.SinkFactory;
import dev.eddy.sink.Sns;
import dev.eddy.sink.Sqs;
import dev.eddy.state.dynamodb.DynamoDbStateBackendProvider;
import dev.eddy.time.Times;
import dev.eddy.window.TumblingWindows;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * The handler's batch path with AWS sinks on moto and state in DynamoDB Local: a sink that cannot deliver fails the
 * batch and the retry delivers everything; poison records and results a sink refuses reach the SQS failure
 * destination with what is needed to act on them.
 */
@ExtendWith(Moto.class)
class SinkFailuresEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHARD = "shardId-000000000000";
    private static DynamoDbLocal dynamoDbLocal;
    private static DynamoDbClient dynamo;
    private static int tables;

    @TempDir
    Path dir;

    @BeforeAll
    static void startDynamoDb() {
        dynamoDbLocal = DynamoDbLocal.server();
        System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "eddylocal"));
        System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "eddylocal"));
        dynamo = DynamoDbStateBackendProvider.client(EddySettings.of(Map.of("AWS_ENDPOINT_URL_DYNAMODB",
                dynamoDbLocal.endpoint().toString(), "AWS_REGION", "us-east-1")::get));
    }

    @AfterAll
    static void stopDynamoDb() {
        dynamo.close();
        dynamoDbLocal.close();
    }

    private static BatchProcessor processor(Pipeline pipeline, SinkFactory sinks) {
        return Fixtures.processor(dynamo, "state-" + ++tables, pipeline, sinks);
    }

    private static List<byte[]> flights(int n) throws Exception {
        List<byte[]> records = new ArrayList<>();
        for (JsonNode flight : JSON.readTree(NodeModules.find("vega-datasets").resolve("data/flights-20k.json")
                .toFile())) {
            if (records.size() == n) {
                break;
            }
            records.add(JSON.writeValueAsBytes(flight));
        }
        return records;
    }

    /** Records {@code from..to} of a one-shard stream, as one Lambda event. */
    private static com.amazonaws.services.lambda.runtime.events.KinesisEvent batch(List<byte[]> data, int from,
            int to) {
        List<Record> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            records.add(Record.builder().sequenceNumber(sequence(i)).partitionKey("p")
                    .data(SdkBytes.fromByteArray(data.get(i)))
                    .approximateArrivalTimestamp(Instant.ofEpochMilli(1_700_000_000_000L + i)).build());
        }
        return LambdaEvents.toEvent(LambdaEvents.eventJson("flights", SHARD, records, "test"));
    }

    private static String sequence(int i) {
        return new BigInteger("49590338271490256608559692538361571095921575989136588800").add(BigInteger.valueOf(i))
                .toString();
    }

    private static Set<String> ids(List<String> lines) throws Exception {
        Set<String> ids = new TreeSet<>();
        for (String line : lines) {
            ids.add(JSON.readTree(line).get("id").asText());
        }
        return ids;
    }

    /** Distinct results by id: what a consumer that deduplicates by id keeps. */
    private static Map<String, String> byId(List<String> lines) throws Exception {
        Map<String, String> unique = new LinkedHashMap<>();
        for (String line : lines) {
            String id = JSON.readTree(line).get("id").asText();
            String earlier = unique.putIfAbsent(id, line);
            assertThat(earlier == null || earlier.equals(line)).as("same id, same result: %s", id).isTrue();
        }
        return unique;
    }

    @Test
    void aSinkThatCannotDeliverFailsTheBatchAndTheRetryDeliversEveryResult(MotoServer moto) throws Exception {
        Pipeline pipeline = new FlightDelays().define();
        List<byte[]> input = flights(4_000);
        try (LocalSinks local = Moto.sinks(moto);
             AwsSinkFactory sinks = AwsSinkFactory.create(Moto.settings(moto,
                     Map.of(AwsSinkFactory.MAX_ATTEMPTS_SETTING, "2")), null)) {
            local.provision(pipeline);
            BatchProcessor reference = processor(pipeline, new FileSinkFactory(dir));
            BatchProcessor processor = processor(pipeline, sinks);
            int failedBatches = 0;
            for (int from = 0; from < input.size(); from += 500) {
                var event = batch(input, from, Math.min(input.size(), from + 500));
                assertThat(reference.process(event).getBatchItemFailures()).isEmpty();
                if (from == 1_500) {
                    EntryFaults.failFirstEntry("PutRecordBatch", Integer.MAX_VALUE);
                    var response = processor.process(event);
                    EntryFaults.reset();
                    assertThat(response.getBatchItemFailures()).singleElement()
                            .extracting(f -> f.getItemIdentifier()).isEqualTo(sequence(from));
                    failedBatches++;
                }
                // the event source mapping retries from the failed record: here, the whole batch
                assertThat(processor.process(event).getBatchItemFailures()).isEmpty();
            }
            reference.drain(SHARD);
            processor.drain(SHARD);

            assertThat(failedBatches).isOne();
            List<String> stats = local.deliveredRecords(Firehose.deliveryStream("flight-delay-stats"));
            List<String> expectedStats = Files.readAllLines(dir.resolve("firehose/flight-delay-stats.jsonl"));
            assertThat(byId(stats).values()).containsExactlyInAnyOrderElementsOf(expectedStats);
            List<String> alerts = local.drain(LocalSinks.tap(Sns.topic("flight-delay-alerts"))).stream()
                    .map(Message::body).toList();
            List<String> expectedAlerts = Files.readAllLines(dir.resolve("sns/flight-delay-alerts.jsonl"));
            assertThat(expectedAlerts).isNotEmpty();
            assertThat(byId(alerts).values()).containsExactlyInAnyOrderElementsOf(expectedAlerts);
            assertThat(local.drain("eddy-flight-delays-failures")).isEmpty();
        }
    }

    @Test
    void poisonRecordsReachTheSqsFailureDestinationWithTheirDataOrWhereToFindIt(MotoServer moto) throws Exception {
        Pipeline pipeline = new FlightDelays().define();
        List<byte[]> input = new ArrayList<>(flights(3));
        byte[] notJson = "not json".getBytes(StandardCharsets.UTF_8);
        byte[] huge = "{".concat("x".repeat(300_000)).getBytes(StandardCharsets.UTF_8);
        input.add(1, notJson);
        input.add(huge);
        try (LocalSinks local = Moto.sinks(moto);
             AwsSinkFactory sinks = AwsSinkFactory.create(Moto.settings(moto, Map.of()), null)) {
            local.provision(pipeline);
            BatchProcessor processor = processor(pipeline, sinks);
            assertThat(processor.process(batch(input, 0, input.size())).getBatchItemFailures()).isEmpty();

            List<JsonNode> failed = new ArrayList<>();
            for (Message message : local.drain("eddy-flight-delays-failures")) {
                failed.add(JSON.readTree(message.body()));
            }
            assertThat(failed).hasSize(2).allSatisfy(f -> {
                assertThat(f.get("type").asText()).isEqualTo("poison");
                assertThat(f.get("pipeline").asText()).isEqualTo("flight-delays");
                assertThat(f.get("shardId").asText()).isEqualTo(SHARD);
                assertThat(f.get("errorType").asText()).isNotBlank();
                assertThat(f.get("errorMessage").asText()).isNotBlank();
            });
            Map<String, JsonNode> bySequence = failed.stream()
                    .collect(Collectors.toMap(f -> f.get("sequenceNumber").asText(), f -> f));
            assertThat(Base64.getDecoder().decode(bySequence.get(sequence(1)).get("data").asText()))
                    .isEqualTo(notJson);
            JsonNode slim = bySequence.get(sequence(4));
            assertThat(slim.has("data")).isFalse();
            assertThat(slim.get("omitted").toString()).isEqualTo("[\"data\"]");
            assertThat(slim.get("omittedReason").asText()).contains("limit of 262,144 bytes")
                    .contains("stays in the source stream");
        }
    }

    @Test
    void aResultTooLargeForOneSinkReachesTheOthersAndTheFailureDestinationSaysWhy(MotoServer moto)
            throws Exception {
        Pipeline pipeline = Pipeline.named("padded-stats")
                .failureDestination(Sqs.queue("padded-failures"))
                .from(KinesisSource.stream("flights").decode(Json.of(Flight.class)))
                .withEventTime(f -> Times.utc(f.date(), "yyyy/MM/dd HH:mm"), Duration.ofMinutes(10))
                .keyBy(Flight::origin)
                .window(TumblingWindows.of(Duration.ofDays(1)))
                .aggregate(DelayStats.AGGREGATOR)
                .map(FlightDelayStats::of)
                .map(stats -> Map.of("id", stats.id(), "origin", stats.origin(), "padding", "x".repeat(300_000)))
                .to(Firehose.deliveryStream("padded-stats"))
                .branch(all -> all.to(Sns.topic("padded-alerts")))
                .build();
        List<byte[]> input = flights(3);
        try (LocalSinks local = Moto.sinks(moto);
             AwsSinkFactory sinks = AwsSinkFactory.create(Moto.settings(moto, Map.of()), null)) {
            local.provision(pipeline);
            BatchProcessor processor = processor(pipeline, sinks);
            assertThat(processor.process(batch(input, 0, input.size())).getBatchItemFailures()).isEmpty();
            processor.drain(SHARD);

            List<String> delivered = local.deliveredRecords(Firehose.deliveryStream("padded-stats"));
            assertThat(delivered).isNotEmpty();
            assertThat(local.drain(LocalSinks.tap(Sns.topic("padded-alerts")))).isEmpty();
            List<JsonNode> failed = new ArrayList<>();
            for (Message message : local.drain("padded-failures")) {
                failed.add(JSON.readTree(message.body()));
            }
            // each too large for SNS, and the failure record too large for SQS: slimmed, the result left out
            assertThat(failed).hasSize(delivered.size()).allSatisfy(f -> {
                assertThat(f.get("type").asText()).isEqualTo("undeliverable");
                assertThat(f.get("destination").asText()).isEqualTo("sns:padded-alerts");
                assertThat(f.get("errorMessage").asText()).contains("exceed sns:padded-alerts's limit of 262,144");
                assertThat(f.get("omitted").toString()).isEqualTo("[\"result\"]");
            });
            assertThat(failed).extracting(f -> f.get("resultId").asText())
                    .containsExactlyInAnyOrderElementsOf(ids(delivered));
        }
    }
}

package dev.eddy.emulator.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.aggregate.Aggregator;
import dev.eddy.codec.Json;
import dev.eddy.state.dynamodb.local.DynamoDbLocal;
import dev.eddy.emulator.embedded.Kinesalite;
import dev.eddy.emulator.embedded.NodeModules;
import dev.eddy.emulator.lambda.LambdaEvents;
import dev.eddy.functions.flightdelays.DelayStats;
import dev.eddy.functions.flightdelays.FlightDelayStats;
import dev.eddy.functions.flightdelays.FlightDelays.Flight;
import dev.eddy.config.EddySettings;
import dev.eddy.internal.BatchProcessor;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.Windowed;
import dev.eddy.sink.internal.AwsSinkFactory;
import dev.eddy.sink.FileSinkFactory;
import dev.eddy.sink.Firehose;
import dev.eddy.sink.Kinesis;
import dev.eddy.state.dynamodb.DynamoDbStateBackendProvider;
import dev.eddy.time.Times;
import dev.eddy.window.TumblingWindows;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * The repartition path of docs/windows.md ("Keys and shards") through a Kinesis sink: a first pipeline keyed by origin airport writes its
 * daily stats to a stream partitioned by day; a second pipeline keyed by day reads that stream, every day on one
 * shard, and totals the flights per day. Real records of kinesalite (sequence numbers, shards, partition keys),
 * state in DynamoDB Local.
 */
class RepartitionEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A day's total over every origin, from the first pipeline's results. */
    record DayTotal(String day, long flights) {
    }

    private static Pipeline byOrigin() {
        return Pipeline.named("stats-by-origin")
                .from(KinesisSource.stream("flights").decode(Json.of(Flight.class)))
                .withEventTime(f -> Times.utc(f.date(), "yyyy/MM/dd HH:mm"), Duration.ofMinutes(10))
                .keyBy(Flight::origin)
                .window(TumblingWindows.of(Duration.ofDays(1)))
                .aggregate(DelayStats.AGGREGATOR)
                .map(FlightDelayStats::of)
                .to(Kinesis.stream("daily-origin-stats").withPartitionKeyFrom("windowStart"))
                .build();
    }

    private static Pipeline byDay() {
        Aggregator<FlightDelayStats, Long, Long> total = Aggregator.of(Long.class, () -> 0L,
                (sum, stats) -> sum + stats.flights(), Long::sum, sum -> sum);
        return Pipeline.named("flights-by-day")
                .from(KinesisSource.stream("daily-origin-stats").decode(Json.of(FlightDelayStats.class)))
                .withEventTime(FlightDelayStats::windowStart, Duration.ofDays(2))
                .keyBy(stats -> stats.windowStart().toString())
                .window(TumblingWindows.of(Duration.ofDays(1)))
                .aggregate(total)
                .map((Windowed<Long> day) -> new DayTotal(day.key(), day.value()))
                .to(Firehose.deliveryStream("day-totals"))
                .build();
    }

    @Test
    void resultsRepartitionedByDayThroughAKinesisSinkGiveEachDaysTotalOnce() throws Exception {
        List<JsonNode> flights = new ArrayList<>();
        JSON.readTree(NodeModules.find("vega-datasets").resolve("data/flights-2k.json").toFile())
                .forEach(flights::add);
        Map<String, Long> expected = new TreeMap<>();
        for (JsonNode flight : flights) {
            String day = flight.get("date").asText().substring(0, 10).replace('/', '-') + "T00:00:00Z";
            expected.merge(day, 1L, Long::sum);
        }

        Kinesalite.disableCbor();
        System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "eddylocal"));
        System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "eddylocal"));
        try (Kinesalite kinesalite = Kinesalite.start();
             DynamoDbLocal dynamoDbLocal = DynamoDbLocal.server();
             KinesisClient kinesis = KinesisClient.builder().httpClient(UrlConnectionHttpClient.create())
                     .endpointOverride(kinesalite.endpoint()).region(Region.US_EAST_1).build();
             DynamoDbClient dynamo = DynamoDbStateBackendProvider.client(EddySettings.of(Map.of(
                     "AWS_ENDPOINT_URL_DYNAMODB", dynamoDbLocal.endpoint().toString(), "AWS_REGION",
                     "us-east-1")::get));
             AwsSinkFactory sinks = AwsSinkFactory.create(EddySettings.of(Map.of("AWS_ENDPOINT_URL_KINESIS",
                     kinesalite.endpoint().toString(), "AWS_REGION", "us-east-1")::get), null)) {
            kinesis.createStream(b -> b.streamName("daily-origin-stats").shardCount(3));
            kinesis.waiter().waitUntilStreamExists(b -> b.streamName("daily-origin-stats"));

            // the first pipeline, on one shard of flights: its results go to the stream, partitioned by day
            BatchProcessor first = Fixtures.processor(dynamo, "state-first", byOrigin(), sinks);
            List<Record> input = new ArrayList<>();
            for (int i = 0; i < flights.size(); i++) {
                input.add(Record.builder().sequenceNumber(BigInteger.valueOf(1_000 + i).toString())
                        .partitionKey(flights.get(i).get("origin").asText())
                        .data(SdkBytes.fromByteArray(JSON.writeValueAsBytes(flights.get(i))))
                        .approximateArrivalTimestamp(Instant.ofEpochMilli(1_700_000_000_000L + i)).build());
            }
            for (int from = 0; from < input.size(); from += 500) {
                assertThat(first.process(LambdaEvents.toEvent(LambdaEvents.eventJson("flights",
                        "shardId-000000000000", input.subList(from, Math.min(input.size(), from + 500)),
                        "stats-by-origin"))).getBatchItemFailures()).isEmpty();
            }
            first.drain("shardId-000000000000");

            // the second pipeline reads each shard of that stream, as the event source mapping would
            Map<String, List<Record>> stream = Fixtures.records(kinesis, "daily-origin-stats");
            Map<String, String> shardOfDay = new HashMap<>();
            for (var shard : stream.entrySet()) {
                for (Record record : shard.getValue()) {
                    String other = shardOfDay.put(record.partitionKey(), shard.getKey());
                    assertThat(other == null || other.equals(shard.getKey()))
                            .as("day %s on one shard", record.partitionKey()).isTrue();
                }
            }
            assertThat(new HashSet<>(shardOfDay.values())).as("days spread over the shards").hasSizeGreaterThan(1);
            BatchProcessor second = Fixtures.processor(dynamo, "state-second", byDay(), new FileSinkFactory(dir));
            for (var shard : stream.entrySet()) {
                List<Record> records = shard.getValue();
                for (int from = 0; from < records.size(); from += 100) {
                    assertThat(second.process(LambdaEvents.toEvent(LambdaEvents.eventJson("daily-origin-stats",
                            shard.getKey(), records.subList(from, Math.min(records.size(), from + 100)),
                            "flights-by-day"))).getBatchItemFailures()).isEmpty();
                }
                second.drain(shard.getKey());
            }

            Map<String, Long> totals = new TreeMap<>();
            for (String line : Files.readAllLines(dir.resolve("firehose/day-totals.jsonl"))) {
                JsonNode total = JSON.readTree(line);
                assertThat(totals.put(total.get("day").asText(), total.get("flights").asLong()))
                        .as("one total per day").isNull();
            }
            assertThat(totals).isEqualTo(expected);
            assertThat(Files.exists(dir.resolve("failed/flights-by-day.jsonl"))).isFalse();
            assertThat(Files.exists(dir.resolve("late/flights-by-day.jsonl"))).isFalse();
        }
    }
}

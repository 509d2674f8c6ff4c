package dev.eddy.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.emulator.console.Captured;
import dev.eddy.emulator.console.Pipelines;
import dev.eddy.state.dynamodb.local.DynamoDbLocal;
import dev.eddy.emulator.embedded.Kinesalite;
import dev.eddy.emulator.embedded.NodeModules;
import dev.eddy.emulator.lambda.LambdaEvents;
import dev.eddy.config.EddySettings;
import dev.eddy.metrics.Figures;
import dev.eddy.internal.BatchProcessor;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.sink.FileSinkFactory;
import dev.eddy.state.dynamodb.DynamoDbStateBackend;
import dev.eddy.state.dynamodb.table.StateTable;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * {@code ./eddy status} after real processing: flights put into kinesalite with {@code ./eddy put}, one shard
 * processed to its end and the other part way by the flight-delays pipeline's batch processor on DynamoDB Local;
 * status then reads the checkpoints the processor committed, with their running totals, and counts what waits
 * after them. Expectations come from the records read back from the stream and their dates, and from the
 * processor's own figures, not from the state table.
 */
class StatusCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm");
    private static final long OUT_OF_ORDERNESS_MS = Duration.ofMinutes(10).toMillis();
    private static final long DAY_MS = Duration.ofDays(1).toMillis();

    @TempDir
    Path dir;

    private static long eventTime(Record record) throws Exception {
        String date = JSON.readTree(record.data().asByteArray()).get("date").asText();
        return LocalDateTime.parse(date, DATE).toInstant(ZoneOffset.UTC).toEpochMilli();
    }

    private static long maxEventTime(List<Record> records) throws Exception {
        long max = Long.MIN_VALUE;
        for (Record record : records) {
            max = Math.max(max, eventTime(record));
        }
        return max;
    }

    /** @return the (origin, UTC day) windows of these flights that a watermark has passed: those fired */
    private static long windowsFired(List<Record> records, long watermarkMs) throws Exception {
        Set<String> fired = new HashSet<>();
        for (Record record : records) {
            long day = Math.floorDiv(eventTime(record), DAY_MS) * DAY_MS;
            if (day + DAY_MS - 1 <= watermarkMs) {
                fired.add(JSON.readTree(record.data().asByteArray()).get("origin").asText() + day);
            }
        }
        return fired.size();
    }

    private static double sum(JsonNode shards, String metric) {
        double sum = 0;
        for (JsonNode shard : shards) {
            sum += shard.get("totals").get(metric).asDouble();
        }
        return sum;
    }

    private static void process(BatchProcessor processor, String shard, List<Record> records) {
        for (int from = 0; from < records.size(); from += 250) {
            assertThat(processor.process(LambdaEvents.toEvent(LambdaEvents.eventJson("flights", shard,
                    records.subList(from, Math.min(records.size(), from + 250)), "flight-delays")))
                    .getBatchItemFailures()).isEmpty();
        }
    }

    @Test
    void statusShowsEachShardsCheckpointWatermarkAndTheRecordsWaitingAfterIt() throws Exception {
        Kinesalite.disableCbor();
        Path input = NodeModules.find("vega-datasets").resolve("data/flights-2k.json");
        try (Kinesalite kinesalite = Kinesalite.start();
             DynamoDbLocal dynamoDbLocal = DynamoDbLocal.server();
             KinesisClient kinesis = KinesisClient.builder().httpClient(UrlConnectionHttpClient.create())
                     .endpointOverride(kinesalite.endpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
                     .build();
             DynamoDbClient dynamo = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
                     .endpointOverride(dynamoDbLocal.endpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
                     .build()) {
            String k = kinesalite.endpoint().toString();
            String d = dynamoDbLocal.endpoint().toString();
            Captured put = Cli.run("put", "flights", "--input", input.toString(), "--endpoint", k,
                    "--partition-key-from", "flight-delays", "--create", "--shards", "2", "--quiet");
            assertThat(put.exit()).as(put.err()).isZero();

            Captured noTable = Cli.run("status", "flight-delays", "--kinesis-endpoint", k, "--dynamodb-endpoint", d);
            assertThat(noTable.exit()).isEqualTo(EddyCli.EXIT_USAGE);
            assertThat(noTable.err()).startsWith("eddy: error: state table 'eddy-flight-delays-state' does not exist");

            Map<String, List<Record>> stream = dev.eddy.emulator.sinks.Fixtures.records(kinesis, "flights");
            assertThat(stream).hasSize(2);
            List<String> shards = List.copyOf(stream.keySet());
            List<Record> done = stream.get(shards.get(0));
            List<Record> partly = stream.get(shards.get(1));
            int processed = 300;
            assertThat(partly).hasSizeGreaterThan(processed + 10);

            String table = EddySettings.defaultStateTable("flight-delays");
            StateTable.create(dynamo, table);
            Pipeline pipeline = Pipelines.instantiate(Pipelines.onClassPath().choose("flight-delays", null)).pipeline();
            BatchProcessor processor = new BatchProcessor(pipeline, new DynamoDbStateBackend(
                    DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
                            .endpointOverride(dynamoDbLocal.endpoint()).region(Region.US_EAST_1)
                            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y")))
                            .build(), table), new FileSinkFactory(dir));
            process(processor, shards.get(0), done);
            process(processor, shards.get(1), partly.subList(0, processed));
            Figures figures = processor.metrics();
            Instant checked = Instant.now();

            Captured status = Cli.run("status", "flight-delays", "--kinesis-endpoint", k, "--dynamodb-endpoint", d,
                    "--json", "--items");

            assertThat(status.exit()).as(status.err()).isZero();
            JsonNode root = JSON.readTree(status.out());
            assertThat(root.get("stream").asText()).isEqualTo("flights");
            assertThat(root.get("table").asText()).isEqualTo(table);
            JsonNode first = root.get("shards").get(0);
            JsonNode second = root.get("shards").get(1);
            assertThat(first.get("shardId").asText()).isEqualTo(shards.get(0));
            assertThat(first.get("open").asBoolean()).isTrue();
            assertThat(first.get("parentShardIds")).isEmpty();
            assertThat(first.get("checkpointSequenceNumber").asText())
                    .isEqualTo(done.get(done.size() - 1).sequenceNumber());
            assertThat(first.get("recordsBehind").asLong()).isZero();
            assertThat(first.get("iteratorAgeMs").asLong()).isZero();
            long max = maxEventTime(done);
            assertThat(first.get("maxEventTimeMs").asLong()).isEqualTo(max);
            assertThat(first.get("watermarkMs").asLong()).isEqualTo(max - OUT_OF_ORDERNESS_MS - 1);
            assertThat(first.get("watermark").asText())
                    .isEqualTo(Instant.ofEpochMilli(max - OUT_OF_ORDERNESS_MS - 1).toString());
            assertThat(first.get("drained").asBoolean()).isFalse();
            assertThat(first.get("watermarkLagMs").asLong()).isBetween(
                    checked.toEpochMilli() - (max - OUT_OF_ORDERNESS_MS - 1),
                    Instant.now().toEpochMilli() - (max - OUT_OF_ORDERNESS_MS - 1));
            JsonNode totals = first.get("totals");
            assertThat(totals.get("Records").asLong()).isEqualTo(done.size());
            assertThat(totals.get("ReplaysSkipped").asLong()).isZero();
            assertThat(totals.get("FailedRecords").asLong()).isZero();
            assertThat(totals.get("LateRecords").asLong()).isZero(); // the file is in date order
            assertThat(totals.get("WindowsFired").asLong())
                    .isEqualTo(windowsFired(done, max - OUT_OF_ORDERNESS_MS - 1)).isPositive();
            assertThat(totals.get("ResultsEmitted").asLong()).isGreaterThanOrEqualTo(totals.get("WindowsFired").asLong());
            assertThat(totals.get("DeadlineStops").asLong()).isZero();
            assertThat(second.get("totals").get("Records").asLong()).isEqualTo(processed);
            // the shards' totals are the processor's figures; capacity as known before each shard's last commit
            JsonNode all = root.get("shards");
            assertThat(sum(all, "Records")).isEqualTo(figures.records());
            assertThat(sum(all, "WindowsFired")).isEqualTo(figures.windowsFired());
            assertThat(sum(all, "ResultsEmitted")).isEqualTo(figures.resultsEmitted());
            assertThat(sum(all, "StateReadUnits")).isEqualTo(figures.readUnits());
            assertThat(sum(all, "StateWriteUnits")).isEqualTo(figures.writeUnits() - 2);
            assertThat(root.get("cloudWatchOnly")).extracting(JsonNode::asText)
                    .containsExactly("SinkRetries", "BatchDuration");

            assertThat(second.get("checkpointSequenceNumber").asText())
                    .isEqualTo(partly.get(processed - 1).sequenceNumber());
            assertThat(second.get("recordsBehind").asLong()).isEqualTo(partly.size() - processed);
            assertThat(second.get("recordsBehindAtLeast").asBoolean()).isFalse();
            assertThat(second.get("latestSequenceNumber").asText())
                    .isEqualTo(partly.get(partly.size() - 1).sequenceNumber());
            assertThat(second.get("oldestWaitingArrival").asText())
                    .isEqualTo(partly.get(processed).approximateArrivalTimestamp().toString());
            assertThat(second.get("iteratorAgeMs").asLong()).isBetween(0L,
                    Duration.between(partly.get(processed).approximateArrivalTimestamp(), checked).toMillis() + 60_000);
            assertThat(second.get("watermarkMs").asLong())
                    .isEqualTo(maxEventTime(partly.subList(0, processed)) - OUT_OF_ORDERNESS_MS - 1);
            assertThat(root.get("items").get("checkpoints").asLong()).isEqualTo(2);
            assertThat(root.get("items").get("keyState").asLong()).isPositive();
            assertThat(root.get("checkpointsOfUnlistedShards")).isEmpty();

            Captured capped = Cli.run("status", "flight-delays", "--kinesis-endpoint", k, "--dynamodb-endpoint", d,
                    "--json", "--count-max", "10");
            JsonNode cappedSecond = JSON.readTree(capped.out()).get("shards").get(1);
            assertThat(cappedSecond.get("recordsBehind").asLong()).isEqualTo(10);
            assertThat(cappedSecond.get("recordsBehindAtLeast").asBoolean()).isTrue();
            assertThat(JSON.readTree(capped.out()).has("items")).isFalse();

            processor.drain(shards.get(0));
            Captured text = Cli.run("status", "flight-delays", "--kinesis-endpoint", k, "--dynamodb-endpoint", d);

            assertThat(text.exit()).as(text.err()).isZero();
            assertThat(text.out())
                    .contains("== status: flight-delays ==")
                    .contains("flights at " + k + ": 2 shards, 2 open")
                    .contains(table + " at " + d)
                    .contains(shards.get(0) + " · open")
                    .contains(done.get(done.size() - 1).sequenceNumber() + " (")
                    .contains("end of input (drained: every window fired)")
                    .contains("0 records (caught up)")
                    .contains(partly.get(processed - 1).sequenceNumber())
                    .contains(Instant.ofEpochMilli(maxEventTime(partly.subList(0, processed)) - OUT_OF_ORDERNESS_MS - 1)
                            .toString())
                    .contains(String.format(java.util.Locale.ROOT, "%,d records", partly.size() - processed))
                    .contains("the oldest waiting record arrived " + partly.get(processed).approximateArrivalTimestamp())
                    .containsPattern("records processed +" + String.format(java.util.Locale.ROOT, "%,d", done.size())
                            + " +Records\\n")
                    .containsPattern("windows fired +" + String.format(java.util.Locale.ROOT, "%,d",
                            windowsFired(done, Long.MAX_VALUE)) + " +WindowsFired\\n")
                    .containsPattern("late records +0 +LateRecords\\n")
                    .containsPattern("watermark lag +none: end of input +WatermarkLag\\n")
                    .containsPattern("watermark lag +[\\d,]+d \\d+h \\d+min +WatermarkLag \\(wall clock − watermark\\)")
                    .containsPattern("state write units +[\\d,.]+ +StateWriteUnits")
                    .contains("sink retries and batch durations: CloudWatch metrics SinkRetries and BatchDuration");

            // a reshard: the processed shard splits; its children are new shards with it as parent
            Shard parent = kinesis.listShards(b -> b.streamName("flights")).shards().get(0);
            java.math.BigInteger start = new java.math.BigInteger(parent.hashKeyRange().startingHashKey());
            java.math.BigInteger end = new java.math.BigInteger(parent.hashKeyRange().endingHashKey());
            kinesis.splitShard(b -> b.streamName("flights").shardToSplit(parent.shardId())
                    .newStartingHashKey(start.add(end).shiftRight(1).toString()));
            kinesis.waiter().waitUntilStreamExists(b -> b.streamName("flights"));
            JsonNode split = JSON.readTree(Cli.run("status", "flight-delays", "--kinesis-endpoint", k,
                    "--dynamodb-endpoint", d, "--json").out()).get("shards");
            assertThat(split).hasSize(4);
            assertThat(split.get(0).get("open").asBoolean()).isFalse();
            assertThat(split.get(0).get("recordsBehind").asLong()).isZero();
            assertThat(split.get(0).get("totals").get("Records").asLong()).isEqualTo(done.size());
            for (JsonNode child : List.of(split.get(2), split.get(3))) {
                assertThat(child.get("parentShardIds").get(0).asText()).isEqualTo(parent.shardId());
                assertThat(child.get("checkpointSequenceNumber").isNull()).isTrue();
                assertThat(child.get("commits").asLong()).isZero();
                assertThat(child.get("watermark").isNull()).isTrue();
                assertThat(child.get("recordsBehind").asLong()).isZero();
                assertThat(child.get("totals").get("Records").asLong()).isZero();
            }
            assertThat(Cli.run("status", "flight-delays", "--kinesis-endpoint", k, "--dynamodb-endpoint", d).out())
                    .contains(parent.shardId() + " · closed, read to its end")
                    .contains("none: no batch committed yet")
                    .contains("parents                " + parent.shardId());
        }
    }

    @Test
    void aStreamThatDoesNotExistIsABadArgument() {
        try (Kinesalite kinesalite = Kinesalite.start(); DynamoDbLocal dynamoDbLocal = DynamoDbLocal.server()) {
            DynamoDbClient dynamo = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
                    .endpointOverride(dynamoDbLocal.endpoint()).region(Region.US_EAST_1)
                    .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y"))).build();
            StateTable.create(dynamo, "some-table");
            dynamo.close();

            Captured result = Cli.run("status", "flight-delays", "--kinesis-endpoint",
                    kinesalite.endpoint().toString(), "--dynamodb-endpoint", dynamoDbLocal.endpoint().toString(),
                    "--table", "some-table", "--stream", "nope");

            assertThat(result.exit()).isEqualTo(EddyCli.EXIT_USAGE);
            assertThat(result.err()).startsWith("eddy: error: stream 'nope' does not exist at "
                    + kinesalite.endpoint());
        }
    }
}

package dev.eddy.emulator.reshard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.state.dynamodb.local.DynamoDbLocal;
import dev.eddy.emulator.embedded.Kinesalite;
import dev.eddy.emulator.embedded.NodeModules;
import dev.eddy.emulator.lambda.LambdaEvents;
import dev.eddy.functions.flightdelays.FlightDelays;
import dev.eddy.config.EddySettings;
import dev.eddy.internal.BatchProcessor;
import dev.eddy.internal.KinesisShardLineage;
import dev.eddy.sink.FileSinkFactory;
import dev.eddy.state.ShardLineage;
import dev.eddy.state.dynamodb.DynamoDbStateBackend;
import dev.eddy.state.dynamodb.table.StateTable;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * A shard split mid-stream, on a real Kinesis emulator (kinesalite: {@code SplitShard}, {@code ListShards}) and
 * DynamoDB Local: the parent is processed to its end, then each child, as Lambda orders them (docs/state.md, "Resharding"). Windows
 * the parent opened must fire exactly once, with every record of their day, whether or not their key gets
 * records after the split, so the results equal those of the same flights on one unsplit shard.
 */
class ReshardingEndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = "flights";
    private static final String ARN = "arn:aws:kinesis:" + LambdaEvents.REGION + ":" + LambdaEvents.ACCOUNT
            + ":stream/" + STREAM;
    private static Kinesalite kinesalite;
    private static DynamoDbLocal dynamo;
    private static KinesisClient kinesis;
    private static DynamoDbClient dynamoClient;
    private static int streams;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        Kinesalite.disableCbor();
        System.setProperty("aws.accessKeyId", System.getProperty("aws.accessKeyId", "eddytest"));
        System.setProperty("aws.secretAccessKey", System.getProperty("aws.secretAccessKey", "eddytest"));
        kinesalite = Kinesalite.start();
        dynamo = DynamoDbLocal.server();
        var credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("eddytest", "eddytest"));
        kinesis = KinesisClient.builder().endpointOverride(kinesalite.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
        dynamoClient = DynamoDbClient.builder().endpointOverride(dynamo.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(credentials).httpClient(UrlConnectionHttpClient.create()).build();
    }

    @AfterAll
    static void stop() {
        kinesis.close();
        dynamoClient.close();
        dynamo.close();
        kinesalite.close();
    }

    @Test
    void afterASplitEachChildContinuesItsKeysAndTheResultsEqualAnUnsplitRun() throws Exception {
        List<JsonNode> flights = flights(2_000);
        Map<String, String> unsplit = run(flights, false, true);
        Map<String, String> split = run(flights, true, true);

        assertThat(unsplit).hasSizeGreaterThan(500);
        assertThat(split).isEqualTo(unsplit);
    }

    @Test
    void withoutTheLineageTheParentsOpenWindowsAreLost() throws Exception {
        List<JsonNode> flights = flights(2_000);
        Map<String, String> unsplit = run(flights, false, true);
        Map<String, String> orphaned = run(flights, true, false);

        // the windows open when the parent ended never fire, or fire without the parent's records
        assertThat(orphaned).isNotEqualTo(unsplit);
        assertThat(unsplit.keySet()).containsAll(orphaned.keySet());
    }

    private static List<JsonNode> flights(int limit) throws Exception {
        List<JsonNode> flights = new ArrayList<>();
        for (JsonNode node : JSON.readTree(NodeModules.find("vega-datasets").resolve("data/flights-2k.json").toFile())) {
            if (flights.size() < limit) {
                flights.add(node);
            }
        }
        return flights;
    }

    /**
     * Puts the first half of the flights into a one-shard stream, splits the shard in the middle of the hash key
     * range if asked, puts the second half, then processes every shard, parents first, in batches of 100, and
     * drains the shards that are still open.
     *
     * @return the flight-delays results, id → result
     */
    private Map<String, String> run(List<JsonNode> flights, boolean split, boolean lineage) throws Exception {
        String stream = STREAM + "-" + ++streams;
        kinesis.createStream(b -> b.streamName(stream).shardCount(1));
        waitActive(stream);
        put(stream, flights.subList(0, flights.size() / 2));
        if (split) {
            Shard only = kinesis.listShards(b -> b.streamName(stream)).shards().get(0);
            kinesis.splitShard(b -> b.streamName(stream).shardToSplit(only.shardId())
                    .newStartingHashKey(BigInteger.TWO.pow(127).toString()));
            waitActive(stream);
        }
        put(stream, flights.subList(flights.size() / 2, flights.size()));

        String table = "reshard-" + streams;
        StateTable.create(dynamoClient, table);
        Path out = dir.resolve(stream);
        // the backend closes its client: each run gets its own
        DynamoDbStateBackend backend = new DynamoDbStateBackend(DynamoDbClient.builder()
                .endpointOverride(dynamo.endpoint()).region(Region.US_EAST_1)
                .httpClient(UrlConnectionHttpClient.create()).build(), table);
        BatchProcessor processor = new BatchProcessor(new FlightDelays().define(), backend,
                new FileSinkFactory(out));
        if (lineage) {
            processor.withShardLineage(lineageOf(stream));
        }
        List<Shard> shards = kinesis.listShards(b -> b.streamName(stream)).shards();
        // parents before children: ListShards lists a split's parent first
        for (Shard shard : shards) {
            for (List<Record> batch : read(stream, shard.shardId())) {
                var response = processor.process(LambdaEvents.toEvent(
                        LambdaEvents.eventJson(stream, shard.shardId(), batch, "reshard-test")));
                assertThat(response.getBatchItemFailures()).isEmpty();
            }
        }
        for (Shard shard : shards) {
            if (shard.sequenceNumberRange().endingSequenceNumber() == null) {
                processor.drain(shard.shardId());
            }
        }
        backend.close();
        Map<String, String> results = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve("firehose/flight-delay-stats.jsonl"))) {
            JsonNode result = JSON.readTree(line);
            String previous = results.put(result.get("id").asText(), line);
            assertThat(previous == null || previous.equals(line)).as("id %s has one payload", result.get("id"))
                    .isTrue();
        }
        return results;
    }

    /** The test's lineage: Eddy's own, asking kinesalite, with the stream name the event's ARN carries. */
    private static ShardLineage lineageOf(String stream) {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", LambdaEvents.REGION);
        env.put("AWS_ENDPOINT_URL_KINESIS", kinesalite.endpoint().toString());
        KinesisShardLineage lineage = new KinesisShardLineage(EddySettings.of(env::get));
        return (arn, shardId) -> {
            assertThat(arn).endsWith(":stream/" + stream);
            return lineage.describe(arn, shardId);
        };
    }

    private static void put(String stream, List<JsonNode> flights) throws Exception {
        for (int from = 0; from < flights.size(); from += 500) {
            List<PutRecordsRequestEntry> entries = new ArrayList<>();
            for (JsonNode flight : flights.subList(from, Math.min(flights.size(), from + 500))) {
                entries.add(PutRecordsRequestEntry.builder().partitionKey(flight.get("origin").asText())
                        .data(SdkBytes.fromUtf8String(flight.toString())).build());
            }
            var response = kinesis.putRecords(b -> b.streamName(stream).records(entries));
            assertThat(response.failedRecordCount()).isZero();
        }
    }

    /** A shard's records from its start to its end (closed) or to the latest record (open), in batches of 100. */
    private static List<List<Record>> read(String stream, String shardId) {
        String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shardId)
                .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
        List<List<Record>> batches = new ArrayList<>();
        while (iterator != null) {
            String current = iterator;
            GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(current).limit(100));
            if (!response.records().isEmpty()) {
                batches.add(response.records());
            } else if (response.millisBehindLatest() == null || response.millisBehindLatest() == 0) {
                break;
            }
            iterator = response.nextShardIterator();
        }
        return batches;
    }

    private static void waitActive(String stream) throws InterruptedException {
        dev.eddy.emulator.esm.KinesisStreams.awaitStatus(kinesis, stream, java.time.Duration.ofSeconds(10),
                StreamStatus.ACTIVE);
    }

}

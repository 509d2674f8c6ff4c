package dev.eddy.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.config.EddySettings;
import dev.eddy.emulator.console.Captured;
import dev.eddy.emulator.embedded.MotoServer;
import dev.eddy.emulator.sinks.Moto;
import dev.eddy.state.ShardBlock;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.dynamodb.DynamoDbStateBackend;
import dev.eddy.state.dynamodb.DynamoDbStateBackendProvider;
import dev.eddy.state.dynamodb.table.StateTable;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * Skipping opted into, then {@code eddy redrive}: flight-delays on real flights against moto's server as one
 * persistent endpoint (the state and the stream outlive the run, as on AWS), with an outage longer than one retry.
 * The skipped ranges show in {@code eddy status}; after the redrive every record is accounted for, and a second
 * redrive changes nothing.
 */
@ExtendWith(Moto.class)
class RedriveRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FLIGHTS = OutageRunTest.FLIGHTS;

    private static Map<String, String> stats(Path out) throws IOException {
        return OutageRunTest.stats(out);
    }

    private static Captured skippingRun(MotoServer moto, Path dir, String... outage) {
        String[] args = {"run", "flight-delays", "--input", FLIGHTS.toString(), "--out", dir.toString(), "--print",
            "0", "--quiet", "--endpoint", moto.endpoint().toString(), "--max-retries", "1"};
        String[] all = java.util.Arrays.copyOf(args, args.length + outage.length);
        System.arraycopy(outage, 0, all, args.length, outage.length);
        Captured run = Cli.run(all);
        assertThat(run.exit()).as(run.err()).isEqualTo(EddyCli.EXIT_RUN_FAILED);
        assertThat(run.err()).contains("batches were discarded by the event source mapping");
        return run;
    }

    private static Captured redrive(MotoServer moto, Path dir) {
        return Cli.run("redrive", "flight-delays", "--endpoint", moto.endpoint().toString(), "--from",
                dir.resolve("esm-failures/flight-delays.jsonl").toString(), "--out", dir.toString());
    }

    /** @return records in the on-failure records' batches */
    private static long skippedRecords(Path dir) throws IOException {
        long records = 0;
        for (String line : Files.readAllLines(dir.resolve("esm-failures/flight-delays.jsonl"))) {
            records += JSON.readTree(line).at("/KinesisBatchInfo/batchSize").asLong();
        }
        return records;
    }

    @Test
    void aSinkOutageSkippedThenReDrivenGivesTheResultsOfARunWithoutIt(MotoServer moto, @TempDir Path dir)
            throws IOException {
        skippingRun(moto, dir, "--fail-sink", "flight-delay-stats:4");
        assertThat(stats(dir).size()).as("results held back by the skip").isLessThan(OutageRunTest.clean().size());
        Captured before = Cli.run("status", "flight-delays", "--endpoint", moto.endpoint().toString());
        assertThat(before.out()).as(before.err()).contains("skipped", "firehose:flight-delay-stats is unavailable",
                "NOT RE-DRIVEN");

        Captured redrive = redrive(moto, dir);
        assertThat(redrive.exit()).as(redrive.err()).isZero();
        assertThat(redrive.out()).contains("== redrive: flight-delays ==", "RetryAttemptsExhausted",
                String.format(java.util.Locale.ROOT, "%,d records re-driven", skippedRecords(dir)), "0 lost");
        assertThat(stats(dir)).as("every window as without the outage").isEqualTo(OutageRunTest.clean());
        assertThat(dir.resolve("late/flight-delays.jsonl")).as("the attempts before the skip applied every record")
                .doesNotExist();
        Captured after = Cli.run("status", "flight-delays", "--endpoint", moto.endpoint().toString());
        assertThat(after.out()).contains("re-driven through").doesNotContain("NOT RE-DRIVEN");

        Captured again = redrive(moto, dir);
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains(" 0 records re-driven");
        assertThat(stats(dir)).isEqualTo(OutageRunTest.clean());

        // a range whose first record the stream no longer holds (moto numbers each shard's records from 1: a range
        // from 0 is one whose head was trimmed): reported as lost, with the count, and the exit code says so
        Path trimmed = dir.resolve("trimmed.jsonl");
        Files.writeString(trimmed, JSON.writeValueAsString(java.util.Map.of("requestContext", java.util.Map.of(
                "condition", "RecordAgeExceeded"), "KinesisBatchInfo", java.util.Map.of("shardId",
                "shardId-000000000000", "startSequenceNumber", "0", "endSequenceNumber", "3", "batchSize", 4,
                "streamArn", "arn:aws:kinesis:us-east-1:000000000000:stream/flights"))) + "\n");
        Captured lost = Cli.run("redrive", "flight-delays", "--endpoint", moto.endpoint().toString(), "--from",
                trimmed.toString(), "--out", dir.toString());
        assertThat(lost.exit()).isEqualTo(EddyCli.EXIT_RUN_FAILED);
        assertThat(lost.out()).contains("1 records: past the stream's retention",
                "4 records (batchSize); 3 read from the stream");
        assertThat(lost.err()).contains("1 records were past the stream's retention and are lost");
        assertThat(stats(dir)).isEqualTo(OutageRunTest.clean());
    }

    @Test
    void aStateOutageSkippedThenReDrivenAfterEveryWindowFiredGoesToLateDataWithTheReason(MotoServer moto,
            @TempDir Path dir) throws IOException {
        skippingRun(moto, dir, "--fail-state", "3");
        long skipped = skippedRecords(dir);
        assertThat(skipped).isPositive();
        Map<String, String> before = stats(dir);

        Captured redrive = redrive(moto, dir);
        assertThat(redrive.exit()).as(redrive.err()).isZero();
        List<String> late = Files.readAllLines(dir.resolve("late/flight-delays.jsonl"));
        assertThat(late).hasSize((int) skipped).allSatisfy(line ->
                assertThat(JSON.readTree(line).get("reason").asText()).isEqualTo("re-driven after skip"));
        List<String> records = new java.util.ArrayList<>();
        for (String line : late) {
            JsonNode node = JSON.readTree(line);
            records.add(node.get("shardId").asText() + "/" + node.get("sequenceNumber").asText());
        }
        assertThat(records).as("each record once").doesNotHaveDuplicates();
        assertThat(stats(dir)).as("the drain closed every window: nothing fires again").isEqualTo(before);

        assertThat(redrive(moto, dir).exit()).isZero();
        assertThat(Files.readAllLines(dir.resolve("late/flight-delays.jsonl"))).as("a second redrive adds nothing")
                .hasSize(late.size());
    }

    @Test
    void statusShowsABlockedShardSinceWhenAndItsError(MotoServer moto) throws Exception {
        EddySettings settings = EddySettings.of(Map.of("AWS_ENDPOINT_URL_DYNAMODB", moto.endpoint().toString(),
                "AWS_REGION", moto.region(), "AWS_ACCESS_KEY_ID", "eddylocal", "AWS_SECRET_ACCESS_KEY",
                "eddylocal")::get);
        String table = EddySettings.defaultStateTable("flight-delays");
        try (KinesisClient kinesis = KinesisClient.builder().httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(moto.endpoint()).region(Region.of(moto.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("eddylocal",
                        "eddylocal"))).build();
             DynamoDbClient dynamo = DynamoDbStateBackendProvider.client(settings);
             DynamoDbStateBackend state = new DynamoDbStateBackend(DynamoDbStateBackendProvider.client(settings),
                     table)) {
            kinesis.createStream(b -> b.streamName("flights").shardCount(1));
            kinesis.waiter().waitUntilStreamExists(b -> b.streamName("flights"));
            StateTable.create(dynamo, table);
            String shard = "shardId-000000000000";
            ShardCheckpoint initial = state.readCheckpoint(shard);
            long since = System.currentTimeMillis() - 125_000;
            state.markBlocked(initial, initial.withBlock(new ShardBlock(new BigInteger("1"), since, since + 120_000,
                    7, "firehose flight-delay-stats: ServiceUnavailableException", new BigInteger("1"))));
        }

        Captured status = Cli.run("status", "flight-delays", "--endpoint", moto.endpoint().toString());
        assertThat(status.exit()).as(status.err()).isZero();
        assertThat(status.out()).contains("BLOCKED for 2min", "7 failed attempts from sequence number 1",
                "firehose flight-delay-stats: ServiceUnavailableException");
        Captured json = Cli.run("status", "flight-delays", "--endpoint", moto.endpoint().toString(), "--json");
        JsonNode blocked = JSON.readTree(json.out()).at("/shards/0/blocked");
        assertThat(blocked.get("attempts").asLong()).isEqualTo(7);
        assertThat(blocked.get("fromSequenceNumber").asText()).isEqualTo("1");
    }
}

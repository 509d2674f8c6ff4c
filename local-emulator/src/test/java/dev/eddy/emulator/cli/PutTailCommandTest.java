package dev.eddy.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.emulator.console.Captured;
import dev.eddy.emulator.embedded.Kinesalite;
import dev.eddy.emulator.embedded.NodeModules;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * {@code ./eddy put} then {@code ./eddy tail} on kinesalite: every record comes back with its partition key, each key
 * on one shard in file order; {@code --follow}; {@code --help}; bad arguments.
 */
class PutTailCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Kinesalite kinesalite;
    private static String endpoint;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        kinesalite = Kinesalite.start();
        endpoint = kinesalite.endpoint().toString();
    }

    @AfterAll
    static void stop() {
        kinesalite.close();
    }

    @Test
    void everyRecordPutComesBackWithItsFieldAsPartitionKeyEachKeyOnOneShardInFileOrder() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            lines.add("{\"user\":\"u" + (i * 7 % 23) + "\",\"n\":" + i + ",\"price\":12.50}");
        }
        lines.add(600, "this is not json");
        lines.add(900, "{\"n\":-1}");
        Path input = dir.resolve("events.jsonl");
        Files.write(input, lines);

        Captured put = Cli.run("put", "events", "--input", input.toString(), "--endpoint", endpoint,
                "--partition-key", "user", "--create", "--shards", "3");

        assertThat(put.exit()).as(put.err()).isZero();
        assertThat(put.out()).contains("records put            1,202 of 1,202 into stream events (3 open shards)")
                .contains("failed                 0").contains("25 distinct: field 'user'")
                .contains("without a key          2").containsPattern("bytes +[0-9,]+ \\(data and partition keys\\)")
                .containsPattern("wall time +\\S+ \\([0-9,]+ records/s\\)");
        assertThat(put.err()).contains("created stream events with 3 shards");

        Captured tail = Cli.run("tail", "events", "--endpoint", endpoint);

        assertThat(tail.exit()).as(tail.err()).isZero();
        List<JsonNode> records = tail.json();
        assertThat(records).hasSize(1_202);
        assertThat(tail.err()).contains("1,202 records from stream events");
        Map<String, String> shardOfKey = new HashMap<>();
        Map<String, BigInteger> lastSequence = new HashMap<>();
        Map<String, List<Integer>> orderOfKey = new LinkedHashMap<>();
        List<String> shardsInOutput = new ArrayList<>();
        for (JsonNode record : records) {
            String shard = record.get("shardId").asText();
            if (!shardsInOutput.contains(shard)) {
                shardsInOutput.add(shard);
            }
            BigInteger sequence = new BigInteger(record.get("sequenceNumber").asText());
            BigInteger before = lastSequence.put(shard, sequence);
            assertThat(before == null || before.compareTo(sequence) < 0).as("sequence order in %s", shard).isTrue();
            assertThat(record.get("approximateArrivalTimestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
            String key = record.get("partitionKey").asText();
            assertThat(shardOfKey.computeIfAbsent(key, k -> shard)).as("key %s on one shard", key).isEqualTo(shard);
            JsonNode data = record.get("data");
            if (data == null) {
                assertThat(record.get("text").asText()).isEqualTo("this is not json");
                assertThat(key).isEqualTo("unkeyed-600");
                continue;
            }
            if (data.get("user") == null) {
                assertThat(key).isEqualTo("unkeyed-900");
                continue;
            }
            assertThat(key).isEqualTo(data.get("user").asText());
            assertThat(data.get("price").decimalValue()).isEqualByComparingTo("12.50");
            orderOfKey.computeIfAbsent(key, k -> new ArrayList<>()).add(data.get("n").asInt());
        }
        assertThat(shardsInOutput).isSorted().hasSize(3);
        assertThat(orderOfKey).hasSize(23).allSatisfy((key, ns) -> assertThat(ns).isSorted().hasSizeGreaterThan(50));

        Captured limited = Cli.run("tail", "events", "--endpoint", endpoint, "--shard", shardsInOutput.get(1),
                "--limit", "7", "--quiet");
        assertThat(limited.exit()).isZero();
        assertThat(limited.json()).hasSize(7)
                .allSatisfy(r -> assertThat(r.get("shardId").asText()).isEqualTo(shardsInOutput.get(1)));
        assertThat(limited.err()).isEmpty();
    }

    @Test
    void partitionKeyFromAPipelineIsThePipelinesKeyOfEachRecord() throws Exception {
        Path input = NodeModules.find("vega-datasets").resolve("data/flights-2k.json");

        Captured put = Cli.run("put", "flights-by-origin", "--input", input.toString(), "--endpoint", endpoint,
                "--partition-key-from", "flight-delays", "--create", "--quiet");

        assertThat(put.exit()).as(put.err()).isZero();
        assertThat(put.out()).contains("2,000 of 2,000 into stream flights-by-origin (4 open shards)")
                .contains("the key of pipeline flight-delays");
        List<JsonNode> records = Cli.run("tail", "flights-by-origin", "--endpoint", endpoint).json();
        assertThat(records).hasSize(2_000).allSatisfy(r ->
                assertThat(r.get("partitionKey").asText()).isEqualTo(r.get("data").get("origin").asText()));
    }

    @Test
    void followPrintsRecordsPutAfterItStartedAndStopsAtTheLimit() throws Exception {
        Kinesalite.disableCbor();
        try (KinesisClient kinesis = KinesisClient.builder().httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(kinesalite.endpoint()).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("x", "y"))).build()) {
            kinesis.createStream(b -> b.streamName("live").shardCount(2));
            kinesis.waiter().waitUntilStreamExists(b -> b.streamName("live"));
            kinesis.putRecord(b -> b.streamName("live").partitionKey("old").data(SdkBytes.fromUtf8String("{\"old\":1}")));

            CompletableFuture<Captured> tail = CompletableFuture.supplyAsync(() -> Cli.run("tail", "live",
                    "--endpoint", endpoint, "--from", "latest", "--follow", "--limit", "3"));
            int n = 0;
            while (!tail.isDone() && n < 200) {
                int value = n++;
                kinesis.putRecord(b -> b.streamName("live").partitionKey("p" + value % 5)
                        .data(SdkBytes.fromString("{\"n\":" + value + "}", StandardCharsets.UTF_8)));
                Thread.sleep(100);
            }
            Captured result = tail.get(30, TimeUnit.SECONDS);

            assertThat(result.exit()).as(result.err()).isZero();
            List<JsonNode> records = result.json();
            assertThat(records).hasSize(3).allSatisfy(r -> assertThat(r.get("data").has("n")).isTrue());
            assertThat(result.err()).contains("3 records from stream live");
        }
    }

    @Test
    void bytesArePrintedAsJsonTextOrBase64AndFirehoseObjectsSplitIntoRecords() {
        com.fasterxml.jackson.databind.node.ObjectNode line = JSON.createObjectNode();
        TailLines.payload(line, "{\"amount\":1.10,\"big\":123456789012345678901234567890}"
                .getBytes(StandardCharsets.UTF_8));
        assertThat(line.toString()).isEqualTo("{\"data\":{\"amount\":1.10,\"big\":123456789012345678901234567890}}");
        line = JSON.createObjectNode();
        TailLines.payload(line, "grüße, not json".getBytes(StandardCharsets.UTF_8));
        assertThat(line.get("text").asText()).isEqualTo("grüße, not json");
        line = JSON.createObjectNode();
        TailLines.payload(line, new byte[] {(byte) 0xff, 0, 1});
        assertThat(line.get("base64").asText()).isEqualTo("/wAB");

        assertThat(DeliveryStreamTail.records("{\"a\":1}\n{\"a\":2}\n".getBytes(StandardCharsets.UTF_8))).hasSize(2);
        assertThat(DeliveryStreamTail.records("{\"a\":1}{\"a\":2}{\"a\":3}".getBytes(StandardCharsets.UTF_8)))
                .extracting(b -> new String(b, StandardCharsets.UTF_8)).containsExactly("{\"a\":1}", "{\"a\":2}",
                        "{\"a\":3}");
        assertThat(DeliveryStreamTail.records("one\ntwo words\n".getBytes(StandardCharsets.UTF_8)))
                .extracting(b -> new String(b, StandardCharsets.UTF_8)).containsExactly("one", "two words");
    }

    @Test
    void progressComesEveryTwoSecondsOnStandardErrorUnlessQuiet() throws Exception {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream stream = new java.io.PrintStream(err, true, StandardCharsets.UTF_8);
        Progress progress = new Progress(stream, false).every(() -> "put 5/10 records");
        Thread.sleep(Progress.INTERVAL_MS + 300);
        progress.close();
        Progress quiet = new Progress(stream, true).every(() -> "quiet");
        quiet.say("nothing");
        quiet.close();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("[eddy] put 5/10 records\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"put", "tail", "status"})
    void everyCommandExplainsItselfWithHelp(String command) {
        Captured help = Cli.run(command, "--help");

        assertThat(help.exit()).isZero();
        assertThat(help.out()).startsWith("Usage: eddy " + command).contains("--endpoint=URL").contains("Exit codes:")
                .contains("  2   bad arguments");
        assertThat(Cli.run("--help").out()).contains("  " + command + " ");
    }

    @Test
    void badArgumentsExitWith2AndAOneLineReason() throws Exception {
        Path input = dir.resolve("one.jsonl");
        Files.writeString(input, "{\"k\":1}\n");
        Map<List<String>, String> cases = new LinkedHashMap<>();
        cases.put(List.of("put", "s", "--input", input.toString()), "Missing required argument");
        cases.put(List.of("put", "s", "--input", input.toString(), "--partition-key", "k", "--partition-key-from",
                "flight-delays"), "mutually exclusive");
        cases.put(List.of("put", "s", "--input", dir.resolve("none.json").toString(), "--partition-key", "k"),
                "does not exist or is not a file");
        cases.put(List.of("put", "s", "--input", input.toString(), "--partition-key", "k", "--shards", "2"),
                "--shards applies to a stream --create makes");
        cases.put(List.of("put", "s", "--input", input.toString(), "--partition-key-from", "nope"),
                "no pipeline named 'nope'");
        cases.put(List.of("put", "no-such-stream", "--input", input.toString(), "--partition-key", "k",
                "--endpoint", endpoint), "stream 'no-such-stream' does not exist at " + endpoint
                        + "; add --create");
        Path huge = dir.resolve("huge.jsonl");
        Files.writeString(huge, "{\"k\":1}\n{\"k\":2,\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}\n");
        cases.put(List.of("put", "s", "--input", huge.toString(), "--partition-key", "k", "--endpoint", endpoint),
                "line 2 of " + huge + ": the record is 1,048,593 bytes with its partition key; a Kinesis record takes"
                        + " at most 1,048,576");
        cases.put(List.of("tail", "--endpoint", endpoint), "name a stream or a --sink");
        cases.put(List.of("tail", "s", "--from", "yesterday"), "--from takes trim-horizon, latest or an ISO-8601");
        cases.put(List.of("tail", "s", "--from", "latest"), "add --follow");
        cases.put(List.of("tail", "s", "--limit", "0"), "--limit must be 1 or more");
        cases.put(List.of("tail", "--sink", "queue"), "--sink takes KIND:NAME");
        cases.put(List.of("tail", "--sink", "sqs:q", "--follow"), "are for streams");
        cases.put(List.of("tail", "--sink", "sns:alerts"), "an SNS topic keeps no messages");
        cases.put(List.of("tail", "no-such-stream", "--endpoint", endpoint), "stream 'no-such-stream' does not exist");
        cases.put(List.of("status", "nope"), "no pipeline named 'nope'");
        cases.put(List.of("status", "flight-delays", "--count-max", "0"), "--count-max must be 1 or more");
        cases.put(List.of("status", "flight-delays", "--tables", "x"), "Unknown options: '--tables'");
        cases.forEach((args, reason) -> {
            Captured result = Cli.run(args.toArray(String[]::new));
            assertThat(result.exit()).as("%s: %s", args, result.err()).isEqualTo(EddyCli.EXIT_USAGE);
            assertThat(result.err().lines().findFirst().orElse("")).as("%s", args).startsWith("eddy: error: ")
                    .contains(reason);
            assertThat(result.out()).as("%s", args).isEmpty();
        });
    }
}

package dev.eddy.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.emulator.console.Captured;
import dev.eddy.emulator.embedded.NodeModules;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./eddy run flight-delays} end to end against the real emulators (DynamoDB Local, kinesalite), on the real
 * flights data set; expectations are computed directly from the input file.
 */
class FlightDelaysRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Per (origin, UTC day): the flights' delays, computed straight from the input. */
    private static Map<String, List<Integer>> delaysByOriginAndDay(List<JsonNode> flights) {
        Map<String, List<Integer>> delays = new TreeMap<>();
        for (JsonNode flight : flights) {
            String day = flight.get("date").asText().substring(0, 10).replace('/', '-');
            delays.computeIfAbsent(flight.get("origin").asText() + " " + day, k -> new ArrayList<>())
                    .add(flight.get("delay").asInt());
        }
        return delays;
    }

    private static List<JsonNode> jsonLines(Path file) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file)) {
                nodes.add(JSON.readTree(line));
            }
        }
        return nodes;
    }

    private static void assertStatsMatch(List<JsonNode> results, Map<String, List<Integer>> expected) {
        Map<String, JsonNode> byPair = new HashMap<>();
        for (JsonNode result : results) {
            String pair = result.get("origin").asText() + " " + result.get("windowStart").asText().substring(0, 10);
            assertThat(byPair.put(pair, result)).as("second result for %s", pair).isNull();
        }
        assertThat(byPair.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((pair, delays) -> {
            JsonNode r = byPair.get(pair);
            double avg = delays.stream().mapToInt(Integer::intValue).average().orElseThrow();
            long onTime = delays.stream().filter(d -> d <= 15).count();
            assertThat(r.get("flights").asLong()).as(pair).isEqualTo(delays.size());
            assertThat(r.get("avgDelayMinutes").asDouble()).as(pair).isCloseTo(avg, org.assertj.core.data.Offset.offset(1e-9));
            assertThat(r.get("maxDelayMinutes").asInt()).as(pair)
                    .isEqualTo(delays.stream().mapToInt(Integer::intValue).max().orElseThrow());
            assertThat(r.get("onTimeRatio").asDouble()).as(pair)
                    .isCloseTo((double) onTime / delays.size(), org.assertj.core.data.Offset.offset(1e-9));
            assertThat(r.get("firing").asInt()).isZero();
            assertThat(r.get("windowEnd").asText()).isEqualTo(
                    java.time.Instant.parse(r.get("windowStart").asText()).plus(java.time.Duration.ofDays(1)).toString());
        });
    }

    private static int run(String... args) {
        return EddyCli.execute(args);
    }

    /**
     * With file sinks, and with the sinks switched to Firehose and SNS on moto by configuration ({@code --sinks
     * moto}: the stats read back from the delivery stream's S3 bucket, the alerts from an SQS queue subscribed to
     * the topic, the failure destination from its SQS queue).
     */
    @ParameterizedTest
    @ValueSource(strings = {"file", "moto"})
    void everyOriginAndDayOfTheRealFlightsAppearsOnceWithItsDirectlyComputedStats(String sinks) throws Exception {
        Path input = NodeModules.find("vega-datasets").resolve("data/flights-20k.json");
        List<JsonNode> flights = new ArrayList<>();
        JSON.readTree(input.toFile()).forEach(flights::add);
        Map<String, List<Integer>> expected = delaysByOriginAndDay(flights);

        int exit = run("run", "flight-delays", "--input", input.toString(), "--out", dir.toString(),
                "--sinks", sinks, "--print", "0", "--quiet");

        assertThat(exit).isZero();
        assertStatsMatch(jsonLines(dir.resolve("firehose/flight-delay-stats.jsonl")), expected);
        long alerts = expected.values().stream()
                .filter(d -> d.size() >= 10 && d.stream().mapToInt(Integer::intValue).average().orElseThrow() >= 30)
                .count();
        List<JsonNode> published = jsonLines(dir.resolve("sns/flight-delay-alerts.jsonl"));
        assertThat(published).hasSize((int) alerts).allSatisfy(a -> {
            assertThat(a.get("flights").asLong()).isGreaterThanOrEqualTo(10);
            assertThat(a.get("avgDelayMinutes").asDouble()).isGreaterThanOrEqualTo(30);
        });
        assertThat(jsonLines(dir.resolve("late/flight-delays.jsonl"))).isEmpty();
        assertThat(jsonLines(dir.resolve("failed/flight-delays.jsonl"))).isEmpty();
    }

    @Test
    void poisonRecordsGoToTheFailureOutputWithTheirReasonAndTheRunGoesOn() throws Exception {
        Path sample = NodeModules.find("vega-datasets").resolve("data/flights-2k.json");
        List<JsonNode> flights = new ArrayList<>();
        JSON.readTree(sample.toFile()).forEach(f -> {
            if (flights.size() < 60) {
                flights.add(f);
            }
        });
        List<String> poison = List.of(
                "this is not json",
                "{\"date\":\"2001/01/01 10:00\",\"delay\":5}",
                "{\"date\":\"2001-01-01\",\"delay\":5,\"distance\":1,\"origin\":\"DTW\",\"destination\":\"LAS\"}");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < flights.size(); i++) {
            lines.add(JSON.writeValueAsString(flights.get(i)));
            if (i % 20 == 10) {
                lines.add(poison.get(i / 20));
            }
        }
        Path input = dir.resolve("input.jsonl");
        Files.write(input, lines);

        int exit = run("run", "flight-delays", "--input", input.toString(), "--out", dir.resolve("out").toString(),
                "--print", "0", "--quiet");

        assertThat(exit).isZero();
        List<JsonNode> failed = jsonLines(dir.resolve("out/failed/flight-delays.jsonl"));
        assertThat(failed).hasSize(3);
        assertThat(failed).extracting(f -> new String(Base64.getDecoder().decode(f.get("data").asText()),
                StandardCharsets.UTF_8)).containsExactlyInAnyOrderElementsOf(poison);
        assertThat(failed).allSatisfy(f -> {
            assertThat(f.get("errorMessage").asText()).isNotBlank();
            assertThat(f.get("sequenceNumber").asText()).matches("\\d+");
            assertThat(f.get("shardId").asText()).startsWith("shardId-");
        });
        assertThat(failed).anySatisfy(f -> assertThat(f.get("errorMessage").asText()).contains("does not match pattern"));
        assertStatsMatch(jsonLines(dir.resolve("out/firehose/flight-delay-stats.jsonl")), delaysByOriginAndDay(flights));
    }

    @Test
    void aFlightOlderThanTheWatermarkGoesToTheLateOutputAndIsNotCounted() throws Exception {
        String template = "{\"date\":\"%s\",\"delay\":%d,\"distance\":100,\"origin\":\"%s\",\"destination\":\"SFO\"}";
        List<String> lines = List.of(
                String.format(template, "2001/01/01 10:00", 10, "AAA"),
                String.format(template, "2001/01/02 10:00", 20, "AAA"),
                String.format(template, "2001/01/02 09:55", 30, "AAA"),   // 5 min out of order: within the bound
                String.format(template, "2001/01/01 23:59", 40, "AAA"));  // day 1 has fired: late
        Path input = dir.resolve("late.jsonl");
        Files.write(input, lines);

        int exit = run("run", "flight-delays", "--input", input.toString(), "--out", dir.toString(), "--shards", "1",
                "--print", "0", "--quiet");

        assertThat(exit).isZero();
        List<JsonNode> late = jsonLines(dir.resolve("late/flight-delays.jsonl"));
        assertThat(late).singleElement().satisfies(l -> {
            assertThat(l.get("key").asText()).isEqualTo("AAA");
            assertThat(l.get("windowStart").asText()).isEqualTo("2001-01-01T00:00:00Z");
            assertThat(l.get("element").get("delay").asInt()).isEqualTo(40);
        });
        List<JsonNode> results = jsonLines(dir.resolve("firehose/flight-delay-stats.jsonl"));
        assertThat(results).extracting(r -> r.get("windowStart").asText().substring(0, 10) + "=" + r.get("flights"))
                .containsExactlyInAnyOrder("2001-01-01=1", "2001-01-02=2");
    }

    /**
     * The summary's rows, each beside the CloudWatch metric of the same figure: 100 flights in date order, a poison
     * record and a late flight through one shard, results to Firehose and SNS on moto, where the run's first
     * Firehose call loses an entry that is sent again (a sink retry).
     */
    @Test
    void theSummaryShowsEachFigureBesideTheCloudWatchMetricOfTheSameFigure() throws Exception {
        List<JsonNode> flights = new ArrayList<>();
        for (JsonNode flight : JSON.readTree(NodeModules.find("vega-datasets").resolve("data/flights-2k.json")
                .toFile())) {
            if (flights.size() < 100) {
                flights.add(flight);
            }
        }
        List<String> lines = new ArrayList<>();
        for (JsonNode flight : flights) {
            lines.add(JSON.writeValueAsString(flight));
        }
        lines.add("this is not json");
        lines.add("{\"date\":\"2000/12/31 10:00\",\"delay\":5,\"distance\":1,\"origin\":\"LAX\",\"destination\":\"SFO\"}");
        Path input = dir.resolve("flights.jsonl");
        Files.write(input, lines);
        Map<String, List<Integer>> windows = delaysByOriginAndDay(flights);
        long alerts = windows.values().stream()
                .filter(d -> d.size() >= 10 && d.stream().mapToInt(Integer::intValue).average().orElseThrow() >= 30)
                .count();
        long maxEventTime = java.time.LocalDateTime.parse(flights.get(flights.size() - 1).get("date").asText(),
                java.time.format.DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm"))
                .toInstant(java.time.ZoneOffset.UTC).toEpochMilli();
        String watermark = java.time.Instant.ofEpochMilli(maxEventTime - 10 * 60_000 - 1).toString();

        dev.eddy.emulator.sinks.EntryFaults.failFirstEntry("PutRecordBatch", 1);
        Captured result;
        try {
            result = Cli.run("run", "flight-delays", "--input", input.toString(), "--out", dir.toString(),
                    "--shards", "1", "--sinks", "moto", "--print", "0", "--quiet");
        } finally {
            dev.eddy.emulator.sinks.EntryFaults.reset();
        }

        assertThat(result.exit()).as(result.err()).isZero();
        String summary = result.out().substring(result.out().indexOf("== summary: flight-delays =="));
        assertThat(summary)
                .containsPattern(" +CloudWatch metric\n")
                .containsPattern("records in +102 in the input: 102 put into 1 shards; [\\d,]+ invocations"
                        + " \\(0 retried\\)\n")
                .containsPattern("records processed +Records +102\n")
                .containsPattern("replays skipped \\(duplicates dropped\\) +ReplaysSkipped +0\n")
                .containsPattern("failed records +FailedRecords +1 -> ")
                .containsPattern("e\\.g\\. line 101: dev\\.eddy\\.codec\\.DecodeException: not a Flight: Unrecognized"
                        + " token 'this'")
                .containsPattern("late records +LateRecords +1 -> ")
                .containsPattern("windows fired +WindowsFired +" + windows.size() + "\n")
                .containsPattern("results emitted +ResultsEmitted +" + (windows.size() + alerts) + "\n")
                .containsPattern("sink retries +SinkRetries +1\n")
                .containsPattern("deadline stops +DeadlineStops +0\n")
                .containsPattern("state write units +StateWriteUnits +[\\d,]+ \\(0\\.\\d{3} per record\\)\n")
                .containsPattern("state read units +StateReadUnits +[\\d,]+\n")
                .containsPattern("batch duration +BatchDuration +p50 [\\d,]+ ms · p99 [\\d,]+ ms · max [\\d,]+ ms"
                        + " \\([\\d,]+ invocations\\)\n")
                .containsPattern("watermark lag at the last batch +WatermarkLag +shardId-000000000000  [\\d,]+d \\d+h"
                        + " \\d+min \\(watermark " + java.util.regex.Pattern.quote(watermark)
                        + "\\), then end of input\n")
                .contains("every record accounted for                             yes: 102 in = 102 processed"
                        + " + 0 refused by Kinesis + 0 discarded unprocessed\n")
                .contains("wall time");
    }

    @Test
    void aBatchThatKeepsFailingIsRetriedThenSentToTheOnFailureDestination() throws Exception {
        Path sample = NodeModules.find("vega-datasets").resolve("data/flights-20k.json");
        List<String> lines = new ArrayList<>();
        for (JsonNode flight : JSON.readTree(sample.toFile())) {
            if (lines.size() < 1500) {
                lines.add(JSON.writeValueAsString(flight));
            }
        }
        Path input = dir.resolve("flights.jsonl");
        Files.write(input, lines);
        Path out = dir.resolve("out");
        Files.createDirectories(out);
        Files.writeString(out.resolve("sns"), "a file where the SNS sink's folder should be: alerts cannot be written");

        Captured result = Cli.run("run", "flight-delays", "--input", input.toString(), "--out", out.toString(),
                "--shards", "1", "--max-retries", "1", "--print", "0", "--quiet");

        assertThat(result.exit()).isEqualTo(EddyCli.EXIT_RUN_FAILED);
        // the run says why it failed, in one line naming the batch and the handler's error
        assertThat(result.err().lines().filter(l -> l.startsWith("eddy: error: ")).toList()).singleElement()
                .asString().contains("batches were discarded by the event source mapping")
                .contains("shardId-000000000000: ").contains("(RetryAttemptsExhausted), last because: cannot write "
                        + out.resolve("sns").resolve("flight-delay-alerts.jsonl"));
        assertThat(result.out()).contains("every record accounted for                             yes: 1,500 in");
        List<JsonNode> discarded = jsonLines(out.resolve("esm-failures/flight-delays.jsonl"));
        assertThat(discarded).isNotEmpty().allSatisfy(d -> {
            assertThat(d.get("requestContext").get("condition").asText()).isEqualTo("RetryAttemptsExhausted");
            assertThat(d.get("requestContext").get("approximateInvokeCount").asInt()).isEqualTo(2);
            JsonNode info = d.get("KinesisBatchInfo");
            assertThat(info.get("shardId").asText()).isEqualTo("shardId-000000000000");
            assertThat(info.get("batchSize").asInt()).isPositive();
            assertThat(new java.math.BigInteger(info.get("startSequenceNumber").asText()))
                    .isLessThanOrEqualTo(new java.math.BigInteger(info.get("endSequenceNumber").asText()));
        });
    }

    @Test
    void badArgumentsExitWithCodeTwoAndOneLineReason() {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(run("run", "flight-delays", "--input", dir.resolve("missing.json").toString(), "--quiet"))
                    .isEqualTo(2);
            assertThat(run("run", "no-such-pipeline", "--input", "x.json")).isEqualTo(2);
            assertThat(run("run", "flight-delays")).isEqualTo(2);
        } finally {
            System.setErr(err);
        }
        String text = captured.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("eddy: error: input file").contains("does not exist")
                .contains("no pipeline named 'no-such-pipeline' in the class path; its pipelines: ")
                .contains("flight-delays (dev.eddy.functions.flightdelays.FlightDelaysHandler), flight-delays-sliding"
                        + " (dev.eddy.functions.flightdelays.FlightDelaysSlidingHandler)")
                .contains("Missing required option: '--input=FILE'");
    }
}

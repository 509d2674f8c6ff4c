package dev.eddy.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.emulator.console.Captured;
import dev.eddy.emulator.console.Pipelines;
import dev.eddy.emulator.embedded.Kinesalite;
import dev.eddy.pipeline.Pipeline;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code ./eddy run} and its sibling commands check before they start, and what they say when something is
 * wrong: exit code 2 and one line naming the value, the rule and the fix, before any emulator starts.
 */
class RunChecksTest {

    @TempDir
    Path dir;

    private Path input() throws Exception {
        Path input = dir.resolve("flights.jsonl");
        Files.writeString(input, "{\"date\":\"2001/01/01 00:10\",\"delay\":5,\"distance\":100,\"origin\":\"DTW\","
                + "\"destination\":\"LAS\"}\n", StandardCharsets.UTF_8);
        return input;
    }

    private static void assertRefused(Captured result, String... parts) {
        assertThat(result.exit()).as(result.err()).isEqualTo(EddyCli.EXIT_USAGE);
        assertThat(result.err().lines().toList()).as(result.err()).hasSize(1);
        assertThat(result.err()).startsWith("eddy: error: ").contains(parts);
        assertThat(result.out()).isEmpty();
    }

    @Test
    void aSecondRunIntoAnOutputFolderInUseIsRefused() throws Exception {
        Path out = dir.resolve("out");
        Pipeline pipeline = Pipelines.instantiate(Pipelines.onClassPath().choose("flight-delays", null)).pipeline();
        try (RunOutputs first = RunOutputs.open(out, pipeline, input())) {
            assertThat(first.marker()).exists();
            assertRefused(Cli.run("run", "flight-delays", "--input", input().toString(), "--out", out.toString()),
                    "another ./eddy run is writing to " + out, "another --out");
            first.finished();
            assertThat(first.marker()).doesNotExist();
        }
    }

    @Test
    void anOutputFolderThatCannotBeWrittenIsRefusedBeforeTheRun() throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertRefused(Cli.run("run", "flight-delays", "--input", input().toString(), "--out", file.toString()),
                "is a file, not a folder");
        assertRefused(Cli.run("run", "flight-delays", "--input", input().toString(), "--out", "/proc/eddy-out"),
                "--out /proc/eddy-out cannot be written");
    }

    @Test
    void destinationsThatCannotBeReachedAreFoundBeforeTheRun() throws Exception {
        String previous = System.getProperty("AWS_ENDPOINT_URL");
        System.setProperty("AWS_ENDPOINT_URL", "http://127.0.0.1:9");
        try {
            assertRefused(Cli.run("run", "flight-delays", "--input", input().toString(), "--out",
                    dir.resolve("out").toString(), "--sinks", "aws", "--quiet"),
                    "firehose:flight-delay-stats cannot be reached at http://127.0.0.1:9",
                    "sqs:eddy-flight-delays-failures", "--sinks moto");
        } finally {
            if (previous == null) {
                System.clearProperty("AWS_ENDPOINT_URL");
            } else {
                System.setProperty("AWS_ENDPOINT_URL", previous);
            }
        }
    }

    @Test
    void settingsThatCannotWorkAreRefusedInTheUnitsOfTheirFlags() throws Exception {
        String in = input().toString();
        assertRefused(Cli.run("run", "flight-delays", "--input", in, "--timeout", "1", "--batch-size", "10000"),
                "--timeout 1 s leaves no time for work", "EDDY_DEADLINE_RESERVE_MS", "use --timeout 2 or more");
        assertRefused(Cli.run("run", "flight-delays", "--input", in, "--timeout", "0"),
                "function timeout must be 1-900 s, was 0 s");
        assertRefused(Cli.run("run", "flight-delays", "--input", in, "--batching-window", "301"),
                "batching window must be 0-300 s, was 301 s");
        assertRefused(Cli.run("run", "flight-delays", "--input", in, "--max-record-age", "30"),
                "was 30 s");
        String future = Instant.now().plusSeconds(3_600).toString();
        assertRefused(Cli.run("run", "flight-delays", "--input", in, "--starting-timestamp", future),
                "--starting-timestamp " + future + " is in the future");
    }

    @Test
    void aStartingTimestampInThePastStartsAtTheFirstRecordArrivedAfterIt() throws Exception {
        Path out = dir.resolve("out");
        long started = System.nanoTime();
        Captured result = Cli.run("run", "flight-delays", "--input", input().toString(), "--out", out.toString(),
                "--starting-timestamp", "2000-01-01T00:00:00Z", "--shards", "2", "--print", "0", "--quiet");
        assertThat(result.exit()).as(result.err()).isZero();
        assertThat(result.out()).contains("records processed                    Records           1\n");
        assertThat(Files.readAllLines(out.resolve("firehose/flight-delay-stats.jsonl"))).hasSize(1);
        // kinesalite never answers AT_TIMESTAMP for a shard with no record after the timestamp: the run must not
        // wait for a client timeout (a plain run of one record takes a few seconds)
        assertThat((System.nanoTime() - started) / 1e9).isLessThan(25);
    }

    @Test
    void sampleSaysWhatItWroteAndWhyItCannot() throws Exception {
        Path file = dir.resolve("orders.jsonl");
        Captured ok = Cli.run("sample", "orders", "--orders", "50", "--output", file.toString());
        assertThat(ok.exit()).as(ok.err()).isZero();
        assertThat(ok.err()).contains("wrote 50 orders to " + file);
        assertThat(Files.readAllLines(file)).hasSize(50);
        assertRefused(Cli.run("sample", "orders", "--output", dir.resolve("nope/orders.jsonl").toString()),
                "folder " + dir.resolve("nope") + " does not exist");
    }

    @Test
    void errorsOfAnEndpointNameIt() throws Exception {
        Captured refused = Cli.run("status", "flight-delays", "--endpoint", "http://127.0.0.1:9");
        assertThat(refused.exit()).isEqualTo(EddyCli.EXIT_RUN_FAILED);
        assertThat(refused.err()).startsWith("eddy: error: cannot connect to ").contains("http://127.0.0.1:9")
                .contains("Connection refused");
        try (Kinesalite kinesalite = Kinesalite.start()) {
            // kinesalite serves Kinesis, not DynamoDB: it answers the status command's DynamoDB call with HTTP 404
            assertRefused(Cli.run("status", "flight-delays", "--endpoint", kinesalite.endpoint().toString()),
                    "answered HTTP 404 to a DynamoDb request", kinesalite.endpoint().toString());
        }
    }

    @Test
    void tableCellsShowControlCharactersAsEscapes() {
        assertThat(ResultsTable.visible("T\tAB\nNL\u0000\r")).isEqualTo("T\\tAB\\nNL\\u0000\\r");
        assertThat(ResultsTable.visible("DTW São")).isEqualTo("DTW São");
    }
}

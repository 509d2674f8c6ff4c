package dev.eddy.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.emulator.console.Captured;
import dev.eddy.emulator.embedded.NodeModules;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./eddy run} on input with every kind of bad record a producer can send, mixed with real flights: the run
 * goes to the end, every good window is right, and every bad record is accounted for with its reason, its input
 * line and its exact bytes. Nothing is lost or changed silently.
 */
class BadInputRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** A flight of 2001-01-01 as a JSON line, with an origin given as JSON string content (escapes allowed). */
    private static byte[] flight(String time, int delay, String origin) {
        return ("{\"date\":\"2001/01/01 " + time + "\",\"delay\":" + delay + ",\"distance\":100,\"origin\":\""
                + origin + "\",\"destination\":\"DTW\"}").getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] line) {
        return new String(line, StandardCharsets.UTF_8);
    }

    @Test
    void aFileOfEveryKindOfBadRecordRunsToTheEndWithEveryRecordAccountedFor() throws Exception {
        List<byte[]> lines = new ArrayList<>();
        // kept, each as its own key: U+0000 (escaped in JSON), the empty key, a key over Kinesis' 256-character
        // partition keys, a tab and a newline (escaped)
        lines.add(flight("00:10", 5, "\\u0000NUL"));
        lines.add(flight("00:11", 6, "\\u0000XYZ"));
        lines.add(flight("00:12", 7, "AB\\u0000C"));
        lines.add(flight("00:13", 8, "AB\\u0000D"));
        lines.add(flight("00:14", 9, ""));
        lines.add(flight("00:15", 10, "L".repeat(300)));
        lines.add(flight("00:16", 11, "T\\tAB\\nNL"));
        // failed, with their reasons
        Map<Integer, String> failures = new TreeMap<>();
        lines.add("not json at all".getBytes(StandardCharsets.UTF_8));
        failures.put(lines.size(), "Unrecognized token");
        lines.add(flight("00:17", 12, "COE").clone());
        lines.set(lines.size() - 1, text(lines.get(lines.size() - 1)).replace("\"delay\":12", "\"delay\":3.7")
                .getBytes(StandardCharsets.UTF_8));
        failures.put(lines.size(), "Cannot coerce Floating-point value (3.7)");
        lines.add(text(flight("00:18", 13, "@")).replace("@", "Z\u00fcrich").getBytes(StandardCharsets.ISO_8859_1));
        failures.put(lines.size(), "data is not valid UTF-8");
        lines.add(text(flight("00:19", 14, "@")).replace("@", "Z\u00e4rich").getBytes(StandardCharsets.ISO_8859_1));
        failures.put(lines.size(), "data is not valid UTF-8");
        lines.add(flight("00:20", 15, "\\ud800x"));
        failures.put(lines.size(), "unpaired surrogate");
        byte[] noise = new byte[300];
        new Random(3).nextBytes(noise);
        for (int i = 0; i < noise.length; i++) {
            noise[i] = noise[i] == '\n' || noise[i] == '\r' ? (byte) '.' : noise[i];
        }
        noise[0] = '{';
        lines.add(noise);
        failures.put(lines.size(), "");
        // no Kinesis record takes more than 1 MiB: refused before the stream, with its line
        lines.add(flight("00:21", 16, "BIG" + "x".repeat(1_100 * 1024)));
        int tooLarge = lines.size();
        // real flights after them
        Path data = NodeModules.find("vega-datasets").resolve("data/flights-2k.json");
        List<JsonNode> real = new ArrayList<>();
        JSON.readTree(data.toFile()).forEach(f -> {
            if (real.size() < 400) {
                real.add(f);
            }
        });
        for (JsonNode f : real) {
            lines.add(JSON.writeValueAsBytes(f));
        }
        Path input = dir.resolve("mixed.jsonl");
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (byte[] line : lines) {
            file.write(line);
            file.write('\n');
        }
        Files.write(input, file.toByteArray());

        Path out = dir.resolve("out");
        Captured result = Cli.run("run", "flight-delays", "--input", input.toString(), "--out", out.toString(),
                "--print", "all", "--quiet");

        assertThat(result.exit()).as(result.err()).isZero();
        // every good window right, the kept keys as themselves
        Map<String, List<Integer>> expected = new TreeMap<>();
        for (JsonNode f : real) {
            expected.computeIfAbsent(f.get("origin").asText() + "|" + f.get("date").asText().substring(0, 10)
                    .replace('/', '-'), k -> new ArrayList<>()).add(f.get("delay").asInt());
        }
        int delay = 5;
        for (String key : List.of("\u0000NUL", "\u0000XYZ", "AB\u0000C", "AB\u0000D", "", "L".repeat(300),
                "T\tAB\nNL")) {
            expected.computeIfAbsent(key + "|2001-01-01", k -> new ArrayList<>()).add(delay++);
        }
        Map<String, JsonNode> results = new HashMap<>();
        for (String line : Files.readAllLines(out.resolve("firehose/flight-delay-stats.jsonl"))) {
            JsonNode r = JSON.readTree(line);
            String pair = r.get("origin").asText() + "|" + r.get("windowStart").asText().substring(0, 10);
            assertThat(results.put(pair, r)).as("second result for %s", pair).isNull();
        }
        assertThat(results.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((pair, delays) -> {
            assertThat(results.get(pair).get("flights").asInt()).as(pair).isEqualTo(delays.size());
            assertThat(results.get(pair).get("maxDelayMinutes").asInt()).as(pair)
                    .isEqualTo(delays.stream().mapToInt(Integer::intValue).max().orElseThrow());
        });
        // every failed record: its reason, its input line, its bytes exactly as in the file
        Map<Integer, JsonNode> failed = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve("failed/flight-delays.jsonl"))) {
            JsonNode f = JSON.readTree(line);
            assertThat(failed.put(f.get("inputLine").asInt(), f)).isNull();
        }
        Map<Integer, String> expectedFailures = new TreeMap<>(failures);
        expectedFailures.put(tooLarge, "a Kinesis record takes at most 1,048,576");
        assertThat(failed.keySet()).containsExactlyElementsOf(expectedFailures.keySet());
        expectedFailures.forEach((line, reason) -> {
            JsonNode f = failed.get(line);
            assertThat(f.get("errorMessage").asText()).as("line %d", line).contains(reason);
            assertThat(Base64.getDecoder().decode(f.get("data").asText())).as("line %d", line)
                    .isEqualTo(lines.get(line - 1));
        });
        assertThat(failed.get(tooLarge).get("type").asText()).isEqualTo("refused");
        assertThat(Files.exists(out.resolve("late/flight-delays.jsonl"))).isFalse();
        // the summary accounts for each record, shows reasons, and the tables stay one row per line
        int in = lines.size();
        assertThat(result.out()).contains(String.format("yes: %,d in = %,d processed + 1 refused by Kinesis + 0"
                + " discarded unprocessed", in, in - 1));
        assertThat(result.out()).contains("failed records                       FailedRecords     "
                + failures.size() + " (and 1 refused by Kinesis, never put) -> ");
        assertThat(result.out()).containsPattern("e\\.g\\. line \\d+: [a-zA-Z.]+Exception: ");
        assertThat(result.out()).contains("late records                         LateRecords       0\n");
        assertThat(result.out()).contains("T\\tAB\\nNL  ").doesNotContain("\t");
        assertThat(result.out().lines().filter(l -> l.startsWith("\\u0000NUL "))).hasSize(1);
        assertThat(Files.exists(out.resolve("INCOMPLETE-flight-delays.txt"))).isFalse();
    }
}

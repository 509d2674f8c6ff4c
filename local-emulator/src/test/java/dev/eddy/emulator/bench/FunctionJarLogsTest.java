package dev.eddy.emulator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.emulator.embedded.FreePorts;
import dev.eddy.functions.flightdelays.FlightDelaysHandler;
import dev.eddy.config.EddySettings;
import dev.eddy.state.dynamodb.DynamoDbStateBackendProvider;
import dev.eddy.state.dynamodb.local.DynamoDbLocal;
import dev.eddy.state.dynamodb.table.StateTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded function jar logs as Lambda's advanced logging controls expect. A fresh JVM on {@code
 * functions/target/lambda/flight-delays.jar} ({@link StartupProbe}) handles two batches, each with a context of its
 * own, while DynamoDB is unreachable: both batches fail, and each failure is logged as an ERROR with its exception.
 * The jar is built by the functions module's package phase, before this module's tests in a reactor build.
 */
class FunctionJarLogsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHARD = "shardId-000000000000";
    private static final String BASE = "4959033827149025660855969253836157109592157598913658880";
    /** First and last sequence numbers of the two batches. */
    private static final String[][] RANGES = {{BASE + "1", BASE + "2"}, {BASE + "3", BASE + "4"}};
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    @TempDir
    Path work;

    @Test
    void jsonLinesCarryLevelMessageShardSequenceRangeRequestIdAndTheException() throws Exception {
        String out = run(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON"));

        List<JsonNode> lines = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.isBlank() && !line.startsWith("{\"mode\"")) { // the probe's own line of timings
                lines.add(JSON.readTree(line)); // every log line is one JSON document
            }
        }
        List<JsonNode> errors = lines.stream().filter(l -> l.path("level").asText().equals("ERROR")).toList();
        assertThat(errors).as(out).hasSize(2);
        for (int i = 0; i < 2; i++) {
            JsonNode error = errors.get(i);
            assertThat(error.get("timestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            assertThat(error.get("logger").asText()).isEqualTo("dev.eddy.internal.ShardCycle");
            assertThat(error.get("message").asText()).startsWith("pipeline flight-delays shard " + SHARD
                    + ": batch failed from sequence number " + RANGES[i][0]);
            assertThat(error.get("pipeline").asText()).isEqualTo("flight-delays");
            assertThat(error.get("shardId").asText()).isEqualTo(SHARD);
            assertThat(error.get("firstSequenceNumber").asText()).isEqualTo(RANGES[i][0]);
            assertThat(error.get("lastSequenceNumber").asText()).isEqualTo(RANGES[i][1]);
            assertThat(error.get("records").asText()).isEqualTo("2");
            assertThat(error.get("requestId").asText()).matches(UUID);
            assertThat(error.get("errorType").asText()).startsWith("software.amazon.awssdk.");
            assertThat(error.get("errorMessage").asText()).isNotBlank();
            assertThat(error.get("stackTrace").isArray() && !error.get("stackTrace").isEmpty())
                    .as(error.toString()).isTrue();
        }
        assertThat(errors.get(0).get("requestId")).isNotEqualTo(errors.get(1).get("requestId"));
    }

    @Test
    void textLinesWhenTheFunctionsLogFormatIsText() throws Exception {
        String out = run(Map.of());

        assertThat(out.lines().filter(l -> l.startsWith("{\"timestamp\""))).isEmpty();
        for (String[] range : RANGES) {
            assertThat(out.lines().filter(l -> l.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d " + UUID
                    + " ERROR ShardCycle - pipeline flight-delays shard " + SHARD
                    + ": batch failed from sequence number " + range[0] + ";.*"))).as(out).hasSize(1);
        }
        assertThat(out).contains("\tat software.amazon.awssdk."); // the stack trace
    }

    @Test
    void theFunctionsLogLevelFiltersLines() throws Exception {
        String out = run(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON", "AWS_LAMBDA_LOG_LEVEL", "FATAL"));

        assertThat(out.lines().filter(l -> !l.startsWith("{\"mode\""))).as(out).isEmpty();
    }

    /**
     * No credential is ever logged, and no record data, at the most verbose level (TRACE), with keys and data that hold
     * markers: once with DynamoDB Local up, where the batches succeed and a poison record (not JSON) goes to the
     * failure output, which holds its data by design; once with DynamoDB unreachable, where every batch fails and is
     * logged with its exception. Neither the data's marker nor the secret key nor the session token appears in what
     * the function printed.
     */
    @Test
    void noCredentialAndNoRecordDataIsLoggedEvenAtTrace() throws Exception {
        String secret = "SECRETMARKER" + System.nanoTime();
        String token = "TOKENMARKER" + System.nanoTime();
        String data = "DATAMARKER" + System.nanoTime();
        Map<String, String> settings = new HashMap<>(Map.of("AWS_LAMBDA_LOG_FORMAT", "JSON",
                "AWS_LAMBDA_LOG_LEVEL", "TRACE", "AWS_SECRET_ACCESS_KEY", secret, "AWS_SESSION_TOKEN", token));
        String flight = "{\"origin\":\"" + data + "\",\"date\":\"2001/01/01 10:00\",\"delay\":5,"
                + "\"distance\":300,\"destination\":\"LAX\"}";
        List<List<String>> batches = List.of(List.of(flight, "not json " + data), List.of(flight, flight));
        try (DynamoDbLocal dynamoDbLocal = DynamoDbLocal.server()) {
            StateTable.create(dynamoDbLocal.client(), "logs");
            settings.put("AWS_ENDPOINT_URL_DYNAMODB", dynamoDbLocal.endpoint().toString());
            String out = run(settings, batches, "\"failures\":0");

            assertThat(out + Files.readString(work.resolve("stderr.txt"))).doesNotContain(secret, token, data);
            assertThat(Files.readString(work.resolve("out/failed/flight-delays.jsonl")))
                    .contains(java.util.Base64.getEncoder().encodeToString(("not json " + data)
                            .getBytes(StandardCharsets.UTF_8)));
        }
        settings.put("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:" + FreePorts.next()); // nothing listens
        String out = run(settings, batches, "\"failures\":2");

        assertThat(out.lines().filter(l -> l.contains("\"level\":\"ERROR\""))).as(out).hasSize(2);
        assertThat(out + Files.readString(work.resolve("stderr.txt"))).doesNotContain(secret, token, data);
    }

    /**
     * @param logSettings the function's log format and level, as Lambda sets them
     * @return what the function's JVM printed on standard output
     */
    private String run(Map<String, String> logSettings) throws Exception {
        Map<String, String> settings = new HashMap<>(logSettings);
        settings.put("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:" + FreePorts.next()); // nothing listens
        List<List<String>> data = new ArrayList<>();
        for (String[] range : RANGES) {
            data.add(List.of("{\"origin\":\"SFO\"}", "{\"origin\":\"SFO\"}"));
        }
        return run(settings, data, "\"failures\":2");
    }

    /**
     * @param environment the function's environment beyond the state table and sinks (log format and level,
     *     DynamoDB's endpoint, keys)
     * @param data each batch's records' data, as text: two batches of two records (the probe's two invocations)
     * @param expected what the probe's line of figures must contain
     * @return what the function's JVM printed on standard output
     */
    private String run(Map<String, String> environment, List<List<String>> data, String expected) throws Exception {
        Path jar = Path.of("").toAbsolutePath().getParent().resolve("functions/target/lambda/flight-delays.jar");
        assertThat(jar).as("built by the functions module's package phase").isRegularFile();
        Path batches = work.resolve("batches.json");
        Files.write(batches, batches(data));
        Map<String, String> settings = new HashMap<>();
        settings.put(EddySettings.STATE_TABLE, "logs");
        settings.put(EddySettings.SINKS, "file:" + work.resolve("out"));
        settings.put(DynamoDbStateBackendProvider.MAX_ATTEMPTS_SETTING, "1");
        ProcessBuilder jvm = StartupProbe.jvm(jar, FlightDelaysHandler.class.getName(), batches,
                List.of("cold", "context"), settings);
        jvm.environment().remove("AWS_LAMBDA_LOG_FORMAT");
        jvm.environment().remove("AWS_LAMBDA_LOG_LEVEL");
        jvm.environment().putAll(environment);
        Path err = work.resolve("stderr.txt");
        jvm.redirectError(err.toFile());
        Process process = jvm.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as(Files.readString(err) + out).isZero();
        assertThat(out).as(Files.readString(err)).contains(expected);
        return out;
    }

    /** @return batches of one shard with the given data, in the probe's format */
    private static byte[] batches(List<List<String>> data) throws Exception {
        List<List<Map<String, Object>>> all = new ArrayList<>();
        long at = 1_700_000_000_000L;
        for (int b = 0; b < data.size(); b++) {
            List<Map<String, Object>> batch = new ArrayList<>();
            for (int r = 0; r < data.get(b).size(); r++) {
                batch.add(Map.of("seq", RANGES[b][r], "pk", "SFO", "at", at++, "data", java.util.Base64.getEncoder()
                        .encodeToString(data.get(b).get(r).getBytes(StandardCharsets.UTF_8))));
            }
            all.add(batch);
        }
        return JSON.writeValueAsBytes(all);
    }
}

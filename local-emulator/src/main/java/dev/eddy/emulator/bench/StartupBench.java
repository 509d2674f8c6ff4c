package dev.eddy.emulator.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.eddy.emulator.console.UsageError;
import dev.eddy.state.dynamodb.local.DynamoDbLocal;
import dev.eddy.emulator.embedded.NodeModules;
import dev.eddy.config.EddySettings;
import dev.eddy.state.dynamodb.table.StateTable;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * {@code ./eddy bench startup}: a function's start-up as Lambda runs it — a fresh JVM whose class path is the
 * pipeline's shaded jar creates the handler and handles its first two batches of 500 real flights against DynamoDB
 * Local, cold and primed (SnapStart's {@code beforeCheckpoint} work, done before the first batch). Each JVM runs with
 * the flags Lambda's Java runtimes set by default ({@code -XX:+TieredCompilation -XX:TieredStopAtLevel=1}).
 */
@Command(name = "startup", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Start-up of a function: a fresh JVM on the shaded jar creates the handler and handles two"
            + " batches of 500 flights, cold and primed; prints ms per step and the jar's size."})
final class StartupBench implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--pipeline", defaultValue = "flight-delays", paramLabel = "NAME",
            description = "the pipeline whose jar to start (default: ${DEFAULT-VALUE})")
    private String pipeline;

    @picocli.CommandLine.Mixin
    private dev.eddy.emulator.console.FunctionJarOptions examples;

    @Option(names = "--runs", defaultValue = "3", paramLabel = "N",
            description = "JVMs per mode (default: ${DEFAULT-VALUE})")
    private int runs;

    @Option(names = "--json", description = "also print each figure as one JSON object a line (benchmark, system,"
            + " metric, value, unit) on standard output; the tables then go to standard error")
    private boolean json;

    @Override
    public Integer call() throws Exception {
        List<BenchRow> figures = measure();
        printRuns(json ? System.err : System.out);
        BenchRow.print(figures, json, System.out);
        return 0;
    }

    /** Each JVM's timings, from the last {@link #measure()}. */
    private final List<JsonNode> results = new ArrayList<>();

    /**
     * Runs the measurement.
     *
     * @return mean init and first-invocation ms per mode (cold, primed) and the jar's size in MB
     * @throws Exception if a JVM or DynamoDB Local fails
     */
    List<BenchRow> measure() throws Exception {
        if (runs < 1) {
            throw new UsageError("--runs must be 1 or more, was " + runs);
        }
        String handler = examples.choose(pipeline).getName();
        Path jar = jar(pipeline);
        Path work = Files.createTempDirectory("eddy-startup-");
        Path batches = work.resolve("batches.json");
        Files.write(batches, batches());
        System.err.printf(Locale.ROOT, "[bench] %s: %s (%.1f MB), %d JVM(s) per mode%n", pipeline, jar,
                Files.size(jar) / 1e6, runs);
        results.clear();
        try (DynamoDbLocal dynamo = DynamoDbLocal.server();
             DynamoDbClient client = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
                     .endpointOverride(dynamo.endpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("eddylocal",
                             "eddylocal"))).build()) {
            int n = 0;
            for (String mode : List.of("cold", "prime")) {
                for (int run = 1; run <= runs; run++) {
                    String table = "startup-" + ++n;
                    StateTable.create(client, table);
                    results.add(probe(jar, handler, batches, mode, Map.of(
                            EddySettings.STATE_TABLE, table,
                            EddySettings.SINKS, "file:" + work.resolve("out-" + n),
                            "AWS_ENDPOINT_URL_DYNAMODB", dynamo.endpoint().toString())));
                }
            }
        }
        List<BenchRow> figures = new ArrayList<>();
        for (String mode : List.of("cold", "prime")) {
            String system = mode.equals("cold") ? "eddy, cold" : "eddy, primed (SnapStart)";
            figures.add(new BenchRow("startup", system, "init: handler created" + (mode.equals("cold") ? ""
                    : " and primed") + ", mean of " + runs, mean(mode, "constructMs") + mean(mode, "primeMs"), "ms"));
            figures.add(new BenchRow("startup", system, "first invocation (500 records), mean of " + runs,
                    mean(mode, "firstBatchMs"), "ms"));
        }
        figures.add(new BenchRow("startup", "eddy", "shaded jar " + jar.getFileName(), Files.size(jar) / 1e6, "MB"));
        return figures;
    }

    private double mean(String mode, String field) {
        return results.stream().filter(r -> r.get("mode").asText().equals(mode))
                .mapToDouble(r -> r.get(field).asDouble()).average().orElse(0);
    }

    private JsonNode probe(Path jar, String handler, Path batches, String mode, Map<String, String> settings)
            throws IOException, InterruptedException {
        ProcessBuilder builder = StartupProbe.jvm(jar, handler, batches, List.of(mode), settings);
        builder.redirectErrorStream(false);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("the function's JVM failed (" + mode + "): " + err + out);
        }
        String line = out.lines().filter(l -> l.startsWith("{\"mode\"")).reduce((a, b) -> b)
                .orElseThrow(() -> new IllegalStateException("no timings from the function's JVM: " + out + err));
        JsonNode result = JSON.readTree(line);
        if (result.get("records").asLong() != 1_000 || result.get("failures").asInt() != 0) {
            throw new IllegalStateException("the function's JVM did not handle its two batches: " + line + "\n" + err);
        }
        return result;
    }

    private void printRuns(java.io.PrintStream out) {
        out.printf(Locale.ROOT, "%-6s %5s %12s %12s %10s %14s %15s%n", "mode", "run", "jvm→main ms",
                "handler ms", "prime ms", "1st batch ms", "2nd batch ms");
        int run = 0;
        String last = "";
        for (JsonNode r : results) {
            run = r.get("mode").asText().equals(last) ? run + 1 : 1;
            last = r.get("mode").asText();
            out.printf(Locale.ROOT, "%-6s %5d %12d %12.0f %10.0f %14.0f %15.0f%n", last, run,
                    r.get("jvmToMainMs").asLong(), r.get("constructMs").asDouble(), r.get("primeMs").asDouble(),
                    r.get("firstBatchMs").asDouble(), r.get("secondBatchMs").asDouble());
        }
        out.println();
    }

    /** @return two batches of 500 flights of flights-2k, one shard, in the probe's format */
    private static byte[] batches() throws IOException {
        JsonNode flights = JSON.readTree(NodeModules.find("vega-datasets").resolve("data/flights-2k.json").toFile());
        ArrayNode all = JSON.createArrayNode();
        BigInteger sequence = new BigInteger("49590338271490256608559692538361571095921575989136588800");
        long at = 1_700_000_000_000L;
        for (int b = 0; b < 2; b++) {
            ArrayNode batch = all.addArray();
            for (int i = 0; i < 500; i++) {
                JsonNode flight = flights.get(b * 500 + i);
                sequence = sequence.add(BigInteger.ONE);
                batch.addObject().put("seq", sequence.toString()).put("pk", flight.get("origin").asText())
                        .put("data", Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(flight)))
                        .put("at", at++);
            }
        }
        return JSON.writeValueAsBytes(all);
    }

    /** @return {@code functions/target/lambda/<pipeline>.jar} of the checkout */
    private static Path jar(String pipeline) {
        return BenchCommand.inCheckout(Path.of("functions", "target", "lambda", pipeline + ".jar"));
    }
}

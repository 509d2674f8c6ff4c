package dev.eddy.functions.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cdk synth} of the whole app with the CLI that package.json pins, through {@code cdk.json}, exactly as a
 * deployment runs it: offline (no notices, no version check, no context lookups) and without AWS credentials.
 * Needs {@code npm ci} in the repository root ({@code ./test} runs it), the function jars and this module's
 * {@code target/classpath.txt}, which a reactor {@code mvn verify} builds before this test runs.
 */
class CdkCliSynthTest {

    /** Every example stack of {@link ExamplesApp} and the pipeline whose jar its function deploys. */
    static final Map<String, String> STACKS = Map.of(
            "FlightDelays", "flight-delays",
            "FlightDelaysSliding", "flight-delays-sliding",
            "FraudAlerts", "fraud-alerts",
            "OrderRevenue", "order-revenue");

    static final Duration TIMEOUT = Duration.ofMinutes(5);

    /** Surefire runs in the module folder, where cdk.json is. */
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path CLI = MODULE.resolve("../../node_modules/.bin/cdk").normalize();

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pinnedCliSynthesisesEveryExampleStackOffline(@TempDir Path tmp) throws Exception {
        if (!Files.isExecutable(CLI)) {
            fail("the aws-cdk CLI is not installed: " + CLI + " is missing. Run `npm ci` in the repository root"
                    + " (./test does) to install the version package.json pins.");
        }
        Path out = tmp.resolve("cdk.out");
        Path log = tmp.resolve("cdk-synth.log");
        ProcessBuilder synth = new ProcessBuilder(CLI.toString(), "synth", "--no-notices", "--no-version-reporting",
                "--no-lookups", "--quiet", "--output", out.toString())
                .directory(MODULE.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = synth.environment();
        env.put("CDK_DISABLE_VERSION_CHECK", "1");
        // The stacks are environment-agnostic: synthesis must not need an account, a region or credentials.
        for (String name : List.of("AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
                "CDK_DEFAULT_ACCOUNT", "CDK_DEFAULT_REGION")) {
            env.remove(name);
        }

        long start = System.nanoTime();
        Process process = synth.start();
        if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            fail("cdk synth did not finish within " + TIMEOUT + "; its output:\n" + read(log));
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(process.exitValue()).as("cdk synth exit code; its output:\n%s", read(log)).isZero();
        System.out.println("cdk synth of " + STACKS.size() + " stacks took " + took.toMillis() + " ms");

        assertThat(templates(out)).as("templates in %s", out).isEqualTo(new TreeSet<>(STACKS.keySet()));
        for (Map.Entry<String, String> stack : STACKS.entrySet()) {
            assertDeploysItsJar(out, stack.getKey(), MODULE.resolve("../target/lambda")
                    .resolve(stack.getValue() + ".jar").normalize());
        }
    }

    /** The stack maps its stream to a function whose code is the pipeline's jar, staged as a file asset. */
    static void assertDeploysItsJar(Path out, String stack, Path jar) throws IOException {
        JsonNode resources = JSON.readTree(out.resolve(stack + ".template.json").toFile()).path("Resources");
        List<JsonNode> mappings = ofType(resources, "AWS::Lambda::EventSourceMapping");
        List<JsonNode> functions = ofType(resources, "AWS::Lambda::Function");
        assertThat(mappings).as("%s: event source mappings", stack).hasSize(1);
        // the pipeline's function and its heartbeat's, from the same jar
        assertThat(functions).as("%s: functions", stack).hasSize(2);
        String assetPath = functions.get(0).path("Metadata").path("aws:asset:path").asText();
        for (JsonNode function : functions) {
            assertThat(function.path("Metadata").path("aws:asset:path").asText()).isEqualTo(assetPath);
            assertThat(assetPath).as("%s: the function's asset", stack).endsWith(".jar");
            Path asset = out.resolve(assetPath);
            assertThat(asset).as("%s: staged asset", stack).isRegularFile();
            assertThat(Files.mismatch(asset, jar)).as("%s: %s differs from %s", stack, asset, jar).isEqualTo(-1L);
        }

        List<String> published = new ArrayList<>();
        JSON.readTree(out.resolve(stack + ".assets.json").toFile()).path("files").forEach(file -> {
            if ("file".equals(file.path("source").path("packaging").asText())) {
                published.add(file.path("source").path("path").asText());
            }
        });
        assertThat(published).as("%s: file assets the deployment publishes", stack).contains(assetPath);
    }

    static List<JsonNode> ofType(JsonNode resources, String type) {
        List<JsonNode> found = new ArrayList<>();
        resources.forEach(resource -> {
            if (type.equals(resource.path("Type").asText())) {
                found.add(resource);
            }
        });
        return found;
    }

    static TreeSet<String> templates(Path out) throws IOException {
        TreeSet<String> names = new TreeSet<>();
        if (Files.isDirectory(out)) {
            try (Stream<Path> files = Files.list(out)) {
                files.map(file -> file.getFileName().toString())
                        .filter(name -> name.endsWith(".template.json"))
                        .forEach(name -> names.add(name.substring(0, name.length() - ".template.json".length())));
            }
        }
        return names;
    }

    static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }
}

package dev.eddy.cdk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import software.amazon.awscdk.CfnResource;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.constructs.IConstruct;

/**
 * checkov (PyPI {@code checkov}, pinned in {@code requirements-test.txt}, installed into the checkout's {@code .venv}
 * by {@code ./test}) over synthesised CloudFormation templates, for tests: write each stack's template into one
 * folder under {@code target/checkov/}, run checkov once over it, read its failed checks. The folder and checkov's
 * report ({@code <folder>.report.json}) stay there after the test, to look at or to run checkov on again. Also used by
 * the examples' test (this module's test jar).
 */
public final class Checkov {

    /** Names the Python virtual environment, as for moto's server: system property, else environment variable. */
    public static final String VENV = "EDDY_PYTHON_VENV";

    /** The longest one run over a folder of templates may take; it takes about 5 s for six. */
    static final long TIMEOUT_SECONDS = 300;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkov() {
    }

    /**
     * What one run found.
     *
     * @param failed every failed check, in checkov's order
     * @param scanned every template checkov ran at least one check on, relative to the folder (see {@link Finding})
     * @param unparsed every template checkov could not parse (and so did not check), as it names them
     */
    public record Report(List<Finding> failed, Set<String> scanned, List<String> unparsed) {
        /**
         * @param folder a subfolder of the one checkov ran over
         * @return the failed checks of the templates in it
         */
        public List<Finding> failedIn(String folder) {
            return failed.stream().filter(f -> f.file().startsWith("/" + folder + "/")).toList();
        }
    }

    /**
     * One failed check.
     *
     * @param check checkov's id, e.g. {@code CKV_AWS_27}
     * @param name what the check wants, in checkov's words
     * @param resource the resource, as checkov names it: {@code <type>.<logical id>}
     * @param file the template, relative to the folder checkov ran over, e.g. {@code /SensorCounts.template.json}
     * @param lines the resource's first and last line in the template
     * @param keys the properties the check read, e.g. {@code Properties/KmsMasterKeyId}
     */
    public record Finding(String check, String name, String resource, String file, String lines, List<String> keys) {
        @Override
        public String toString() {
            return check + " " + resource + " in " + file + " lines " + lines + " " + keys + " (" + name + ")";
        }
    }

    /**
     * @return the {@code checkov} command of the virtual environment {@value #VENV} names, else of the nearest
     *     {@code .venv} at or above the working directory; empty if that environment has none
     */
    public static Optional<Path> command() {
        String configured = System.getProperty(VENV, System.getenv(VENV));
        if (configured != null && !configured.isBlank()) {
            Path checkov = Path.of(configured).toAbsolutePath().resolve("bin").resolve("checkov");
            return Files.isExecutable(checkov) ? Optional.of(checkov) : Optional.empty();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path checkov = dir.resolve(".venv").resolve("bin").resolve("checkov");
            if (Files.isExecutable(checkov)) {
                return Optional.of(checkov);
            }
        }
        return Optional.empty();
    }

    /** @return why {@link #command()} found nothing, and what to do */
    public static String missing() {
        String configured = System.getProperty(VENV, System.getenv(VENV));
        String where = configured != null && !configured.isBlank() ? VENV + " names " + configured + ", which"
                : "no .venv at or above " + Path.of("").toAbsolutePath() + " (and " + VENV + " is not set)";
        return "checkov is not installed, so its checks are skipped: " + where + " has no bin/checkov. Run ./test,"
                + " which installs requirements-test.txt into the checkout's .venv, or run `pip install -r"
                + " requirements-test.txt` in the environment " + VENV + " names";
    }

    /**
     * @param name the folder's name, e.g. the test's
     * @return {@code target/checkov/<name>} in the working directory (the module's, under surefire), emptied
     */
    public static Path folder(String name) {
        Path dir = Path.of("target", "checkov", name).toAbsolutePath();
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> old = Files.walk(dir)) {
                    for (Path p : old.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a stack's synthesised template as {@code <dir>/<name>.template.json}.
     *
     * @param stack the stack
     * @param dir the folder
     * @param name the file's name, without {@code .template.json}
     */
    public static void write(Stack stack, Path dir, String name) {
        try {
            Files.createDirectories(dir);
            JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(name + ".template.json").toFile(),
                    Template.fromStack(stack).toJSON());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Removes a metadata entry from every CloudFormation resource of a stack, e.g. {@code checkov} to see the
     * findings the construct's skips answer.
     *
     * @param stack the stack, before it is synthesised
     * @param key the metadata key
     */
    public static void strip(Stack stack, String key) {
        for (IConstruct c : stack.getNode().findAll()) {
            if (c instanceof CfnResource resource && resource.getCfnOptions().getMetadata() != null) {
                Map<String, Object> metadata = new HashMap<>(resource.getCfnOptions().getMetadata());
                metadata.remove(key);
                resource.getCfnOptions().setMetadata(metadata);
            }
        }
    }

    /**
     * Runs {@code checkov -d dir --framework cloudformation --output json --compact --skip-download} once: offline
     * (no download of Prisma Cloud's guidelines), and without {@code --quiet}, which would leave the passed checks
     * out of the report and with them the proof that a template without failures was checked at all. Keeps the
     * report beside the folder, as {@code <dir>.report.json}.
     *
     * @param checkov the command, from {@link #command()}
     * @param dir a folder of templates, from {@link #folder}
     * @return its failed checks, and which templates it checked
     * @throws IllegalStateException if checkov does not finish within {@value #TIMEOUT_SECONDS} s, exits with an
     *     error other than failed checks, or prints no JSON report; the message holds its output
     */
    public static Report run(Path checkov, Path dir) throws IOException, InterruptedException {
        Path out = dir.resolveSibling(dir.getFileName() + ".report.json");
        Path err = Files.createTempFile("checkov", ".log");
        try {
            Process process = new ProcessBuilder(checkov.toString(), "-d", dir.toString(),
                    "--framework", "cloudformation", "--output", "json", "--compact", "--skip-download")
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("checkov did not finish within " + TIMEOUT_SECONDS + " s over "
                        + dir + "; its log:\n" + Files.readString(err));
            }
            String report = Files.readString(out);
            // exit status 1: failed checks; anything else but 0 is checkov's own error
            if (process.exitValue() > 1 || report.isBlank()) {
                throw new IllegalStateException("checkov exited with " + process.exitValue() + " over " + dir
                        + " without a report (1 means failed checks, 0 none); its log:\n" + Files.readString(err)
                        + report);
            }
            return report(JSON.readTree(report));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    private static Report report(JsonNode report) {
        List<Finding> failed = new ArrayList<>();
        Set<String> scanned = new TreeSet<>();
        List<String> unparsed = new ArrayList<>();
        // one report per framework (a list), or a single one; with no template at all, a summary without results
        for (JsonNode framework : report.isArray() ? report : List.of(report)) {
            for (JsonNode check : framework.path("results").path("failed_checks")) {
                List<String> keys = new ArrayList<>();
                check.path("check_result").path("evaluated_keys").forEach(key -> keys.add(key.asText()));
                JsonNode lines = check.path("file_line_range");
                failed.add(new Finding(check.path("check_id").asText(), check.path("check_name").asText(),
                        check.path("resource").asText(), check.path("file_path").asText(),
                        lines.path(0).asText() + "-" + lines.path(1).asText(), keys));
                scanned.add(check.path("file_path").asText());
            }
            for (JsonNode check : framework.path("results").path("passed_checks")) {
                scanned.add(check.path("file_path").asText());
            }
            framework.path("results").path("parsing_errors").forEach(file -> unparsed.add(file.asText()));
        }
        return new Report(failed, scanned, unparsed);
    }
}

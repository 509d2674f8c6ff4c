package dev.eddy.emulator.cli;

import dev.eddy.emulator.console.UsageError;
import dev.eddy.emulator.project.ProjectTemplate;
import dev.eddy.pipeline.Pipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./eddy new}: a user's own project, from Eddy's project template. */
@Command(name = "new", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes a new Maven project for a pipeline of your own into DIR: the pipeline (flights per"
            + " route and day, to start from), its Lambda handler, a unit test with EddyTestDriver, an integration"
            + " test with LocalAwsExtension, a CDK app with the pipeline's stack, a small sample input, a README, and"
            + " ./eddy, which runs this CLI on the project's function jar. The same project as `mvn"
            + " archetype:generate -DarchetypeGroupId=dev.eddy -DarchetypeArtifactId=eddy-archetype`.",
            "",
            "It builds against Eddy's artifacts in your local Maven repository: run `mvn install -DskipTests` in"
                + " Eddy's checkout first."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the project was written", "2:bad arguments, or DIR is not empty"})
final class NewCommand implements Callable<Integer> {

    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
            "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
            "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "true", "false", "null", "record", "sealed", "permits", "var", "yield",
            "_");

    @Parameters(index = "0", paramLabel = "DIR", description = "the project folder; new, or empty")
    private Path dir;

    @Option(names = "--package", required = true, paramLabel = "PKG",
            description = "the Java package of the pipeline's classes, e.g. com.example.routes")
    private String packageName;

    @Option(names = "--pipeline", paramLabel = "NAME",
            description = "the pipeline's name: 1-48 of a-z, 0-9 and '-', starting with a letter; it names the"
                + " function, its jar, stream, table and sink (default: DIR's name)")
    private String pipeline;

    @Option(names = "--group-id", paramLabel = "ID", description = "the project's Maven groupId (default: the package)")
    private String groupId;

    @Option(names = "--artifact-id", paramLabel = "ID",
            description = "the project's Maven artifactId (default: the pipeline's name)")
    private String artifactId;

    @Option(names = "--version", paramLabel = "VERSION", defaultValue = "0.1.0-SNAPSHOT",
            description = "the project's version (default: ${DEFAULT-VALUE})")
    private String version;

    @Override
    public Integer call() throws IOException {
        String name = pipeline != null ? pipeline : dir.toAbsolutePath().normalize().getFileName().toString();
        try {
            Pipeline.named(name);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage() + (pipeline == null ? "; name it with --pipeline NAME" : ""));
        }
        checkPackage(packageName);
        if (Files.exists(dir) && (!Files.isDirectory(dir) || !isEmpty(dir))) {
            throw new UsageError(dir + " exists and is not an empty folder: name a new folder");
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("groupId", groupId != null ? groupId : packageName);
        properties.put("artifactId", artifactId != null ? artifactId : name);
        properties.put("version", version);
        properties.put("package", packageName);
        properties.put("pipeline", name);
        properties.put("pipelineClass", className(name));
        List<Path> files = ProjectTemplate.write(dir, properties);

        Path where = dir.toAbsolutePath().normalize();
        System.out.printf(Locale.ROOT, "Wrote the %s project into %s (%d files):%n", name, where, files.size());
        for (Path file : files) {
            System.out.println("  " + file);
        }
        System.out.println();
        System.out.println("Next:");
        System.out.println("  cd " + where);
        System.out.println("  ./eddy run --input sample/flights.jsonl   # the pipeline on the sample, as Lambda runs it");
        System.out.println("  mvn verify                                # its tests");
        String eddyVersion = ProjectTemplate.defaultOf("eddyVersion");
        Path bom = Path.of(System.getProperty("user.home"), ".m2", "repository", "dev", "eddy", "eddy-bom",
                eddyVersion);
        if (!Files.isDirectory(bom)) {
            System.out.println();
            System.out.println("Eddy " + eddyVersion + " is not in your local Maven repository (" + bom.getParent()
                    + "): run `mvn install -DskipTests` in Eddy's checkout before building the project.");
        }
        return 0;
    }

    /**
     * @param pipeline a pipeline name, e.g. {@code route-counts}
     * @return its class name, e.g. {@code RouteCounts}
     */
    static String className(String pipeline) {
        StringBuilder out = new StringBuilder();
        for (String part : pipeline.split("-")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.toString();
    }

    private static void checkPackage(String name) {
        for (String part : name.split("\\.", -1)) {
            if (!part.matches("[a-z_][a-z0-9_]*") || KEYWORDS.contains(part)) {
                throw new UsageError("--package '" + name + "' is not a Java package name: each dot-separated part"
                        + " is a lower-case identifier and not a keyword ('" + part + "' is not), e.g."
                        + " com.example.routes");
            }
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }
}

package dev.eddy.emulator.console;

import dev.eddy.handler.EddyHandler;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options that say where a command finds the pipeline it names: a function jar ({@code --jar}, by default the
 * {@code EDDY_JAR} environment variable, which a project's {@code ./eddy} launcher sets to its
 * {@code target/<pipeline>.jar}) and, when the jar holds several pipelines, which handler ({@code --handler}).
 * Without a jar, the pipelines on the emulator's class path.
 */
public final class FunctionJarOptions {

    /** The environment variable that gives {@code --jar} its default. */
    public static final String EDDY_JAR = "EDDY_JAR";

    @Option(names = "--jar", paramLabel = "JAR", defaultValue = "${env:" + EDDY_JAR + "}",
            description = "the function jar that holds the pipeline's handler, as `mvn package` builds it (e.g."
                + " target/route-counts.jar); it is loaded in a class loader of its own and run on this emulator's"
                + " Eddy (default: $" + EDDY_JAR + ", which a project's ./eddy sets)")
    private Path jar;

    @Option(names = "--handler", paramLabel = "CLASS",
            description = "the handler class to run (fully qualified), when the jar holds several pipelines")
    private String handler;

    /** @return whether a function jar is given (by {@code --jar} or {@code EDDY_JAR}) */
    public boolean hasJar() {
        return jar != null;
    }

    /** @return whether a handler class is named ({@code --handler}) */
    public boolean hasHandler() {
        return handler != null;
    }

    /** @return the handlers of the jar, or of the class path when no jar is given */
    public Pipelines pipelines() {
        return jar != null ? Pipelines.inJar(jar) : Pipelines.onClassPath();
    }

    /**
     * @param pipelineName the pipeline the command names, or {@code null} for the jar's only one
     * @return its handler class
     * @throws UsageError if there is no such pipeline, or no name and not exactly one
     */
    public Class<? extends EddyHandler> choose(String pipelineName) {
        return pipelines().choose(pipelineName, handler);
    }
}

package dev.eddy.emulator.bench;

import dev.eddy.emulator.console.FunctionJarOptions;
import dev.eddy.emulator.console.Pipelines;
import dev.eddy.emulator.console.UsageError;
import dev.eddy.emulator.embedded.NodeModules;
import dev.eddy.handler.EddyHandler;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The options every measurement of a pipeline over a file takes: which pipeline (flight-delays by default, or a
 * function jar's), its input file and the output form.
 */
final class BenchOptions {

    /** The pipeline measured when no other is named: the example whose real data set is installed. */
    static final String DEFAULT_PIPELINE = "flight-delays";

    @Option(names = "--pipeline", paramLabel = "NAME",
            description = "the pipeline measured (default: " + DEFAULT_PIPELINE + " if it is there, else the"
                + " function jar's only pipeline)")
    private String pipeline;

    @Mixin
    private FunctionJarOptions function;

    @Option(names = "--input", paramLabel = "FILE",
            description = "records to measure on: a JSON array or JSON lines (default for flight-delays:"
                + " vega-datasets' flights-20k.json)")
    private Path input;

    @Option(names = "--json", description = "also print each row as one JSON object a line (benchmark, system,"
            + " metric, value, unit) on standard output; the table then goes to standard error")
    boolean json;

    /**
     * @return the handler of the pipeline measured: the one named; without a name, flight-delays if it is there
     *     (on the class path, or in a jar of several pipelines such as the examples' jar that the checkout's
     *     {@code ./eddy} gives), else the jar's only pipeline or its {@code --handler}
     */
    Class<? extends EddyHandler> handler() {
        if (pipeline != null || !function.hasJar()) {
            return function.choose(pipeline != null ? pipeline : DEFAULT_PIPELINE);
        }
        if (!function.hasHandler() && function.pipelines().names().containsKey(DEFAULT_PIPELINE)) {
            return function.choose(DEFAULT_PIPELINE);
        }
        return function.choose(null);
    }

    /** @return the class loader of the function jar, or of the class path without one */
    ClassLoader loader() {
        return function.pipelines().loader();
    }

    /**
     * @param pipelineName the pipeline measured
     * @return the input: {@code --input}, or for flight-delays vega-datasets' {@code flights-20k.json} from
     *     node_modules
     * @throws UsageError if another pipeline is measured without {@code --input}
     */
    Path input(String pipelineName) {
        if (input != null) {
            return input;
        }
        if (!pipelineName.equals(DEFAULT_PIPELINE)) {
            throw new UsageError("give the records to measure " + pipelineName + " on with --input FILE");
        }
        return NodeModules.find("vega-datasets").resolve("data/flights-20k.json");
    }

    /** @return the handler's pipeline name, creating (and closing) one handler */
    static String name(Class<? extends EddyHandler> handler) {
        try (EddyHandler instance = Pipelines.instantiate(handler)) {
            return instance.pipeline().name();
        }
    }
}

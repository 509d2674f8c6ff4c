package dev.eddy.emulator.bench;

import dev.eddy.emulator.embedded.NodeModules;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options every measurement over the flights takes: its input file and the output form. */
final class BenchOptions {

    @Option(names = "--input", paramLabel = "FILE",
            description = "flights file (default: vega-datasets' flights-20k.json)")
    private Path input;

    @Option(names = "--json", description = "also print each row as one JSON object a line (benchmark, system,"
            + " metric, value, unit) on standard output; the table then goes to standard error")
    boolean json;

    /** @return the flights file: {@code --input}, or vega-datasets' {@code flights-20k.json} from node_modules */
    Path flights() {
        return input != null ? input : NodeModules.find("vega-datasets").resolve("data/flights-20k.json");
    }
}

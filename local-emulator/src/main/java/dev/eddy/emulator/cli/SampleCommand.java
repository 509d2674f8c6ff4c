package dev.eddy.emulator.cli;

import dev.eddy.emulator.console.UsageError;
import dev.eddy.emulator.console.FunctionJarOptions;
import dev.eddy.codec.internal.Jsons;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./eddy sample}: realistic input for the examples that have no public data set. The generators are the
 * examples' own ({@code SampleTransactions}, {@code SampleOrders} in the functions module), found in the examples'
 * jar (which the checkout's {@code ./eddy} gives as {@code EDDY_JAR}) or on the class path: the emulator does not
 * depend on the examples.
 */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes realistic sample input as JSON lines; the same seed gives the same file."})
final class SampleCommand implements java.util.concurrent.Callable<Integer> {

    @Override
    public Integer call() {
        throw new UsageError("name a sample: `./eddy sample transactions` or `./eddy sample orders`");
    }

    /** Options every sample takes. */
    static final class Common {
        @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
                description = "random seed (default: ${DEFAULT-VALUE})")
        long seed;

        @Option(names = "--start", paramLabel = "TIME", defaultValue = "2024-03-01T00:00:00Z",
                description = "start of the day covered, ISO-8601 (default: ${DEFAULT-VALUE})")
        Instant start;

        @Option(names = "--output", paramLabel = "FILE", description = "file to write (default: standard output)")
        Path output;

        @picocli.CommandLine.Mixin
        FunctionJarOptions examples;
    }

    @Command(name = "transactions", mixinStandardHelpOptions = true,
            description = {"Card transactions for `./eddy run fraud-alerts`: cards with a home country, purchases over"
                + " one day with log-normal amounts, some travel, and a few card-testing bursts (a large purchase"
                + " abroad minutes after one at home)."})
    int transactions(@Option(names = "--cards", paramLabel = "N", defaultValue = "1000",
            description = "cards, about 12 transactions each (default: ${DEFAULT-VALUE})") int cards,
            @Mixin Common common) throws IOException {
        check("--cards", cards);
        return write(generate(common, "dev.eddy.functions.fraud.SampleTransactions", cards), "transactions",
                common.output);
    }

    @Command(name = "orders", mixinStandardHelpOptions = true,
            description = {"Web-shop orders for `./eddy run order-revenue`: twelve stores of different sizes, order"
                + " rates that follow the time of day, 1 to 8 items at log-normal prices, arriving up to 4 s out of"
                + " order."})
    int orders(@Option(names = "--orders", paramLabel = "N", defaultValue = "20000",
            description = "orders (default: ${DEFAULT-VALUE})") int orders,
            @Mixin Common common) throws IOException {
        check("--orders", orders);
        return write(generate(common, "dev.eddy.functions.orders.SampleOrders", orders), "orders", common.output);
    }

    /** Calls the example's {@code generate(int count, Instant start, long seed)}. */
    private static List<?> generate(Common common, String generator, int count) {
        Class<?> type;
        try {
            type = Class.forName(generator, true, common.examples.pipelines().loader());
        } catch (ClassNotFoundException e) {
            throw new UsageError("this sample comes with Eddy's examples (" + generator + "), which are not here:"
                    + " run it from the Eddy checkout's ./eddy, or give the examples' jar with --jar"
                    + " functions/target/eddy-functions.jar");
        }
        try {
            return (List<?>) type.getMethod("generate", int.class, Instant.class, long.class)
                    .invoke(null, count, common.start, common.seed);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot call " + generator + ".generate(int, Instant, long): " + e, e);
        }
    }

    private static void check(String option, int count) {
        if (count < 1 || count > 1_000_000) {
            throw new UsageError(option + " must be 1-1000000, was " + count);
        }
    }

    private static int write(List<?> records, String what, Path output) throws IOException {
        Path folder = output == null ? null : output.toAbsolutePath().getParent();
        if (folder != null && !Files.isDirectory(folder)) {
            throw new UsageError("cannot write --output " + output + ": folder " + folder
                    + " does not exist; create it first");
        }
        if (output != null && Files.isDirectory(output)) {
            throw new UsageError("cannot write --output " + output + ": it is a folder; name a file");
        }
        Writer writer = output == null
                ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                : Files.newBufferedWriter(output, StandardCharsets.UTF_8);
        try {
            for (Object record : records) {
                writer.write(Jsons.strictMapper().writeValueAsString(record));
                writer.write('\n');
            }
        } finally {
            if (output == null) {
                writer.flush();
            } else {
                writer.close();
            }
        }
        if (output != null) {
            System.err.printf(java.util.Locale.ROOT, "[eddy] wrote %,d %s to %s%n", records.size(), what, output);
        }
        return 0;
    }
}

package dev.eddy.emulator.cli;

import dev.eddy.functions.fraud.FraudAlerts.Transaction;
import dev.eddy.functions.fraud.SampleTransactions;
import dev.eddy.internal.Jsons;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./eddy sample transactions}: realistic card transactions for the fraud-alerts example. */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Writes realistic sample card transactions as JSON lines, for `./eddy run fraud-alerts`:"
            + " cards with a home country, purchases over one day with log-normal amounts, some travel, and a few"
            + " card-testing bursts (a large purchase abroad minutes after one at home). The same seed gives the"
            + " same file."})
final class SampleCommand implements Callable<Integer> {

    @Option(names = "--cards", paramLabel = "N", defaultValue = "1000",
            description = "cards, about 12 transactions each (default: ${DEFAULT-VALUE})")
    private int cards;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "random seed (default: ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--start", paramLabel = "TIME", defaultValue = "2024-03-01T00:00:00Z",
            description = "start of the day covered, ISO-8601 (default: ${DEFAULT-VALUE})")
    private Instant start;

    @Option(names = "--output", paramLabel = "FILE", description = "file to write (default: standard output)")
    private Path output;

    @Override
    public Integer call() throws Exception {
        if (cards < 1 || cards > 1_000_000) {
            throw new EddyCli.UsageError("--cards must be 1-1000000, was " + cards);
        }
        Writer writer = output == null
                ? new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))
                : Files.newBufferedWriter(output, StandardCharsets.UTF_8);
        try {
            for (Transaction t : SampleTransactions.generate(cards, start, seed)) {
                writer.write(Jsons.strictMapper().writeValueAsString(t));
                writer.write('\n');
            }
        } finally {
            if (output == null) {
                writer.flush();
            } else {
                writer.close();
            }
        }
        return 0;
    }
}

package dev.eddy.emulator.cli;

import dev.eddy.emulator.chaos.ChaosPlan;
import dev.eddy.emulator.console.UsageError;
import dev.eddy.internal.Chaos;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code ./eddy run --chaos SEED}: a chaos run, compared with a fault-free run of the same input. */
final class ChaosOptions {

    @Option(names = "--chaos", paramLabel = "SEED",
            description = {"a chaos run: first a fault-free run of the input (outputs under OUT/fault-free), then a"
                + " run with faults picked from the seed (function crashes before and after the state"
                + " writes, after firing, after emission, before and after the checkpoint; duplicate concurrent"
                + " invocations; timeouts; replaced execution environments; DynamoDB throttling, partly unprocessed"
                + " batch calls and conditional-write races; sink calls failing whole or in part); then its outputs"
                + " are compared with the fault-free run's, deduplicated by id. Prints the faults per kind and the"
                + " verdict; exit code 1 on any difference. Local emulators and file sinks only",
                "Batches are retried until they succeed (--max-retries -1, as by default). The seed fixes which faults"
                    + " each opportunity meets; which batches there are depends on timing, so two runs with one seed"
                    + " inject similar, not identical, faults."})
    private Long seed;

    @Option(names = "--chaos-rate", paramLabel = "P", defaultValue = "0.1",
            description = "with --chaos: the probability of each kind of fault at each opportunity (a batch, a sink"
                + " call; a fifth of it per DynamoDB request), 0-1 (default: ${DEFAULT-VALUE})")
    private double rate;

    /** The harness's self-test: a run that must be caught (replays pass the state's fences). Not for users. */
    @Option(names = "--chaos-unfenced", hidden = true)
    private boolean unfenced;

    /** @return whether this is a chaos run */
    boolean on() {
        return seed != null;
    }

    /**
     * @return the emulator's plan for the run
     * @throws UsageError for a rate outside 0-1
     */
    ChaosPlan plan() {
        if (!(rate >= 0 && rate <= 1)) {
            throw new UsageError("--chaos-rate takes a probability, 0-1, was " + rate);
        }
        return new ChaosPlan(seed, rate);
    }

    /**
     * @param run the run's id
     * @return the handlers' setting of the run ({@link Chaos#SETTING})
     */
    Map<String, String> settings(String run) {
        return Map.of(Chaos.SETTING, seed + "@" + rate + "@" + run + (unfenced ? "@unfenced" : ""));
    }

    /** @return the seed */
    long seed() {
        return seed;
    }
}

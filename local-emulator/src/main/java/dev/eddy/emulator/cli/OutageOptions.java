package dev.eddy.emulator.cli;

import dev.eddy.emulator.console.UsageError;
import dev.eddy.internal.Outages;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.sink.SinkRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** {@code ./eddy run}'s outages: a sink, or the state table, down for a while ({@link Outages}). */
final class OutageOptions {

    @Option(names = "--fail-sink", paramLabel = "SINK:SECONDS",
            description = "an outage of a sink (its name, or kind:name) for that many seconds from its first write:"
                + " every write to it fails, the batches retry as Lambda retries them, and the shards wait until it"
                + " is back")
    private String failSink;

    @Option(names = "--fail-state", paramLabel = "SECONDS",
            description = "an outage of the state table for that many seconds from the first state call: every"
                + " state call fails and the shards wait, as with --fail-sink")
    private Long failState;

    /**
     * @param pipeline the pipeline run
     * @return the handlers' outage settings of {@code --fail-sink} and {@code --fail-state}: outages from the sink's
     *     first write, or the state's first call, of this run
     * @throws UsageError for a sink the pipeline does not name, or a duration outside 1–3,600 s
     */
    Map<String, String> settings(Pipeline pipeline) {
        Map<String, String> outages = new LinkedHashMap<>();
        String run = Long.toHexString(System.nanoTime());
        if (failSink != null) {
            int colon = failSink.lastIndexOf(':');
            long seconds = colon < 0 ? -1 : seconds("--fail-sink", failSink.substring(colon + 1));
            String name = colon < 0 ? "" : failSink.substring(0, colon);
            List<SinkRef> named = new ArrayList<>(pipeline.sinks());
            named.add(pipeline.failureDestination());
            SinkRef sink = named.stream().filter(r -> r.describe().equals(name) || r.name().equals(name)).findFirst()
                    .orElseThrow(() -> new UsageError("--fail-sink takes SINK:SECONDS with a sink of the pipeline ("
                            + String.join(", ", named.stream().map(SinkRef::describe).distinct().toList())
                            + "), was '" + failSink + "'"));
            outages.put(Outages.FAIL_SINK, sink.describe() + "@" + seconds + "@" + run);
        }
        if (failState != null) {
            outages.put(Outages.FAIL_STATE, seconds("--fail-state", Long.toString(failState)) + "@" + run);
        }
        return outages;
    }

    private static long seconds(String option, String text) {
        try {
            long seconds = Long.parseLong(text.strip());
            if (seconds >= 1 && seconds <= 3_600) {
                return seconds;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new UsageError(option + " takes 1-3600 seconds, was '" + text + "'");
    }
}

package dev.eddy.emulator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.emulator.console.Formats;
import dev.eddy.emulator.esm.EventSourceMapping;
import dev.eddy.emulator.esm.Invocation;
import dev.eddy.metrics.Figures;
import dev.eddy.metrics.Metric;
import dev.eddy.internal.Watermarks;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.sink.SinkRef;
import dev.eddy.state.ShardCheckpoint;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code ./eddy run} prints at the end: each sink's results as a table, then the summary, each figure named
 * after the CloudWatch metric (namespace {@code Eddy}) that shows it for the deployed pipeline.
 *
 * <p>Counts of records, failures, late data, firings and results are the running totals committed with the shards'
 * checkpoints during this run (a retried batch counts once, whatever execution environment ran it), so they agree
 * with the files. Capacity units, sink retries and batch durations are what the handler instances measured,
 * retries included, as CloudWatch shows them.
 */
final class RunSummary {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * What one run did, beside the figures of its handlers.
     *
     * @param recordsIn records in the input file
     * @param refused records Kinesis could never accept, put in the failure output instead of the stream
     * @param committed the shards' totals committed during the run
     * @param checkpoints each shard's checkpoint at the end
     * @param seconds wall time of the run
     */
    record Run(int recordsIn, int refused, Figures committed, Map<String, ShardCheckpoint> checkpoints,
            double seconds) {
    }

    private RunSummary() {
    }

    /** Prints each sink's results as a table, at most {@code limit} rows each. */
    static void printResults(PrintStream stdout, Pipeline pipeline, RunOutputs outputs, int limit) {
        if (limit == 0) {
            return;
        }
        for (SinkRef sink : pipeline.sinks()) {
            Path file = outputs.sink(sink);
            stdout.printf(Locale.ROOT, "%n== %s %s (%s) ==%n", sink.kind(), sink.name(), file);
            if (Files.exists(file)) {
                ResultsTable.print(file, limit, stdout);
            } else {
                stdout.println("(no results)");
            }
        }
    }

    /** Prints the summary. */
    static void print(PrintStream stdout, Pipeline pipeline, Run run, EventSourceMapping mapping,
            RunOutputs outputs, long discardedRecords) throws IOException {
        Figures m = mapping.metrics();
        Figures t = run.committed();
        stdout.printf(Locale.ROOT, "%n== summary: %s ==%n", pipeline.name());
        row(stdout, "", "CloudWatch metric", "");
        row(stdout, "records in", "", "%,d in the input: %,d put into %d shards%s; %,d invocations (%,d retried)",
                run.recordsIn(), run.recordsIn() - run.refused(), mapping.shards(),
                run.refused() == 0 ? "" : String.format(Locale.ROOT, ", %,d refused by Kinesis", run.refused()),
                mapping.invocations(), mapping.retries());
        metric(stdout, Metric.RECORDS, "%,d", t.records());
        metric(stdout, Metric.REPLAYS_SKIPPED, "%,d", t.replaysSkipped());
        long failedLines = lines(outputs.failed());
        metric(stdout, Metric.FAILED_RECORDS, "%,d%s%s", t.failedRecords(), run.refused() == 0 ? ""
                : String.format(Locale.ROOT, " (and %,d refused by Kinesis, never put)", run.refused()),
                failedLines == 0 ? "" : " -> " + outputs.failed());
        examples(stdout, outputs.failed());
        metric(stdout, Metric.LATE_RECORDS, "%,d%s", t.lateRecords(),
                lines(outputs.late()) > 0 ? " -> " + outputs.late() : t.lateRecords() > 0 && failedLines > 0
                        ? " -> " + outputs.failed() + " (late data goes to the failure destination)" : "");
        row(stdout, pipeline.windows() == null ? "outputs" : Metric.WINDOWS_FIRED.label(),
                Metric.WINDOWS_FIRED.cloudWatchName(), "%,d", t.windowsFired());
        if (t.count(Metric.HEARTBEATS) > 0) {
            metric(stdout, Metric.HEARTBEATS, "%,d", t.count(Metric.HEARTBEATS));
            metric(stdout, Metric.IDLE_FIRINGS, "%,d", t.count(Metric.IDLE_FIRINGS));
        }
        metric(stdout, Metric.RESULTS_EMITTED, "%,d", t.resultsEmitted());
        for (SinkRef sink : pipeline.sinks()) {
            Path file = outputs.sink(sink);
            long lines = lines(file);
            long distinct = distinctIds(file);
            row(stdout, "  " + sink.kind() + " " + sink.name(), "", "%,d%s -> %s", lines, distinct == lines ? ""
                    : String.format(Locale.ROOT, " (%,d distinct ids: a retried batch sends again what a sink had"
                            + " taken, with the same ids)", distinct), file);
        }
        metric(stdout, Metric.SINK_RETRIES, "%,d", m.sinkRetries());
        metric(stdout, Metric.DEADLINE_STOPS, "%,d", t.deadlineStops());
        metric(stdout, Metric.FAILED_BATCHES, "%,d", m.failedBatches());
        Map<String, Long> blocked = blockedMs(mapping.invocationLog());
        if (!blocked.isEmpty()) {
            row(stdout, "shards blocked (retrying)", "", "%s", String.join(" · ", blocked.entrySet().stream()
                    .map(b -> b.getKey() + " " + Formats.duration(b.getValue())).toList()));
        }
        metric(stdout, Metric.STATE_WRITE_UNITS, "%s (%.3f per record)",
                Formats.units(m.writeUnits()), t.records() == 0 ? 0.0 : m.writeUnits() / t.records());
        metric(stdout, Metric.STATE_READ_UNITS, "%s", Formats.units(m.readUnits()));
        long[] durations = mapping.invocationLog().stream().mapToLong(Invocation::durationMs).sorted().toArray();
        metric(stdout, Metric.BATCH_DURATION, "%s", durations.length == 0 ? "no invocations"
                : String.format(Locale.ROOT, "p50 %,d ms · p99 %,d ms · max %,d ms (%,d invocations)",
                        percentile(durations, 0.50), percentile(durations, 0.99), durations[durations.length - 1],
                        durations.length));
        boolean first = true;
        for (Map.Entry<String, ShardCheckpoint> shard : run.checkpoints().entrySet()) {
            String lag = watermarkLag(pipeline, shard.getValue(), lastBatchEndMs(mapping, shard.getKey()));
            row(stdout, first ? "watermark lag at the last batch" : "", first ? Metric.WATERMARK_LAG.cloudWatchName() : "", "%s  %s",
                    shard.getKey(), lag);
            first = false;
        }
        if (mapping.keyOwnership().violationCount() > 0) {
            row(stdout, "key ownership", "", "%,d keys arrived on more than one shard, e.g. %s: the records of a key"
                    + " must share a partition key", mapping.keyOwnership().violationCount(),
                    mapping.keyOwnership().example());
        }
        if (mapping.discardedBatches() > 0) {
            row(stdout, "discarded by the mapping", "", "%,d batches, %,d records not processed -> %s",
                    mapping.discardedBatches(), discardedRecords, outputs.esmFailures());
        }
        long accounted = t.records() + run.refused() + discardedRecords;
        row(stdout, "every record accounted for", "", "%s: %,d in = %,d processed + %,d refused by Kinesis + %,d"
                + " discarded unprocessed", accounted == run.recordsIn() ? "yes" : "NO", run.recordsIn(), t.records(),
                run.refused(), discardedRecords);
        row(stdout, "wall time", "", "%s (%,.0f records/s)", Duration.ofMillis((long) (run.seconds() * 1000))
                .toString().substring(2).toLowerCase(Locale.ROOT), run.recordsIn() / run.seconds());
    }

    /**
     * @return per shard that had failed invocations, the time it was blocked: from the start of each run of failed
     *     invocations to the start of the invocation that succeeded after it (or the last failure's end), summed
     */
    static Map<String, Long> blockedMs(List<Invocation> log) {
        Map<String, Long> blocked = new java.util.TreeMap<>();
        Map<String, Long> since = new java.util.HashMap<>();
        Map<String, Long> lastEnd = new java.util.HashMap<>();
        for (Invocation invocation : log.stream().sorted(java.util.Comparator.comparingLong(Invocation::startedAtMs))
                .toList()) {
            String shard = invocation.shardId();
            if (invocation.outcome() == Invocation.Outcome.SUCCESS) {
                Long from = since.remove(shard);
                if (from != null) {
                    blocked.merge(shard, invocation.startedAtMs() - from, Long::sum);
                }
            } else {
                since.putIfAbsent(shard, invocation.startedAtMs());
                lastEnd.put(shard, invocation.endedAtMs());
            }
        }
        since.forEach((shard, from) -> blocked.merge(shard, lastEnd.get(shard) - from, Long::sum));
        return blocked;
    }

    /** @return the distinct {@code id}s of a results file's lines (a line without one counts as its own) */
    private static long distinctIds(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        long withoutId = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node = JSON.readTree(line);
            if (node != null && node.hasNonNull("id")) {
                ids.add(node.get("id").asText());
            } else {
                withoutId++;
            }
        }
        return ids.size() + withoutId;
    }

    /** Up to three failed records: input line, error type and message, each on one line. */
    private static void examples(PrintStream stdout, Path failed) throws IOException {
        if (!Files.exists(failed)) {
            return;
        }
        int shown = 0;
        for (String line : Files.readAllLines(failed, StandardCharsets.UTF_8)) {
            JsonNode node = line.isBlank() ? null : JSON.readTree(line);
            if (node == null || !node.hasNonNull("errorType") || shown++ == 3) {
                continue; // late data in the failure destination has no error
            }
            String where = node.hasNonNull("inputLine") ? "line " + node.get("inputLine").asText()
                    : node.path("shardId").asText("?") + " " + node.path("sequenceNumber").asText("?");
            String error = node.path("errorType").asText() + ": " + node.path("errorMessage").asText();
            error = error.replaceAll("\\s+", " ");
            row(stdout, "", "", "e.g. %s: %s", where, error.length() > 240 ? error.substring(0, 240) + "…" : error);
        }
    }

    /** @return the value at or below which a share {@code p} of the sorted values lie (nearest rank) */
    private static long percentile(long[] sorted, double p) {
        return sorted[Math.max(0, (int) Math.ceil(p * sorted.length) - 1)];
    }

    /** @return when the shard's last invocation ended, ms since the epoch; now if it had none */
    private static long lastBatchEndMs(EventSourceMapping mapping, String shardId) {
        return mapping.invocationLog().stream().filter(i -> i.shardId().equals(shardId))
                .mapToLong(Invocation::endedAtMs).max().orElse(System.currentTimeMillis());
    }

    /**
     * A shard's watermark lag as the {@code WatermarkLag} metric showed it after its last batch (wall clock minus
     * watermark: for a replay of old data, the data's age), with the watermark itself. The end-of-input drain moves
     * the watermark to +∞, after which the metric has no value; the watermark before it is the bounded
     * out-of-orderness watermark of the largest event time, which the checkpoint keeps.
     */
    private static String watermarkLag(Pipeline pipeline, ShardCheckpoint checkpoint, long lastBatchEndMs) {
        boolean drained = checkpoint.watermarkMs() == Long.MAX_VALUE;
        long watermark = drained ? Watermarks.bounded(checkpoint.maxEventTimeMs(), pipeline.outOfOrderness().toMillis())
                : checkpoint.watermarkMs();
        if (watermark == Long.MIN_VALUE) {
            return "none: no watermark" + (drained ? ", then end of input" : "");
        }
        return String.format(Locale.ROOT, "%s (watermark %s)%s",
                Formats.duration(lastBatchEndMs - watermark), Instant.ofEpochMilli(watermark),
                drained ? ", then end of input" : "");
    }

    /** @return the non-blank lines of a file; 0 if it does not exist */
    static long lines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(l -> !l.isBlank()).count();
        }
    }

    /** A row of one metric: its label and CloudWatch name ({@link Metric}), the value. */
    private static void metric(PrintStream stdout, Metric metric, String format, Object... args) {
        row(stdout, metric.label(), metric.cloudWatchName(), format, args);
    }

    /** One row of the summary: what, the CloudWatch metric of the same figure (or nothing), the value. */
    private static void row(PrintStream stdout, String label, String metric, String format, Object... args) {
        stdout.println(String.format(Locale.ROOT, "  %-36s %-17s %s", label, metric,
                String.format(Locale.ROOT, format, args)).stripTrailing());
    }
}

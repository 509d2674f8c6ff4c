package dev.eddy.emulator.cli;

import dev.eddy.emulator.console.Formats;
import dev.eddy.internal.InvocationMetrics;
import dev.eddy.metrics.Figures;
import dev.eddy.metrics.Metric;
import dev.eddy.state.ShardBlock;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.SkippedRange;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code ./eddy status} for people: a block per shard, one labelled row per figure, with its CloudWatch metric. */
final class StatusText {

    private StatusText() {
    }

    /**
     * @param out where to print
     * @param report the status
     */
    static void print(PrintStream out, StatusReport report) {
        Instant now = report.asOf();
        List<ShardStatus> statuses = report.shards();
        long open = statuses.stream().filter(ShardStatus::open).count();
        out.printf(Locale.ROOT, "%n== status: %s ==%n", report.pipeline());
        PutCommand.row(out, "stream", "%s at %s: %d shards, %d open", report.stream(), report.kinesisAt(),
                statuses.size(), open);
        PutCommand.row(out, "state table", "%s at %s", report.table(), report.dynamoDbAt());
        PutCommand.row(out, "as of", "%s", now);
        for (ShardStatus s : statuses) {
            shard(out, now, s);
        }
        out.println();
        PutCommand.row(out, "not in the table", "sink retries and batch durations: CloudWatch metrics %s"
                + " (namespace %s, dimension Pipeline)", String.join(" and ", StatusReport.CLOUDWATCH_ONLY),
                InvocationMetrics.NAMESPACE);
        Map<String, Long> itemCounts = report.itemCounts();
        if (itemCounts != null) {
            PutCommand.row(out, "items", "%,d key states · %,d event-time timer buckets · %,d processing-time timer"
                    + " buckets · %,d checkpoints · %,d done markers · %,d other", itemCounts.get("keyState"),
                    itemCounts.get("eventTimeTimerBuckets"), itemCounts.get("processingTimeTimerBuckets"),
                    itemCounts.get("checkpoints"), itemCounts.get("doneMarkers"), itemCounts.get("other"));
            if (!report.unlistedCheckpoints().isEmpty()) {
                PutCommand.row(out, "", "checkpoints of shards the stream no longer lists: %s",
                        String.join(", ", report.unlistedCheckpoints()));
            }
        }
    }

    private static void shard(PrintStream out, Instant now, ShardStatus s) {
        ShardCheckpoint c = s.checkpoint();
        out.printf(Locale.ROOT, "%n%s · %s%n", s.shard().shardId(), s.open() ? "open"
                : s.note() == null && s.behind() == 0 ? "closed, read to its end" : "closed");
        List<String> parents = StreamShards.parents(s.shard());
        PutCommand.row(out, "parents", "%s", parents.isEmpty() ? "-" : String.join(", ", parents));
        PutCommand.row(out, "checkpoint", "%s", c.sequenceNumber() == null
                ? c.version() == 0 ? "none: no batch committed yet" : "no record yet (" + commits(c) + ")"
                : c.sequenceNumber() + " (" + commits(c) + ")");
        blocked(out, now, c);
        skipped(out, s);
        PutCommand.row(out, "watermark", "%s", c.watermarkMs() == Long.MAX_VALUE
                ? "end of input (drained: every window fired)" : time(c.watermarkMs()));
        Long lag = s.watermarkLagMs(now);
        metric(out, "watermark lag", lag != null ? Formats.duration(lag)
                : c.watermarkMs() == Long.MAX_VALUE ? "none: end of input" : "none yet", "WatermarkLag",
                lag == null ? "" : " (wall clock − watermark)");
        PutCommand.row(out, "max event time", "%s", time(c.maxEventTimeMs()));
        PutCommand.row(out, "last record", "%s", c.lastArrivalMs() == Long.MIN_VALUE ? "none yet"
                : String.format(Locale.ROOT, "arrived %s, %s ago%s", Instant.ofEpochMilli(c.lastArrivalMs()),
                        age(now, Instant.ofEpochMilli(c.lastArrivalMs())), s.idleness() == null ? ""
                                : now.toEpochMilli() - c.lastArrivalMs() >= s.idleness().toMillis()
                                        ? " (idle: its watermark follows the heartbeats)" : " (not idle)"));
        Figures t = c.totals();
        PutCommand.row(out, "totals", "%s", c.version() == 0 ? "none: no batch committed yet"
                : "committed with the checkpoint, each batch once");
        for (Metric m : Metric.checkpointedMetrics()) {
            if (m.kind() == Metric.Kind.COUNT) {
                count(out, m.label(), t.count(m), m.cloudWatchName());
            } else {
                metric(out, m.label(), Formats.units(t.get(m)), m.cloudWatchName(),
                        m == Metric.STATE_WRITE_UNITS ? " (as known before the last commit)" : "");
            }
        }
        if (s.note() != null) {
            PutCommand.row(out, "behind", "%s", s.note());
            return;
        }
        PutCommand.row(out, "behind", "%s", s.behind() == 0 ? "0 records (caught up)"
                : String.format(Locale.ROOT, "%s%,d records", s.behindAtLeast() ? "at least " : "", s.behind()));
        PutCommand.row(out, "iterator age", "%s", s.oldestPending() == null ? "0 (nothing waiting)"
                : String.format(Locale.ROOT, "%s (the oldest waiting record arrived %s)%s",
                        age(now, s.oldestPending()), s.oldestPending(), s.millisBehindLatest() == null ? ""
                                : String.format(Locale.ROOT, "; Kinesis MillisBehindLatest %,d ms",
                                        s.millisBehindLatest())));
        if (s.latestSequenceNumber() != null && s.behind() > 0) {
            PutCommand.row(out, "last record", "%s", s.latestSequenceNumber());
        }
    }

    /** Whether the shard's batches keep failing: since when, how often, and the latest error. */
    private static void blocked(PrintStream out, Instant now, ShardCheckpoint c) {
        ShardBlock b = c.blocked();
        if (b == null) {
            PutCommand.row(out, "blocked", "no");
            return;
        }
        PutCommand.row(out, "blocked", "BLOCKED for %s (since %s), %,d failed attempts from sequence number %s;"
                + " the event source mapping retries until the error goes away", age(now,
                        Instant.ofEpochMilli(b.sinceMs())), Instant.ofEpochMilli(b.sinceMs()), b.attempts(), b.from());
        PutCommand.row(out, "", "last error (%s): %s", Instant.ofEpochMilli(b.lastMs()), b.error());
    }

    /** Ranges the event source mapping skipped, and whether each was re-driven. */
    private static void skipped(PrintStream out, ShardStatus s) {
        List<SkippedRange> ranges = s.checkpoint().skipped();
        for (int i = 0; i < ranges.size(); i++) {
            SkippedRange r = ranges.get(i);
            ShardCheckpoint lane = s.lanes().get(i);
            PutCommand.row(out, i == 0 ? "skipped" : "", "%s %s, skipped %s after failures since %s (%s);"
                    + " %s", r.from(), r.resumedAt().equals(SkippedRange.END) ? "to the end of the input"
                            : "to before " + r.resumedAt(), Instant.ofEpochMilli(r.resumedMs()),
                    Instant.ofEpochMilli(r.blockedSinceMs()), r.error(), lane.version() == 0
                            ? "NOT RE-DRIVEN: eddy redrive " + "reads the on-failure destination"
                            : String.format(Locale.ROOT, "re-driven through %s (%,d records, %,d late)",
                                    lane.sequenceNumber(), lane.totals().records(), lane.totals().lateRecords()));
        }
    }

    private static String commits(ShardCheckpoint checkpoint) {
        return checkpoint.version() == 1 ? "1 commit" : String.format(Locale.ROOT, "%,d commits", checkpoint.version());
    }

    private static String time(long ms) {
        return ms == Long.MIN_VALUE ? "none yet" : Instant.ofEpochMilli(ms).toString();
    }

    /** A row of a figure and the CloudWatch metric it sums: label, value, metric, then a note. */
    private static void metric(PrintStream out, String label, String value, String metric, String note) {
        PutCommand.row(out, label, "%-20s %s%s", value, metric, note);
    }

    private static void count(PrintStream out, String label, long count, String metric) {
        metric(out, label, String.format(Locale.ROOT, "%,d", count), metric, "");
    }

    private static String age(Instant now, Instant then) {
        return Formats.duration(Math.max(0, now.toEpochMilli() - then.toEpochMilli()));
    }
}

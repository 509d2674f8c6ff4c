package dev.eddy.metrics;

import java.util.Arrays;
import java.util.List;

/**
 * Every figure Eddy counts or measures, once: the handler's running figures ({@link Figures}), the totals committed
 * with a shard's checkpoint, the CloudWatch Embedded Metric Format document of each invocation (namespace
 * {@code Eddy}, dimension {@code Pipeline}), {@code ./eddy run}'s summary and {@code ./eddy status} all list these,
 * in this order, under these names.
 */
public enum Metric {

    /** Batches handled, including empty and duplicate ones (Lambda publishes its own {@code Invocations}). */
    INVOCATIONS(null, "invocations", "invocations", Kind.COUNT, false),
    /** Records applied (decoded or failed), replays excluded. */
    RECORDS("Records", "records", "records processed", Kind.COUNT, true),
    /** Records skipped because an earlier attempt had committed them. */
    REPLAYS_SKIPPED("ReplaysSkipped", "replaysSkipped", "replays skipped (duplicates dropped)", Kind.COUNT, true),
    /** Records sent to the failure destination. */
    FAILED_RECORDS("FailedRecords", "failedRecords", "failed records", Kind.COUNT, true),
    /** Elements sent to the late-data output. */
    LATE_RECORDS("LateRecords", "lateRecords", "late records", Kind.COUNT, true),
    /** Window firings (outputs, for a keyed process) emitted. */
    WINDOWS_FIRED("WindowsFired", "windowsFired", "windows fired", Kind.COUNT, true),
    /** Records written to result sinks. */
    RESULTS_EMITTED("ResultsEmitted", "resultsEmitted", "results emitted", Kind.COUNT, true),
    /** Heartbeat records read: the scheduler's ticks ({@code dev.eddy.pipeline.Heartbeat}), not data. */
    HEARTBEATS("Heartbeats", "heartbeats", "heartbeats (ticks)", Kind.COUNT, true),
    /** Windows fired because idleness moved the watermark at a heartbeat (a quiet shard's). */
    IDLE_FIRINGS("IdleFirings", "idleFirings", "windows fired through idleness", Kind.COUNT, true),
    /** Sink entries sent again after a partial failure, in any attempt, committed or not. */
    SINK_RETRIES("SinkRetries", "sinkRetries", "sink retries", Kind.COUNT, false),
    /** Invocations that stopped before Lambda's deadline with a batch item failure. */
    DEADLINE_STOPS("DeadlineStops", "deadlineStops", "deadline stops", Kind.COUNT, true),
    /**
     * Invocations whose batch failed (state or a sink unavailable): the event source mapping retries it, and the
     * shard waits. A minute with one is a minute the shard was blocked (the {@code Blocked} alarm).
     */
    FAILED_BATCHES("FailedBatches", "failedBatches", "failed batches (retried)", Kind.COUNT, false),
    /** DynamoDB write capacity units consumed (a failed conditional write counted as its item's size). */
    STATE_WRITE_UNITS("StateWriteUnits", "writeUnits", "state write units", Kind.UNITS, true),
    /** DynamoDB read capacity units consumed. */
    STATE_READ_UNITS("StateReadUnits", "readUnits", "state read units", Kind.UNITS, true),
    /** An invocation's processing time, ms: a measurement per invocation, not a running figure. */
    BATCH_DURATION("BatchDuration", "batchDurationMs", "batch duration", Kind.MILLISECONDS, false),
    /** Wall clock minus the shard's watermark after a batch, ms: a measurement per invocation. */
    WATERMARK_LAG("WatermarkLag", "watermarkLagMs", "watermark lag", Kind.MILLISECONDS, false);

    /** What a metric's values are. */
    public enum Kind {
        /** A whole number of things, summed. */
        COUNT,
        /** DynamoDB capacity units, summed; may have a fraction. */
        UNITS,
        /** A duration in milliseconds, measured per invocation (CloudWatch takes its statistics). */
        MILLISECONDS
    }

    private final String cloudWatchName;
    private final String key;
    private final String label;
    private final Kind kind;
    private final boolean checkpointed;

    Metric(String cloudWatchName, String key, String label, Kind kind, boolean checkpointed) {
        this.cloudWatchName = cloudWatchName;
        this.key = key;
        this.label = label;
        this.kind = kind;
        this.checkpointed = checkpointed;
    }

    /** @return its name in CloudWatch (namespace {@code Eddy}), or {@code null} for one Eddy does not publish */
    public String cloudWatchName() {
        return cloudWatchName;
    }

    /** @return its key in stored totals and JSON output, camel case (e.g. {@code failedRecords}) */
    public String key() {
        return key;
    }

    /** @return what it counts, in a few words, for tables */
    public String label() {
        return label;
    }

    /** @return what its values are */
    public Kind kind() {
        return kind;
    }

    /**
     * @return whether it is a running figure ({@link Figures} holds it): counts and capacity units, not the
     *     per-invocation measurements
     */
    public boolean summed() {
        return kind != Kind.MILLISECONDS;
    }

    /**
     * @return whether each shard's checkpoint keeps its total, committed with the checkpoint so that a retried
     *     batch counts once; sink retries are kept by CloudWatch only, as they happen in attempts that may not commit
     */
    public boolean checkpointed() {
        return checkpointed;
    }

    /** @return the metrics a shard's checkpoint keeps, in order */
    public static List<Metric> checkpointedMetrics() {
        return Arrays.stream(values()).filter(Metric::checkpointed).toList();
    }

    /** @return the metrics published per invocation, in order */
    public static List<Metric> published() {
        return Arrays.stream(values()).filter(m -> m.cloudWatchName != null).toList();
    }
}

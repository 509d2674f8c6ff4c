package dev.eddy.emulator.cli;

import dev.eddy.metrics.Metric;
import dev.eddy.metrics.Figures;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.state.ShardCheckpoint;
import java.io.PrintStream;
import java.time.Instant;

/**
 * {@code ./eddy status --json}: one indented JSON document. Top level: {@code pipeline}, {@code stream},
 * {@code table}, {@code asOf}, {@code cloudWatchOnly} (metrics the table does not keep), {@code shards}, and with
 * {@code --items} also {@code items} (count per item type) and {@code checkpointsOfUnlistedShards}. Each shard:
 * {@code shardId}, {@code parentShardIds}, {@code open}, {@code checkpointSequenceNumber}, {@code commits},
 * {@code watermark} and {@code watermarkMs}, {@code drained}, {@code watermarkLagMs}, {@code maxEventTime} and
 * {@code maxEventTimeMs}, {@code blocked} ({@code null}, or {@code fromSequenceNumber}, {@code since},
 * {@code lastAttempt}, {@code attempts}, {@code error}), {@code skipped} (ranges the event source mapping skipped:
 * {@code fromSequenceNumber}, {@code resumedAtSequenceNumber}, {@code blockedSince}, {@code resumed},
 * {@code error}, {@code redriven}, {@code redrivenThrough}, {@code redrivenRecords}), {@code totals} (by CloudWatch metric name), then either {@code error} or
 * {@code recordsBehind}, {@code recordsBehindAtLeast}, {@code latestSequenceNumber}, {@code oldestWaitingArrival},
 * {@code iteratorAgeMs} and {@code millisBehindLatest}. Times are ISO-8601 text, {@code …Ms} fields epoch or
 * elapsed milliseconds; {@code null} where there is no value yet.
 */
final class StatusJson {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StatusJson() {
    }

    /**
     * @param out where to print
     * @param report the status
     */
    static void print(PrintStream out, StatusReport report) {
        Instant now = report.asOf();
        ObjectNode root = JSON.createObjectNode();
        root.put("pipeline", report.pipeline());
        root.put("stream", report.stream());
        root.put("table", report.table());
        root.put("asOf", now.toString());
        ArrayNode cloudWatchOnly = root.putArray("cloudWatchOnly");
        StatusReport.CLOUDWATCH_ONLY.forEach(cloudWatchOnly::add);
        ArrayNode shards = root.putArray("shards");
        for (ShardStatus s : report.shards()) {
            shard(shards.addObject(), now, s);
        }
        if (report.itemCounts() != null) {
            ObjectNode counts = root.putObject("items");
            report.itemCounts().forEach(counts::put);
            ArrayNode others = root.putArray("checkpointsOfUnlistedShards");
            report.unlistedCheckpoints().forEach(others::add);
        }
        try {
            out.println(JSON.writeValueAsString(root));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the status: " + e.getMessage(), e);
        }
    }

    private static void shard(ObjectNode shard, Instant now, ShardStatus s) {
        ShardCheckpoint c = s.checkpoint();
        shard.put("shardId", s.shard().shardId());
        ArrayNode parents = shard.putArray("parentShardIds");
        StreamShards.parents(s.shard()).forEach(parents::add);
        shard.put("open", s.open());
        shard.put("checkpointSequenceNumber", c.sequenceNumber() == null ? null : c.sequenceNumber().toString());
        shard.put("commits", c.version());
        shard.put("lastRecordArrival", c.lastArrivalMs() == Long.MIN_VALUE ? null
                : Instant.ofEpochMilli(c.lastArrivalMs()).toString());
        if (s.idleness() != null && c.lastArrivalMs() != Long.MIN_VALUE) {
            shard.put("idle", now.toEpochMilli() - c.lastArrivalMs() >= s.idleness().toMillis());
        } else {
            shard.putNull("idle");
        }
        if (c.blocked() == null) {
            shard.putNull("blocked");
        } else {
            shard.putObject("blocked").put("fromSequenceNumber", c.blocked().from().toString())
                    .put("since", Instant.ofEpochMilli(c.blocked().sinceMs()).toString())
                    .put("lastAttempt", Instant.ofEpochMilli(c.blocked().lastMs()).toString())
                    .put("attempts", c.blocked().attempts()).put("error", c.blocked().error());
        }
        ArrayNode skipped = shard.putArray("skipped");
        for (int i = 0; i < c.skipped().size(); i++) {
            var r = c.skipped().get(i);
            ShardCheckpoint lane = s.lanes().get(i);
            ObjectNode range = skipped.addObject().put("fromSequenceNumber", r.from().toString())
                    .put("resumedAtSequenceNumber", r.resumedAt().toString())
                    .put("blockedSince", Instant.ofEpochMilli(r.blockedSinceMs()).toString())
                    .put("resumed", Instant.ofEpochMilli(r.resumedMs()).toString()).put("error", r.error())
                    .put("redriven", lane.version() > 0);
            range.put("redrivenThrough", lane.sequenceNumber() == null ? null : lane.sequenceNumber().toString());
            range.put("redrivenRecords", lane.totals().records());
        }
        boolean drained = c.watermarkMs() == Long.MAX_VALUE;
        boolean noWatermark = drained || c.watermarkMs() == Long.MIN_VALUE;
        shard.put("watermark", noWatermark ? null : Instant.ofEpochMilli(c.watermarkMs()).toString());
        if (noWatermark) {
            shard.putNull("watermarkMs");
        } else {
            shard.put("watermarkMs", c.watermarkMs());
        }
        shard.put("drained", drained);
        Long lag = s.watermarkLagMs(now);
        if (lag == null) {
            shard.putNull("watermarkLagMs");
        } else {
            shard.put("watermarkLagMs", lag);
        }
        boolean noEventTime = c.maxEventTimeMs() == Long.MIN_VALUE;
        shard.put("maxEventTime", noEventTime ? null : Instant.ofEpochMilli(c.maxEventTimeMs()).toString());
        if (noEventTime) {
            shard.putNull("maxEventTimeMs");
        } else {
            shard.put("maxEventTimeMs", c.maxEventTimeMs());
        }
        Figures t = c.totals();
        ObjectNode totals = shard.putObject("totals");
        for (Metric metric : Metric.checkpointedMetrics()) {
            if (metric.kind() == Metric.Kind.COUNT) {
                totals.put(metric.cloudWatchName(), t.count(metric));
            } else {
                totals.put(metric.cloudWatchName(), t.get(metric));
            }
        }
        if (s.note() != null) {
            shard.put("error", s.note());
            return;
        }
        shard.put("recordsBehind", s.behind());
        shard.put("recordsBehindAtLeast", s.behindAtLeast());
        shard.put("latestSequenceNumber", s.latestSequenceNumber());
        shard.put("oldestWaitingArrival", s.oldestPending() == null ? null : s.oldestPending().toString());
        shard.put("iteratorAgeMs", s.oldestPending() == null ? 0
                : Math.max(0, now.toEpochMilli() - s.oldestPending().toEpochMilli()));
        if (s.millisBehindLatest() == null) {
            shard.putNull("millisBehindLatest");
        } else {
            shard.put("millisBehindLatest", s.millisBehindLatest());
        }
    }
}

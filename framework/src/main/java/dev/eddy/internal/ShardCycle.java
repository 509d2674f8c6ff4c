package dev.eddy.internal;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.metrics.Figures;
import dev.eddy.metrics.Metric;
import dev.eddy.pipeline.internal.Plan;
import dev.eddy.state.BatchRange;
import dev.eddy.state.Firing;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.ShardLineage;
import dev.eddy.state.StateBackend;
import dev.eddy.state.TimerHandle;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One complete cycle over consecutive records of one shard (docs/state.md, "One batch"): read the checkpoint (a new
 * child shard continues its parents), read the records, apply each key's values with fenced conditional writes,
 * fire the due timers, emit, clear the timers, commit the checkpoint with the cycle's figures. A failure anywhere
 * fails the cycle from its first uncommitted record: nothing of it is counted, and the retry is exact. Internal;
 * not thread-safe ({@link BatchProcessor} runs one cycle at a time).
 */
final class ShardCycle {

    private static final Logger LOG = LoggerFactory.getLogger(ShardCycle.class);

    /**
     * How a cycle ended.
     *
     * @param retryFrom where the event source mapping must retry from, or {@code null} if every record of the
     *     cycle was committed
     * @param failed whether the cycle failed (nothing of it committed): the batch stops at {@code retryFrom}
     */
    record Outcome(String retryFrom, boolean failed) {
    }

    private final Plan plan;
    private final StateBackend state;
    private final Emitter emitter;
    private final MetricsLedger ledger;
    private final RecordReader reader;
    private final ObjectMapper json;
    private final Clock clock;
    /** Where shards' parents are found; {@code null}: shards start fresh. */
    private volatile ShardLineage lineage;
    /** Why the latest cycle that did not finish failed, one line; {@code null} while none did. */
    private volatile String lastFailure;
    /** The watermark of the last committed cycle, ms; {@link Long#MIN_VALUE} before the first. */
    private volatile long lastWatermarkMs = Long.MIN_VALUE;

    ShardCycle(Plan plan, StateBackend state, Emitter emitter, MetricsLedger ledger, ObjectMapper json, Clock clock) {
        this.plan = plan;
        this.state = state;
        this.emitter = emitter;
        this.ledger = ledger;
        this.reader = new RecordReader(plan);
        this.json = json;
        this.clock = clock;
    }

    void lineage(ShardLineage lineage) {
        this.lineage = lineage;
    }

    /**
     * @param shardId the shard
     * @param records consecutive records of the shard
     * @return how it ended
     */
    Outcome run(String shardId, List<KinesisEvent.KinesisEventRecord> records) {
        String firstUncommitted = null;
        String retryFrom = null;
        try {
            ShardCheckpoint checkpoint = state.readCheckpoint(shardId);
            if (checkpoint.version() == 0 && lineage != null) {
                checkpoint = inherit(shardId, records.get(0).getEventSourceARN(), checkpoint);
            }
            ShardBatch batch = new ShardBatch(plan, shardId, checkpoint, reader, new SideRecords(plan.name(), shardId,
                    json));
            for (KinesisEvent.KinesisEventRecord record : records) {
                BigInteger sequence = Decimals.parse(record.getKinesis().getSequenceNumber());
                if (checkpoint.covers(sequence)) {
                    batch.replaySkipped();
                    continue;
                }
                if (firstUncommitted == null) {
                    firstUncommitted = record.getKinesis().getSequenceNumber();
                }
                if (!batch.add(record, sequence)) {
                    retryFrom = record.getKinesis().getSequenceNumber();
                    break;
                }
            }
            if (batch.last() == null) {
                ledger.uncommitted(shardId, Figures.of(Metric.REPLAYS_SKIPPED, batch.replaysSkipped()));
                return new Outcome(retryFrom, false);
            }
            long watermark = batch.watermark().watermarkMs();
            BatchRange range = new BatchRange(new BigInteger(firstUncommitted), batch.last(),
                    batch.watermark().steps());
            BatchLogic logic = BatchLogic.of(plan, watermark, json, clock);
            StateBackend.Applied applied = state.applyUpdates(shardId, range, batch.updates(), logic);
            applied.refused().forEach(batch::refused);
            StateBackend.Due due = state.fireDue(shardId, range, watermark, logic);
            if (logic.usesProcessingTime()) {
                StateBackend.Due byClock = state.fireDueProcessingTime(shardId, range, clock.millis(), logic);
                List<TimerHandle> timers = new ArrayList<>(due.timers());
                timers.addAll(byClock.timers());
                due = new StateBackend.Due(distinct(due.firings(), byClock.firings()), timers);
            }
            List<Firing> firings = distinct(applied.firings(), due.firings());
            long emitted = emitter.emit(firings, logic, batch.late(), batch.failed(), state);
            state.clearTimers(shardId, due.timers());
            commit(checkpoint, batch.last(), watermark, batch.watermark().maxEventTimeMs(),
                    Figures.of(Metric.RECORDS, batch.records())
                            .with(Metric.REPLAYS_SKIPPED, batch.replaysSkipped())
                            .with(Metric.FAILED_RECORDS, batch.failed().size())
                            .with(Metric.LATE_RECORDS, batch.late().size())
                            .with(Metric.WINDOWS_FIRED, firings.size())
                            .with(Metric.RESULTS_EMITTED, emitted));
            lastWatermarkMs = watermark;
            return new Outcome(retryFrom, false);
        } catch (RuntimeException e) {
            if (firstUncommitted == null) {
                // failed before taking a record (the checkpoint read, a new shard's lineage): retry all of it
                firstUncommitted = records.get(0).getKinesis().getSequenceNumber();
            }
            LOG.error("pipeline {} shard {}: batch failed from sequence number {}; the event source mapping"
                    + " will retry it: {}", plan.name(), shardId, firstUncommitted, e.toString(), e);
            lastFailure = e.getMessage() == null ? e.toString() : e.getMessage().replace('\n', ' ');
            return new Outcome(firstUncommitted, true);
        }
    }

    /**
     * End of input for one shard: the watermark goes to +∞ and every window fires.
     *
     * @param shardId the shard
     * @return the number of windows fired
     */
    int drain(String shardId) {
        ShardCheckpoint checkpoint = state.readCheckpoint(shardId);
        BatchLogic logic = BatchLogic.of(plan, Long.MAX_VALUE, json, clock);
        StateBackend.Due due = state.fireDue(shardId, BatchRange.drain(checkpoint), Long.MAX_VALUE, logic);
        List<Firing> firings = distinct(due.firings(), List.of());
        long emitted = emitter.emit(firings, logic, List.of(), List.of(), state);
        state.clearTimers(shardId, due.timers());
        commit(checkpoint, null, Long.MAX_VALUE, checkpoint.maxEventTimeMs(),
                Figures.of(Metric.WINDOWS_FIRED, firings.size()).with(Metric.RESULTS_EMITTED, emitted));
        return firings.size();
    }

    /** Records why an invocation stopped without an error (before the deadline). */
    void stopped(String reason) {
        lastFailure = reason;
    }

    /** @return why the latest cycle that failed, or invocation that stopped early, did; empty while none did */
    Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** @return the watermark of the last committed cycle, ms; {@link Long#MIN_VALUE} before the first */
    long lastWatermarkMs() {
        return lastWatermarkMs;
    }

    /** A shard never committed: if it is a child of a reshard, it continues its parents. */
    private ShardCheckpoint inherit(String shardId, String streamArn, ShardCheckpoint initial) {
        if (streamArn == null) {
            return initial;
        }
        Optional<ShardLineage.Shard> shard = lineage.describe(streamArn, shardId);
        if (shard.isEmpty() || shard.get().parents().isEmpty()) {
            return initial;
        }
        ShardCheckpoint inherited = state.inherit(shardId, shard.get().parents(), shard.get()::owns);
        LOG.info("pipeline {} shard {}: continues {} after a reshard, from watermark {}", plan.name(), shardId,
                shard.get().parents(), inherited.watermarkMs());
        return inherited;
    }

    /**
     * Commits a shard's checkpoint, with its totals grown by the cycle's figures, the shard's uncommitted ones and
     * the capacity used since they were taken, all in the one conditional write that moves the checkpoint; then
     * counts the cycle.
     *
     * @throws dev.eddy.state.StateConflictException if another invocation moved the checkpoint: nothing counted
     */
    private void commit(ShardCheckpoint checkpoint, BigInteger last, long watermark, long maxEventTime,
            Figures cycle) {
        String shardId = checkpoint.shardId();
        state.commitCheckpoint(checkpoint, checkpoint.advance(last, watermark, maxEventTime,
                ledger.toCommit(shardId, cycle)));
        ledger.committed(shardId, cycle);
    }

    /** Closes the shard lineage's client, if it has one. */
    void close() {
        if (lineage instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("pipeline {}: closing the shard lineage's client failed: {}", plan.name(), e.toString());
            }
        }
    }

    /** The firings of both lists, each (key, window, firing) once: a window can be reached by values and timer. */
    private static List<Firing> distinct(List<Firing> a, List<Firing> b) {
        Map<List<Object>, Firing> unique = new LinkedHashMap<>();
        for (List<Firing> list : List.of(a, b)) {
            for (Firing f : list) {
                unique.putIfAbsent(List.of(f.key(), f.window(), f.firing()), f);
            }
        }
        return List.copyOf(unique.values());
    }
}

package dev.eddy.internal;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.metrics.Figures;
import dev.eddy.metrics.Metric;
import dev.eddy.pipeline.internal.Plan;
import dev.eddy.state.BatchRange;
import dev.eddy.state.Firing;
import dev.eddy.state.RedriveLane;
import dev.eddy.state.ShardBlock;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.ShardLineage;
import dev.eddy.state.SkippedRange;
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
    /** Watermark idleness, ms; 0 for none. */
    private volatile long idlenessMs;
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

    /** @param idleness watermark idleness (docs/windows.md, "Idleness"); zero for none */
    void idleness(java.time.Duration idleness) {
        this.idlenessMs = idleness.toMillis();
    }

    /**
     * @param shardId the shard
     * @param records consecutive records of the shard
     * @return how it ended
     */
    Outcome run(String shardId, List<KinesisEvent.KinesisEventRecord> records) {
        ShardCheckpoint checkpoint = null;
        ShardCheckpoint resumed = null;
        BigInteger first = null;
        try {
            checkpoint = state.readCheckpoint(shardId);
            if (checkpoint.version() == 0 && lineage != null) {
                checkpoint = inherit(shardId, records.get(0).getEventSourceARN(), checkpoint);
            }
            first = firstUncommitted(checkpoint, records);
            resumed = first == null ? checkpoint : checkpoint.resumedAt(first, clock.millis());
            if (resumed.skipped().size() > checkpoint.skipped().size()) {
                SkippedRange skip = resumed.skipped().get(resumed.skipped().size() - 1);
                LOG.error("pipeline {} shard {}: the event source mapping skipped the records from sequence number {}"
                        + " to before {} after failed attempts since {} (last error: {}); re-drive them with"
                        + " `eddy redrive` while the stream retains them", plan.name(), shardId, skip.from(),
                        skip.resumedAt(), java.time.Instant.ofEpochMilli(skip.blockedSinceMs()), skip.error());
            }
            if (first != null && !first.equals(sequence(records.get(0))) && !isBlockedAt(checkpoint, first)) {
                // a retry of a batch part of which was committed: an earlier attempt ended without a response
                // (a timeout or crash). Marked, so that a skip after it is known and the shard shows as blocked
                markBlocked(checkpoint, resumed, first, "an earlier attempt of this batch ended without a response"
                        + " (a timeout or a crash of the function) after committing part of it");
            }
            ShardBatch batch = new ShardBatch(plan, shardId, checkpoint, reader, new SideRecords(plan.name(), shardId,
                    json), false, idlenessMs);
            return cycle(shardId, checkpoint, resumed, batch, records, false);
        } catch (RuntimeException e) {
            String from = first != null ? first.toString() : records.get(0).getKinesis().getSequenceNumber();
            LOG.error("pipeline {} shard {}: batch failed from sequence number {}; the event source mapping"
                    + " will retry it: {}", plan.name(), shardId, from, e.toString(), e);
            lastFailure = e.getMessage() == null ? e.toString() : e.getMessage().replace('\n', ' ');
            if (checkpoint != null) {
                markBlocked(checkpoint, resumed != null ? resumed : checkpoint, new BigInteger(from), lastFailure);
            }
            return new Outcome(from, true);
        }
    }

    /**
     * Re-drives records of a shard that the event source mapping skipped, as the lane
     * {@link RedriveLane#of(String, BigInteger) shard~redrive~from}: fenced apart from the shard, judged by the
     * shard's watermark (frozen at the lane's first attempt, so a retry judges alike), applied to the windows still
     * open (a window past its end but within the allowed lateness fires again), late data with the reason
     * {@value #REDRIVEN} for windows past their allowed lateness. The windows that re-driven records open fire with
     * the shard's timers. Exact if run twice: the lane's checkpoint and fences skip what was applied.
     *
     * @param shardId the shard whose records were skipped
     * @param skip the range as the shard's checkpoint recorded it, or {@code null} if it did not (a range skipped
     *     for its age, never attempted)
     * @param from the first sequence number of the range (names the lane)
     * @param records consecutive records of the range
     * @return how it ended
     */
    Outcome redrive(String shardId, SkippedRange skip, BigInteger from, List<KinesisEvent.KinesisEventRecord> records) {
        String lane = RedriveLane.of(shardId, from);
        try {
            ShardCheckpoint checkpoint = state.readCheckpoint(lane);
            if (checkpoint.version() == 0) {
                // the first attempt fixes the watermark the lane judges by: the shard's now
                ShardCheckpoint shard = state.readCheckpoint(shardId);
                ShardCheckpoint begun = new ShardCheckpoint(lane, null, shard.watermarkMs(), shard.maxEventTimeMs(),
                        1, dev.eddy.metrics.Figures.ZERO, null, skip == null ? List.of() : List.of(skip),
                        Long.MIN_VALUE);
                state.commitCheckpoint(checkpoint, begun);
                checkpoint = begun;
            }
            ShardBatch batch = new ShardBatch(plan, shardId, checkpoint, reader, new SideRecords(plan.name(), shardId,
                    json, REDRIVEN), true, 0);
            return cycle(lane, checkpoint, checkpoint, batch, records, true);
        } catch (RuntimeException e) {
            LOG.error("pipeline {} shard {}: re-driving from sequence number {} failed: {}", plan.name(), shardId,
                    from, e.toString(), e);
            lastFailure = e.getMessage() == null ? e.toString() : e.getMessage().replace('\n', ' ');
            return new Outcome(records.get(0).getKinesis().getSequenceNumber(), true);
        }
    }

    /** The reason re-driven records carry in the late-data and failure outputs. */
    static final String REDRIVEN = "re-driven after skip";

    /**
     * One cycle of a shard or a redrive lane: read, apply, fire (a shard's timers only), emit, commit.
     *
     * @param writer the shard, or the lane
     * @param checkpoint the writer's checkpoint as read (compare-and-set)
     * @param resumed {@code checkpoint}, unblocked and with a skip the batch reveals
     * @param lane whether {@code writer} is a redrive lane: no timers fire, the watermark stays
     */
    private Outcome cycle(String writer, ShardCheckpoint checkpoint, ShardCheckpoint resumed, ShardBatch batch,
            List<KinesisEvent.KinesisEventRecord> records, boolean lane) {
        BigInteger firstUncommitted = null;
        String retryFrom = null;
        for (KinesisEvent.KinesisEventRecord record : records) {
            BigInteger sequence = sequence(record);
            if (checkpoint.covers(sequence)) {
                batch.replaySkipped();
                continue;
            }
            if (firstUncommitted == null) {
                firstUncommitted = sequence;
            }
            if (!batch.add(record, sequence)) {
                retryFrom = record.getKinesis().getSequenceNumber();
                break;
            }
        }
        if (batch.last() == null) {
            ledger.uncommitted(writer, Figures.of(Metric.REPLAYS_SKIPPED, batch.replaysSkipped()));
            return new Outcome(retryFrom, false);
        }
        long watermark = batch.watermark().watermarkMs();
        // a blocked shard's range starts at its earliest failed attempt since the last commit: firings that
        // attempts committed to state (tagged from there, perhaps in a range skipped since) are emitted now
        BigInteger rangeFirst = !lane && checkpoint.blocked() != null
                ? checkpoint.blocked().emitFrom().min(firstUncommitted) : firstUncommitted;
        BatchRange range = new BatchRange(rangeFirst, batch.last(), batch.watermark().steps(), resumed.skipped());
        BatchLogic logic = lane ? BatchLogic.forRedrive(plan, watermark, json, clock)
                : BatchLogic.of(plan, watermark, json, clock);
        StateBackend.Applied applied = state.applyUpdates(writer, range, batch.updates(), logic);
        applied.refused().forEach(batch::refused);
        StateBackend.Due due = new StateBackend.Due(List.of(), List.of());
        if (!lane) {
            due = state.fireDue(writer, range, watermark, logic);
            if (logic.usesProcessingTime()) {
                StateBackend.Due byClock = state.fireDueProcessingTime(writer, range, clock.millis(), logic);
                List<TimerHandle> timers = new ArrayList<>(due.timers());
                timers.addAll(byClock.timers());
                due = new StateBackend.Due(distinct(due.firings(), byClock.firings()), timers);
            }
        }
        List<Firing> firings = distinct(applied.firings(), due.firings());
        long emitted = emitter.emit(firings, logic, batch.late(), batch.failed(), state);
        state.clearTimers(writer, due.timers());
        long idleFirings = firings.stream().filter(f -> batch.heartbeats().contains(f.tag())).count();
        commit(checkpoint, resumed.arrived(batch.lastArrivalMs()), batch.last(), watermark,
                batch.watermark().maxEventTimeMs(),
                Figures.of(Metric.RECORDS, batch.records())
                        .with(Metric.HEARTBEATS, batch.heartbeats().size())
                        .with(Metric.IDLE_FIRINGS, idleFirings)
                        .with(Metric.REPLAYS_SKIPPED, batch.replaysSkipped())
                        .with(Metric.FAILED_RECORDS, batch.failed().size())
                        .with(Metric.LATE_RECORDS, batch.late().size())
                        .with(Metric.WINDOWS_FIRED, firings.size())
                        .with(Metric.RESULTS_EMITTED, emitted));
        if (!lane) {
            lastWatermarkMs = watermark;
        }
        return new Outcome(retryFrom, false);
    }

    /** @return the first record the checkpoint does not cover, or {@code null} if it covers them all */
    private static BigInteger firstUncommitted(ShardCheckpoint checkpoint,
            List<KinesisEvent.KinesisEventRecord> records) {
        for (KinesisEvent.KinesisEventRecord record : records) {
            BigInteger sequence = sequence(record);
            if (!checkpoint.covers(sequence)) {
                return sequence;
            }
        }
        return null;
    }

    private static boolean isBlockedAt(ShardCheckpoint checkpoint, BigInteger from) {
        return checkpoint.blocked() != null && checkpoint.blocked().from().equals(from);
    }

    private static BigInteger sequence(KinesisEvent.KinesisEventRecord record) {
        return Decimals.parse(record.getKinesis().getSequenceNumber());
    }

    /**
     * Records the block with the checkpoint, and the skipped ranges the batch revealed; a failure to (the store is
     * down) is logged, never thrown.
     */
    private void markBlocked(ShardCheckpoint checkpoint, ShardCheckpoint resumed, BigInteger from, String error) {
        try {
            state.markBlocked(checkpoint, resumed.withBlock(ShardBlock.after(checkpoint.blocked(), from,
                    clock.millis(), error)));
        } catch (RuntimeException e) {
            LOG.warn("pipeline {} shard {}: the block from sequence number {} could not be recorded with the"
                    + " checkpoint (eddy status will not show it): {}", plan.name(), checkpoint.shardId(), from,
                    e.toString());
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
        BatchRange range = BatchRange.drain(checkpoint);
        ShardCheckpoint resumed = checkpoint;
        if (checkpoint.blocked() != null) {
            // drained while blocked: the mapping skipped everything from the block on; what attempts before the
            // skip fired (tagged from there) is emitted now
            resumed = checkpoint.resumedAt(SkippedRange.END, clock.millis());
            range = new BatchRange(range.first().min(checkpoint.blocked().emitFrom()), SkippedRange.END,
                    range.watermarkSteps(), resumed.skipped());
        }
        StateBackend.Due due = state.fireDue(shardId, range, Long.MAX_VALUE, logic);
        List<Firing> firings = distinct(due.firings(), List.of());
        long emitted = emitter.emit(firings, logic, List.of(), List.of(), state);
        state.clearTimers(shardId, due.timers());
        commit(checkpoint, resumed, null, Long.MAX_VALUE, checkpoint.maxEventTimeMs(),
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
    private void commit(ShardCheckpoint checkpoint, ShardCheckpoint resumed, BigInteger last, long watermark,
            long maxEventTime, Figures cycle) {
        String shardId = checkpoint.shardId();
        state.commitCheckpoint(checkpoint, resumed.advance(last, watermark, maxEventTime,
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

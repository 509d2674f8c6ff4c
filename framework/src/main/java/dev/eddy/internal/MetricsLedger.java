package dev.eddy.internal;

import dev.eddy.metrics.Figures;
import dev.eddy.metrics.Metric;
import dev.eddy.state.CapacityUsage;
import dev.eddy.state.StateBackend;
import java.util.HashMap;
import java.util.Map;

/**
 * A processor's figures ({@link Figures}): what it counted, and per shard what no committed checkpoint holds yet.
 * Replays of cycles with nothing new to commit, deadline stops, and the capacity used since the shard's last commit
 * (that commit's own write, failed attempts) wait here until the shard's next commit adds them to its totals, in
 * the same conditional write as the checkpoint, so a retried batch counts once. Internal; not thread-safe.
 */
final class MetricsLedger {

    private final StateBackend state;
    private Figures counted = Figures.ZERO;
    private final Map<String, Figures> uncommitted = new HashMap<>();
    /** The backend's capacity use when it was last attributed to a shard. */
    private CapacityUsage attributed = CapacityUsage.NONE;

    MetricsLedger(StateBackend state) {
        this.state = state;
    }

    /** Counts figures that belong to no commit (an invocation). */
    void count(Figures figures) {
        counted = counted.plus(figures);
    }

    /** Counts figures of a shard that its next commit adds to its totals. */
    void uncommitted(String shardId, Figures figures) {
        count(figures);
        uncommitted.merge(shardId, figures, Figures::plus);
    }

    /** Attributes the capacity the backend used since the last attribution to a shard, until its next commit. */
    void capacityOf(String shardId) {
        uncommitted(shardId, capacityUsed());
    }

    /** Capacity used outside any shard (priming) is no shard's: it is left out. */
    void capacityOfNoShard() {
        capacityUsed();
    }

    /**
     * @param shardId the shard about to commit
     * @param cycle the committing cycle's figures
     * @return what the commit adds to the shard's totals: the cycle's figures, the shard's uncommitted ones and the
     *     capacity used since they were taken
     */
    Figures toCommit(String shardId, Figures cycle) {
        capacityOf(shardId);
        return uncommitted.get(shardId).plus(cycle);
    }

    /** The shard's commit succeeded: its uncommitted figures are in its totals now, and the cycle is counted. */
    void committed(String shardId, Figures cycle) {
        uncommitted.remove(shardId);
        count(cycle);
    }

    /**
     * @param sinkRetries sink entries sent again so far
     * @return everything counted, with the sink retries and the backend's whole capacity use
     */
    Figures figures(long sinkRetries) {
        CapacityUsage usage = state.usage();
        return counted.with(Metric.SINK_RETRIES, sinkRetries).with(Metric.STATE_WRITE_UNITS, usage.writeUnits())
                .with(Metric.STATE_READ_UNITS, usage.readUnits());
    }

    private Figures capacityUsed() {
        CapacityUsage now = state.usage();
        Figures used = Figures.of(Metric.STATE_WRITE_UNITS, now.writeUnits() - attributed.writeUnits())
                .with(Metric.STATE_READ_UNITS, now.readUnits() - attributed.readUnits());
        attributed = now;
        return used;
    }
}

package dev.eddy.state;

import java.util.List;

/**
 * Durable keyed window state, timers and shard checkpoints, changed so that a retried or duplicated batch
 * takes effect exactly once. {@code eddy-state-dynamodb} provides the implementation.
 *
 * <p>One backend per handler instance; one shard's batches reach it one at a time, but other shards' handlers
 * (and zombie invocations of the same shard) may write the same table concurrently.
 */
public interface StateBackend extends AutoCloseable {

    /**
     * Reads a shard's checkpoint with a strongly consistent read.
     *
     * @param shardId Kinesis shard id, e.g. {@code shardId-000000000000}
     * @return the checkpoint, or {@link ShardCheckpoint#initial(String)} for a shard never committed
     */
    ShardCheckpoint readCheckpoint(String shardId);

    /**
     * Applies each update's values whose sequence number is above the one the stored window recorded for this
     * shard, through {@link WindowLogic#onValues}, in one conditional write per window; values already applied by
     * an earlier attempt are skipped, so the call is idempotent whatever the batch boundaries. Registers the timer
     * the new state asks for.
     *
     * @param shardId the writing shard
     * @param range the batch
     * @param updates per (key, window), at most one each, values in increasing sequence-number order
     * @param logic the window logic
     * @return the firings of the touched windows that belong to this batch, and the refused updates
     * @throws StateConflictException if another writer keeps changing an item (bounded re-reads exhausted)
     */
    Applied applyUpdates(String shardId, BatchRange range, List<WindowUpdate> updates, WindowLogic logic);

    /**
     * Handles this shard's timers due at the watermark, in time order, through {@link WindowLogic#onTimer}, each
     * committed with a conditional write. Firings that belong to this batch are returned, including those an
     * earlier, crashed attempt committed.
     *
     * @param shardId the shard whose timers are due
     * @param range the batch
     * @param watermarkMs the shard's watermark, ms; {@link Long#MAX_VALUE} makes every timer due (end of input)
     * @param logic the window logic
     * @return the firings to emit and the timers to clear once they are delivered
     */
    Due fireDue(String shardId, BatchRange range, long watermarkMs, WindowLogic logic);

    /**
     * Handles this shard's processing-time timers due by the wall clock, through
     * {@link WindowLogic#onProcessingTimer}, like {@link #fireDue}. Their firings are tagged with the batch's
     * first record, which every retry of the batch starts with.
     *
     * @param shardId the shard
     * @param range the batch
     * @param nowMs the wall clock, ms since the epoch
     * @param logic the window logic
     * @return the firings to emit and the timers to clear once they are delivered
     */
    Due fireDueProcessingTime(String shardId, BatchRange range, long nowMs, WindowLogic logic);

    /**
     * Removes timers that were handled. Idempotent.
     *
     * @param shardId the shard
     * @param timers timers from {@link Due#timers()}
     */
    void clearTimers(String shardId, List<Object> timers);

    /**
     * Moves a shard's checkpoint forward by compare-and-set on {@code previous.version()}.
     *
     * @param previous the checkpoint this invocation read
     * @param next the new checkpoint; its version must be {@code previous.version() + 1}
     * @throws StateConflictException if another invocation moved the checkpoint since it was read
     */
    void commitCheckpoint(ShardCheckpoint previous, ShardCheckpoint next);

    /** @return capacity consumed by this backend since it was created */
    CapacityUsage usage();

    @Override
    void close();

    /**
     * @param firings firings to emit, in window order
     * @param refused updates refused by the window logic
     */
    record Applied(List<Firing> firings, List<WindowUpdate> refused) {
    }

    /**
     * @param firings firings to emit, in timer order
     * @param timers opaque timer handles to pass to {@link #clearTimers} after delivery
     */
    record Due(List<Firing> firings, List<Object> timers) {
    }
}

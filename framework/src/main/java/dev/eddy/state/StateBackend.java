package dev.eddy.state;

import java.util.List;

/**
 * Durable keyed state, timers and shard checkpoints, changed so that a retried or duplicated batch takes effect
 * exactly once. All of a key's state is one unit (its windows, pane or process state): a batch changes it once
 * per key it touches. {@code eddy-state-dynamodb} provides the implementation ({@code docs/state.md}).
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
     * The first checkpoint of a shard that continues others after a reshard: its parents' watermark (the lowest,
     * after a merge, so that no record becomes late that its parent would have taken) and their timers of the keys
     * it now owns, so that windows its parents opened still fire. Called before the shard's first batch, which
     * commits the returned checkpoint; calling it again (a retry) is harmless.
     *
     * @param shardId the child shard
     * @param parents its parent shards (processed to their end before it, as Lambda does)
     * @param owns whether a key's partition key now belongs to the child. Timers of an unknown partition key are
     *     taken, too: both children of a split then hold one, the first to reach its time fires the window (once:
     *     the firing is committed in the key's item) and the other finds it stale
     * @return the child's initial checkpoint; {@link ShardCheckpoint#initial(String)} if no parent was ever
     *     committed. The default takes nothing over
     */
    default ShardCheckpoint inherit(String shardId, java.util.List<String> parents,
            java.util.function.Predicate<String> owns) {
        return ShardCheckpoint.initial(shardId);
    }

    /**
     * Applies each update's values whose sequence number is above the one the key's stored state recorded for this
     * shard, through {@link KeyLogic#apply}, in one conditional write per key; values already applied by an earlier
     * attempt are skipped, so the call is idempotent whatever the batch boundaries. Registers the timers the new
     * state asks for.
     *
     * @param shardId the writing shard
     * @param range the batch
     * @param updates at most one per key, values in increasing sequence-number order
     * @param logic the key logic
     * @return the firings of the touched keys that belong to this batch, and the values refused (per key)
     * @throws StateConflictException if another writer keeps changing an item (bounded re-reads exhausted)
     */
    Applied applyUpdates(String shardId, BatchRange range, List<KeyUpdate> updates, KeyLogic logic);

    /**
     * Handles this shard's timers due at the watermark, in time order, through {@link KeyLogic#onTimer}, each
     * committed with a conditional write. Firings that belong to this batch are returned, including those an
     * earlier, crashed attempt committed.
     *
     * @param shardId the shard whose timers are due
     * @param range the batch
     * @param watermarkMs the shard's watermark, ms; {@link Long#MAX_VALUE} makes every timer due (end of input)
     * @param logic the key logic
     * @return the firings to emit and the timers to clear once they are delivered
     */
    Due fireDue(String shardId, BatchRange range, long watermarkMs, KeyLogic logic);

    /**
     * Handles this shard's processing-time timers due by the wall clock, through
     * {@link KeyLogic#onProcessingTimer}, like {@link #fireDue}. Their firings are tagged with the batch's
     * first record, which every retry of the batch starts with.
     *
     * @param shardId the shard
     * @param range the batch
     * @param nowMs the wall clock, ms since the epoch
     * @param logic the key logic
     * @return the firings to emit and the timers to clear once they are delivered
     */
    Due fireDueProcessingTime(String shardId, BatchRange range, long nowMs, KeyLogic logic);

    /**
     * Removes timers that were handled. Idempotent.
     *
     * @param shardId the shard
     * @param timers timers from {@link Due#timers()}
     */
    void clearTimers(String shardId, List<TimerHandle> timers);

    /**
     * Moves a shard's checkpoint forward by compare-and-set on {@code previous.version()}: sequence number,
     * watermark and {@link ShardCheckpoint#totals() totals} in one conditional write.
     *
     * @param previous the checkpoint this invocation read
     * @param next the new checkpoint; its version must be {@code previous.version() + 1}
     * @throws StateConflictException if another invocation moved the checkpoint since it was read
     */
    void commitCheckpoint(ShardCheckpoint previous, ShardCheckpoint next);

    /**
     * Records that a shard's batch failed from a record on ({@link ShardCheckpoint#blocked()}), with the ranges the
     * event source mapping skipped so far ({@link ShardCheckpoint#skipped()}), without moving the checkpoint, so that
     * {@code eddy status} can show a blocked shard and a redrive knows what was skipped. Written only if the
     * checkpoint is still the one read (same version); the next commit removes the block. The default keeps
     * nothing.
     *
     * @param read the checkpoint the failed batch read
     * @param blocked {@code read} with its block after this attempt and its skipped ranges, same version
     * @throws RuntimeException if the store cannot be reached; callers log it (the batch has failed anyway)
     */
    default void markBlocked(ShardCheckpoint read, ShardCheckpoint blocked) {
    }

    /**
     * Which idempotency keys of a {@code forEachOnce} side effect are marked done, with strongly consistent reads.
     * A marker whose retention has passed counts as absent, even before the store deletes it.
     *
     * @param scope the side effect's scope, {@code <pipeline>#<name>}
     * @param keys idempotency keys, any strings (duplicates allowed)
     * @return the keys among {@code keys} that are marked done and not expired
     * @throws UnsupportedOperationException if this backend has no done-markers
     */
    default java.util.Set<String> done(String scope, java.util.Collection<String> keys) {
        throw new UnsupportedOperationException(getClass().getName() + " does not keep done-markers, which"
                + " forEachOnce needs: use the DynamoDB state backend (eddy-state-dynamodb)");
    }

    /**
     * Marks idempotency keys of a {@code forEachOnce} side effect done, until {@code retention} from now.
     * Idempotent: marking a key again renews it.
     *
     * @param scope the side effect's scope, {@code <pipeline>#<name>}
     * @param keys idempotency keys whose side effect succeeded (duplicates allowed)
     * @param retention how long the markers are kept
     * @throws UnsupportedOperationException if this backend has no done-markers
     */
    default void markDone(String scope, java.util.Collection<String> keys, java.time.Duration retention) {
        throw new UnsupportedOperationException(getClass().getName() + " does not keep done-markers, which"
                + " forEachOnce needs: use the DynamoDB state backend (eddy-state-dynamodb)");
    }

    /** @return capacity consumed by this backend since it was created */
    CapacityUsage usage();

    @Override
    void close();

    /**
     * @param firings firings to emit: key by key in the order of the updates, each key's in the order its logic
     *     recorded them
     * @param refused values the key logic refused, per key
     */
    record Applied(List<Firing> firings, List<KeyUpdate> refused) {
    }

    /**
     * @param firings firings to emit: key by key in the order of each key's earliest due timer, each key's in the
     *     order its logic recorded them (its timers are applied in time order, in one write per key)
     * @param timers the backend's handles on the timers, to pass to {@link #clearTimers} after delivery
     */
    record Due(List<Firing> firings, List<TimerHandle> timers) {
    }
}

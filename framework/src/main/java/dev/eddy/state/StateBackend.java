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
     * shard, in one conditional write per window. Values already applied by an earlier attempt are skipped, so
     * the call is idempotent whatever the batch boundaries. Registers an event-time timer at the window's end
     * for every window it creates.
     *
     * <p>A window fires once: values for a window already committed as fired are not applied but returned, so
     * that the caller sends them to the late-data output. With allowed lateness zero this happens only when a
     * key's records reach more than one shard (the key does not follow the partition key), and the shard that
     * lags behind adds to a window the other shard's watermark has fired.
     *
     * @param shardId the writing shard
     * @param updates per (key, window), values in increasing sequence-number order
     * @param folder folds values into a stored accumulator
     * @return the refused updates: per fired window, its values not applied before; empty when all were applied
     * @throws StateConflictException if another writer keeps changing an item (bounded re-reads exhausted)
     */
    List<WindowUpdate> applyUpdates(String shardId, List<WindowUpdate> updates, Folder folder);

    /**
     * Finds this shard's windows whose end the watermark has reached ({@code watermark ≥ end − 1}), in
     * window-end order, and commits each as fired (firing 0) with a conditional write. A window already
     * committed as fired by an earlier attempt is returned again, with the same firing number, so its result
     * is re-emitted with the same id.
     *
     * @param shardId the shard whose timers are due
     * @param watermarkMs the shard's watermark, ms; {@link Long#MAX_VALUE} fires every window (end of input)
     * @return the fired windows and their accumulators
     */
    List<FiredWindow> fireDue(String shardId, long watermarkMs);

    /**
     * Removes the timers of windows whose results were delivered. Idempotent.
     *
     * @param shardId the shard
     * @param fired windows from {@link #fireDue}
     */
    void clearTimers(String shardId, List<FiredWindow> fired);

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

    /** Folds values into an accumulator held as JSON text. */
    @FunctionalInterface
    interface Folder {
        /**
         * @param storedAccumulator the stored accumulator's JSON, or {@code null} for a new window
         * @param values values not yet applied, in sequence-number order; never empty
         * @return the new accumulator's JSON
         */
        String fold(String storedAccumulator, List<SequencedValue> values);
    }
}

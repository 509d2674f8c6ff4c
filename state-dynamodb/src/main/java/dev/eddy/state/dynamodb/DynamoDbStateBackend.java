package dev.eddy.state.dynamodb;

import dev.eddy.state.BatchRange;
import dev.eddy.state.CapacityUsage;
import dev.eddy.state.KeyLogic;
import dev.eddy.state.KeyUpdate;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.StateBackend;
import dev.eddy.state.StateConflictException;
import dev.eddy.state.TimerHandle;
import dev.eddy.state.dynamodb.idempotency.IdempotencyMarkers;
import dev.eddy.state.dynamodb.table.Capacity;
import dev.eddy.state.dynamodb.table.StateTable;
import dev.eddy.state.dynamodb.timers.TimerBuckets;
import dev.eddy.state.dynamodb.timers.TimerKind;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Keyed state, timers and checkpoints in one DynamoDB table (layout: {@link StateTable}, {@code docs/state.md}),
 * changed only by conditional writes.
 *
 * <p>One item per key holds all of its state. Fencing ({@code docs/state.md}, "One batch"): each key's item
 * records, per writing shard, the highest sequence number applied to it; a write carries only the values above
 * that number and is a compare-and-set on the item's {@code ver}. A retry with other batch boundaries, a duplicate
 * invocation or a zombie therefore applies each record once. A lost compare-and-set re-reads the item and applies
 * again, at most {@value #MAX_ATTEMPTS} writes per item, then {@link StateConflictException}.
 *
 * <p>The pipeline's {@link KeyLogic} is only ever called on the thread that calls this backend: all of a batch's
 * changes are computed first, then written in parallel on 8 writer threads, and
 * the items that lost their compare-and-set are re-read, recomputed and written again one by one on the calling
 * thread.
 *
 * <p>Cost: one read (batched, strongly consistent) and one write per key a batch touches, plus one timer bucket
 * write per (batch, due time) and its delete once fired; not per record. Every request asks for
 * {@code ReturnConsumedCapacity}; a failed conditional write reports nothing but is billed, and is counted as its
 * item's size in write units ({@link dev.eddy.state.dynamodb.table.ItemSize}).
 *
 * <p>Resharding: {@link #inherit} continues a child shard from its parents' watermark and timers.
 *
 * <p>The parts: {@code CheckpointStore} (shard checkpoints), {@link TimerBuckets} (timer buckets),
 * {@code KeyItemCodec} (a key's item ↔ its state), {@code CompareAndSetWriter} (conditional puts, in parallel),
 * {@code KeyItemWrites} (a batch's reads, computations, writes and retries), {@code ValueUpdates} and
 * {@code TimerFirings} (what values and due timers do), {@link IdempotencyMarkers} ({@code forEachOnce}).
 */
public final class DynamoDbStateBackend implements StateBackend {

    /** Compare-and-set writes of one item per call, the first included, before {@link StateConflictException}. */
    public static final int MAX_ATTEMPTS = 5;
    /**
     * Largest key item written, in bytes as DynamoDB sizes items (UTF-8 attribute names and values; see
     * {@link dev.eddy.state.dynamodb.table.ItemSize}): 380 KB, below DynamoDB's 400 KB item limit. A larger one
     * fails the batch with an {@link IllegalStateException} naming the key, before anything is written.
     */
    public static final int MAX_ITEM_BYTES = 380 * 1024;
    /**
     * How long a key's cleaned-up state is kept before DynamoDB's TTL removes it (unless the state gives its own
     * expiry); its fencing still guards against slow retries meanwhile. Also how long a reshard's parent timer
     * buckets are kept for its other child.
     */
    public static final Duration CLEANED_UP_RETENTION = Duration.ofDays(7);

    private final DynamoDbClient client;
    private final Capacity capacity = new Capacity();
    private final CheckpointStore checkpoints;
    private final TimerBuckets timers;
    private final CompareAndSetWriter writer;
    private final ValueUpdates values;
    private final TimerFirings firings;
    private final IdempotencyMarkers markers;

    /**
     * @param client a DynamoDB client, owned by this backend from now on
     * @param table the state table, laid out as {@link StateTable} says
     */
    public DynamoDbStateBackend(DynamoDbClient client, String table) {
        this(client, table, Clock.systemUTC());
    }

    /**
     * A backend whose wall clock is given: it dates the time-to-live ({@code expiresAt}, epoch seconds) of
     * cleaned-up state, of a reshard's parent timer buckets and of {@code forEachOnce} done-markers, and judges
     * whether a marker has expired. For tests that move time ({@code dev.eddy.testing.EddyTestDriver});
     * handlers use the system clock.
     *
     * @param client a DynamoDB client, owned by this backend from now on
     * @param table the state table, laid out as {@link StateTable} says
     * @param clock the wall clock
     */
    public DynamoDbStateBackend(DynamoDbClient client, String table, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(clock, "clock");
        this.checkpoints = new CheckpointStore(client, table, capacity);
        this.timers = new TimerBuckets(client, table, capacity, clock, CLEANED_UP_RETENTION);
        this.writer = new CompareAndSetWriter(client, table, capacity);
        KeyItemCodec codec = new KeyItemCodec(clock, CLEANED_UP_RETENTION, MAX_ITEM_BYTES);
        KeyItemWrites items = new KeyItemWrites(client, table, capacity, writer, timers, MAX_ATTEMPTS);
        this.values = new ValueUpdates(items, codec);
        this.firings = new TimerFirings(timers, items, codec);
        this.markers = new IdempotencyMarkers(client, table, clock, capacity);
    }

    /** For the test that shows a retry double-counting without fencing. */
    void disableFencingForTest() {
        values.disableFencing();
    }

    @Override
    public ShardCheckpoint readCheckpoint(String shardId) {
        return checkpoints.read(shardId);
    }

    @Override
    public ShardCheckpoint inherit(String shardId, List<String> parents, Predicate<String> owns) {
        CheckpointStore.Inheritance inheritance = checkpoints.inherit(shardId, parents);
        for (String parent : inheritance.committedParents()) {
            timers.adopt(parent, shardId, owns);
        }
        return inheritance.child();
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if two updates have the same key
     * @throws IllegalStateException if a key's item would exceed {@link #MAX_ITEM_BYTES}, or DynamoDB leaves keys
     *     of a {@code BatchGetItem} unprocessed after the retries of {@code BatchRequests}
     */
    @Override
    public Applied applyUpdates(String shardId, BatchRange range, List<KeyUpdate> updates, KeyLogic logic) {
        return values.apply(shardId, range, updates, logic);
    }

    @Override
    public Due fireDue(String shardId, BatchRange range, long watermarkMs, KeyLogic logic) {
        return firings.fire(TimerKind.EVENT_TIME, shardId, range, watermarkMs,
                (key, state, at) -> logic.onTimer(key, state, at, range.crossing(at)));
    }

    @Override
    public Due fireDueProcessingTime(String shardId, BatchRange range, long nowMs, KeyLogic logic) {
        return firings.fire(TimerKind.PROCESSING_TIME, shardId, range, nowMs,
                (key, state, at) -> logic.onProcessingTimer(key, state, at, range.first()));
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalArgumentException if a handle was not handed out by this backend class
     */
    @Override
    public void markBlocked(ShardCheckpoint read, ShardCheckpoint blocked) {
        checkpoints.markBlocked(read, blocked);
    }

    @Override
    public void clearTimers(String shardId, List<TimerHandle> handles) {
        timers.clear(handles);
    }

    @Override
    public void commitCheckpoint(ShardCheckpoint previous, ShardCheckpoint next) {
        checkpoints.commit(previous, next);
    }

    /** Done-markers of {@code forEachOnce}: see {@link IdempotencyMarkers}. */
    @Override
    public Set<String> done(String scope, Collection<String> keys) {
        return markers.done(scope, keys);
    }

    @Override
    public void markDone(String scope, Collection<String> keys, Duration retention) {
        markers.markDone(scope, keys, retention);
    }

    @Override
    public CapacityUsage usage() {
        return capacity.usage();
    }

    /** Stops the writer threads and closes the client. */
    @Override
    public void close() {
        writer.close();
        client.close();
    }
}

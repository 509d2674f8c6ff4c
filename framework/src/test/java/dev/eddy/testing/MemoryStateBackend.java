package dev.eddy.testing;

import dev.eddy.metrics.Figures;
import dev.eddy.state.BatchRange;
import dev.eddy.state.CapacityUsage;
import dev.eddy.state.Firing;
import dev.eddy.state.KeyLogic;
import dev.eddy.state.KeyState;
import dev.eddy.state.KeyUpdate;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.StateBackend;
import dev.eddy.state.StateConflictException;
import dev.eddy.state.TimerHandle;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The state SPI in memory, with the semantics of the DynamoDB backend ({@code docs/state.md}), for tests and
 * benchmarks that need real exactly-once behaviour without DynamoDB.
 *
 * <p>What it models:
 * <ul>
 * <li><b>One state per key</b> with a version: every write is a compare-and-set on the version read.</li>
 * <li><b>Fencing per shard</b>: each key records, per writing shard, the highest sequence number applied; values at
 *     or below it are skipped, so a retry with other batch boundaries, a duplicate or a zombie invocation applies
 *     each record once.</li>
 * <li><b>Pending firings</b>: a key's firings are returned by a batch whose range holds their tag (again, on a
 *     retry), and pruned from the key by its next write in a batch whose first record lies above the tag.</li>
 * <li><b>Event-time timers per shard</b>: a key whose state names {@code timerMs} gets a timer on the writing shard,
 *     due when the watermark reaches it; a timer is stale when the key's state no longer names its time. A timer
 *     whose firing makes the key's next one due at once fires in the same step, at most
 *     {@value #MAX_CASCADE} in a row. <b>Processing-time timers</b> likewise, against the wall-clock time given.</li>
 * <li><b>Timer handles</b> of a type of its own ({@link DueTimer}): {@link #clearTimers} removes exactly the
 *     registrations handed out, not one made again since.</li>
 * <li><b>Checkpoints</b> with a compare-and-set on their version ({@link StateConflictException} when another
 *     invocation moved it) and their running totals; {@link #inherit} for a child shard after a reshard (its
 *     parents' lowest watermark and their timers of the keys the child owns).</li>
 * <li><b>Done-markers</b> of {@code forEachOnce}, kept for their retention as told by the {@link Clock}.</li>
 * <li>The DynamoDB backend's limit on a key's state ({@value #MAX_STATE_BYTES} bytes of accumulator and pending
 *     firings), so that a test does not pass here what would fail there.</li>
 * </ul>
 *
 * <p>What it leaves out: the network, throttling and conflicts other than those of interleaved calls (every method
 * runs under one lock, so two invocations interleave call by call, not within a call); DynamoDB's time to live
 * (states and timer buckets are never deleted: {@code expiresAt} is recorded, see {@link StoredKey}, but an expired
 * key is still read; expired done-markers, though, read as absent, as the DynamoDB backend makes them); timer
 * buckets and their chunking (a timer is one registration per shard, key and time); and billing: {@link #usage()}
 * is a simple count, one unit per key state, checkpoint or done-marker read or written, timers free.
 *
 * <p>State survives {@link #close()}, as a table outlives a function's execution environments: a test may give the
 * same backend to a second {@code BatchProcessor} (a duplicate invocation, a new environment).
 *
 * <p>Thread-safe: every method that reads or changes state is {@code synchronized}, so the calls of several threads
 * (handler instances sharing the backend) interleave call by call.
 */
public final class MemoryStateBackend implements StateBackend {

    /** Most timers of one key fired in one step (a timer whose firing makes the next one due at once). */
    public static final int MAX_CASCADE = 100;
    /**
     * Largest state of one key, in characters of its accumulator and pending firings: the DynamoDB backend's limit,
     * below DynamoDB's 400 KB item limit.
     */
    public static final int MAX_STATE_BYTES = 380 * 1024;
    /** How long a cleaned-up key state would be kept before time to live removed it (recorded, not enforced). */
    public static final Duration CLEANED_UP_RETENTION = Duration.ofDays(7);

    /** Whether the firings of a batch are handed back to be emitted. */
    public enum Firings {
        /** Firings whose tag lies in the batch are returned, as the DynamoDB backend does. */
        RETURNED,
        /**
         * Firings are made and kept pending in the key's state, but never returned, so nothing is emitted: for
         * measuring the path up to the pre-aggregated state.
         */
        DROPPED
    }

    /** The two kinds of timers. */
    public enum TimerKind {
        /** Due when the shard's watermark reaches its time. */
        EVENT_TIME,
        /** Due when the wall clock reaches its time. */
        PROCESSING_TIME
    }

    /**
     * What is stored for one key.
     *
     * @param key the key
     * @param state its state as the key logic wrote it, with the firings committed by earlier batches pruned and
     *     {@code expiresAt} left out (as the DynamoDB backend reads it back)
     * @param version the number of writes, for compare-and-set
     * @param sequences per shard, the highest sequence number applied to the key (its fencing)
     * @param expiresAt when DynamoDB's time to live would delete the state, or {@code null} for never
     */
    public record StoredKey(String key, KeyState state, long version, Map<String, BigInteger> sequences,
            Instant expiresAt) {

        /** Copies the sequences. */
        public StoredKey {
            sequences = Map.copyOf(sequences);
        }
    }

    /**
     * A timer handed out as due, to clear once its firings are delivered.
     *
     * @param shardId the shard it was registered on
     * @param kind event or processing time
     * @param atMs its time
     * @param key the key it wakes
     * @param registration which registration it is: a timer registered again since has another
     */
    public record DueTimer(String shardId, TimerKind kind, long atMs, String key, long registration)
            implements TimerHandle {
    }

    /**
     * A registered timer, for inspection.
     *
     * @param kind event or processing time
     * @param atMs its time
     * @param key the key it wakes
     * @param partitionKey the partition key of the key's records, or {@code null} if unknown (where it goes after a
     *     reshard)
     */
    public record Timer(TimerKind kind, long atMs, String key, String partitionKey) {
    }

    /** One registration of a timer. */
    private record Registration(String partitionKey, long id) {
    }

    /** A key as stored, with what the SPI does not expose. */
    private record Item(KeyState state, long version, Map<String, BigInteger> sequences, Instant expiresAt) {
    }

    /** What one key's work in a call left: the state to collect firings from, the values refused. */
    private record Result(KeyState state, List<SequencedValue> refused) {
    }

    /** What a due timer does to a key's state. */
    @FunctionalInterface
    private interface OnTimer {
        KeyState apply(String key, KeyState state, long atMs);
    }

    private final Clock clock;
    private final Firings firings;
    private final Map<String, Item> items = new HashMap<>();
    private final Map<String, ShardCheckpoint> checkpoints = new HashMap<>();
    /** Per shard and kind: time → key → registration. */
    private final Map<String, Map<TimerKind, NavigableMap<Long, Map<String, Registration>>>> timers = new HashMap<>();
    /** Per scope: idempotency key → when its marker expires. */
    private final Map<String, Map<String, Instant>> markers = new HashMap<>();
    private long registrations;
    private long writeUnits;
    private long readUnits;

    /** A backend on the system clock that returns its firings. */
    public MemoryStateBackend() {
        this(Clock.systemUTC());
    }

    /**
     * A backend that returns its firings.
     *
     * @param clock the wall clock: dates the expiry of cleaned-up states and of done-markers, and judges whether a
     *     marker has expired
     */
    public MemoryStateBackend(Clock clock) {
        this(clock, Firings.RETURNED);
    }

    /**
     * @param clock the wall clock, as for {@link #MemoryStateBackend(Clock)}
     * @param firings whether firings are returned to be emitted, or made and kept without being returned
     */
    public MemoryStateBackend(Clock clock, Firings firings) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.firings = Objects.requireNonNull(firings, "firings");
    }

    // ------------------------------------------------------------------------------------------------ checkpoints

    @Override
    public synchronized ShardCheckpoint readCheckpoint(String shardId) {
        Objects.requireNonNull(shardId, "shardId");
        readUnits++;
        return checkpoints.getOrDefault(shardId, ShardCheckpoint.initial(shardId));
    }

    @Override
    public synchronized void commitCheckpoint(ShardCheckpoint previous, ShardCheckpoint next) {
        if (!previous.shardId().equals(next.shardId())) {
            throw new IllegalArgumentException("a checkpoint of shard " + previous.shardId() + " cannot be followed"
                    + " by one of shard " + next.shardId() + ": commit each shard's checkpoint after its own");
        }
        if (next.version() != previous.version() + 1) {
            throw new IllegalArgumentException("checkpoint version must advance by one, from " + previous.version()
                    + " to " + (previous.version() + 1) + ", not to " + next.version()
                    + ": build the next checkpoint with previous.advance(...)");
        }
        ShardCheckpoint stored = checkpoints.get(next.shardId());
        long current = stored == null ? 0 : stored.version();
        writeUnits++; // a failed conditional write is billed too
        if (current != previous.version()) {
            throw new StateConflictException("checkpoint of " + next.shardId() + " moved since version "
                    + previous.version() + " was read (it is at version " + current + "): another invocation"
                    + " processed this shard; the batch fails and its retry skips what was committed");
        }
        checkpoints.put(next.shardId(), next);
    }

    @Override
    public synchronized ShardCheckpoint inherit(String shardId, List<String> parents, Predicate<String> owns) {
        if (parents.contains(shardId)) {
            throw new IllegalArgumentException("shard " + shardId + " cannot be its own parent (parents " + parents
                    + "): pass the parents ListShards reports for it");
        }
        Long watermark = null;
        Long maxEventTime = null;
        for (String parent : parents) {
            ShardCheckpoint checkpoint = readCheckpoint(parent);
            if (checkpoint.version() == 0) {
                continue; // never processed: nothing to continue
            }
            watermark = watermark == null ? checkpoint.watermarkMs() : Math.min(watermark, checkpoint.watermarkMs());
            maxEventTime = maxEventTime == null ? checkpoint.maxEventTimeMs()
                    : Math.min(maxEventTime, checkpoint.maxEventTimeMs());
            for (TimerKind kind : TimerKind.values()) {
                List<Timer> adopted = new ArrayList<>();
                queue(parent, kind).forEach((at, keys) -> keys.forEach((key, registration) -> {
                    if (registration.partitionKey() == null || owns.test(registration.partitionKey())) {
                        adopted.add(new Timer(kind, at, key, registration.partitionKey()));
                    }
                }));
                // idempotent, as a set union: inheriting again (a retried first batch) registers the same timers
                adopted.forEach(t -> register(shardId, kind, t.atMs(), t.key(), t.partitionKey()));
            }
        }
        // the child counts its own batches from zero: its parents keep their totals
        return watermark == null ? ShardCheckpoint.initial(shardId)
                : new ShardCheckpoint(shardId, null, watermark, maxEventTime, 0, Figures.ZERO);
    }

    // ------------------------------------------------------------------------------------------------ key states

    @Override
    public synchronized Applied applyUpdates(String shardId, BatchRange range, List<KeyUpdate> updates,
            KeyLogic logic) {
        Set<String> seen = new HashSet<>();
        for (KeyUpdate update : updates) {
            if (!seen.add(update.key())) {
                throw new IllegalArgumentException("two updates of key '" + update.key() + "' in one call: a batch"
                        + " gives at most one update per key, with all its values in sequence-number order");
            }
        }
        List<Firing> fired = new ArrayList<>();
        List<KeyUpdate> refused = new ArrayList<>();
        for (KeyUpdate update : updates) {
            Result result = apply(shardId, range, update, logic);
            if (!result.refused().isEmpty()) {
                refused.add(new KeyUpdate(update.key(), result.refused(), update.partitionKey()));
            }
            collect(update.key(), result.state(), range, fired);
        }
        return new Applied(fired, refused);
    }

    /** One key's values, fenced, through the key logic; written with a compare-and-set if it changed. */
    private Result apply(String shardId, BatchRange range, KeyUpdate update, KeyLogic logic) {
        Item item = items.get(update.key());
        readUnits++;
        BigInteger applied = item == null ? null : item.sequences().get(shardId);
        List<SequencedValue> fresh = update.values().stream()
                .filter(v -> applied == null || v.sequenceNumber().compareTo(applied) > 0)
                .toList();
        KeyState state = item == null ? null : item.state();
        if (fresh.isEmpty()) {
            return new Result(state, List.of());
        }
        KeyLogic.Outcome outcome = logic.apply(update.key(), state, fresh);
        if (outcome.state() == null) {
            return new Result(state, outcome.refused());
        }
        write(shardId, range, update.key(), update.partitionKey(), item, outcome.state(),
                fresh.get(fresh.size() - 1).sequenceNumber(), Set.of());
        return new Result(outcome.state(), outcome.refused());
    }

    /**
     * Stores {@code next} for a key if it is still at the version read, registering the timers it needs first.
     * Firings committed with an earlier batch (tagged below the batch's first record) are pruned.
     *
     * @param read the key as read ({@code null}: none)
     * @param lastApplied the highest sequence number applied, or {@code null} when no values were (timers)
     * @param reregister timer times handled by this call: a timer at one of them is registered again
     */
    private void write(String shardId, BatchRange range, String key, String partitionKey, Item read, KeyState next,
            BigInteger lastApplied, Set<Long> reregister) {
        List<Firing> pending = new ArrayList<>();
        long size = next.accumulator().length();
        for (Firing firing : next.pending()) {
            if (firing.tag().compareTo(range.first()) >= 0) {
                pending.add(firing);
                size += firing.accumulator().length();
            }
        }
        if (size > MAX_STATE_BYTES) {
            throw new IllegalStateException("state of key '" + key + "' would be " + size + " bytes (accumulator"
                    + " and pending firings), over the " + MAX_STATE_BYTES + "-byte limit that keeps a DynamoDB item"
                    + " under 400 KB: keep accumulators small (aggregate instead of keeping every element)");
        }
        Item current = items.get(key);
        long version = current == null ? 0 : current.version();
        long expected = read == null ? 0 : read.version();
        writeUnits++;
        if (version != expected) {
            // unreachable while every call holds the lock; kept so that the rule is stated where it applies
            throw new StateConflictException("state of key '" + key + "' moved from version " + expected + " to "
                    + version + " while it was being written: another invocation writes it");
        }
        Map<String, BigInteger> sequences = new HashMap<>(read == null ? Map.of() : read.sequences());
        if (lastApplied != null) {
            sequences.put(shardId, lastApplied);
        }
        Instant expiresAt;
        if (next.expiresAt() != null) {
            expiresAt = next.expiresAt();
        } else if (!next.cleanedUp()) {
            expiresAt = null; // live state never expires
        } else if (read != null && read.expiresAt() != null) {
            expiresAt = read.expiresAt();
        } else {
            expiresAt = clock.instant().plus(CLEANED_UP_RETENTION);
        }
        KeyState before = read == null ? null : read.state();
        registerIfNew(shardId, TimerKind.EVENT_TIME, key, partitionKey, next.timerMs(),
                before == null ? null : before.timerMs(), reregister);
        registerIfNew(shardId, TimerKind.PROCESSING_TIME, key, partitionKey, next.processingTimerMs(),
                before == null ? null : before.processingTimerMs(), reregister);
        KeyState stored = new KeyState(next.accumulator(), next.firings(), pending, next.timerMs(), next.cleanedUp(),
                null, next.processingTimerMs());
        items.put(key, new Item(stored, version + 1, sequences, expiresAt));
    }

    /** Registers a timer the state names if the stored state did not name it, or if it was handled just now. */
    private void registerIfNew(String shardId, TimerKind kind, String key, String partitionKey, Long timerMs,
            Long storedMs, Set<Long> reregister) {
        if (timerMs != null && (!timerMs.equals(storedMs) || reregister.contains(timerMs))) {
            register(shardId, kind, timerMs, key, partitionKey);
        }
    }

    /** Adds the state's firings that belong to this batch, unless firings are dropped. */
    private void collect(String key, KeyState state, BatchRange range, List<Firing> out) {
        if (state == null || firings == Firings.DROPPED) {
            return;
        }
        for (Firing firing : state.pending()) {
            if (range.contains(firing.tag())) {
                out.add(new Firing(key, firing.window(), firing.firing(), firing.accumulator(), firing.tag()));
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ timers

    @Override
    public synchronized Due fireDue(String shardId, BatchRange range, long watermarkMs, KeyLogic logic) {
        return fire(shardId, TimerKind.EVENT_TIME, range, watermarkMs, KeyState::timerMs,
                (key, state, at) -> logic.onTimer(key, state, at, range.crossing(at)));
    }

    @Override
    public synchronized Due fireDueProcessingTime(String shardId, BatchRange range, long nowMs, KeyLogic logic) {
        return fire(shardId, TimerKind.PROCESSING_TIME, range, nowMs, KeyState::processingTimerMs,
                (key, state, at) -> logic.onProcessingTimer(key, state, at, range.first()));
    }

    /**
     * Handles a shard's timers of one kind due at {@code time}: per key, in time order, a timer its state still
     * names is applied (and one that this makes due at once, too); a stale one changes nothing. Each key is written
     * once, whatever the number of its due timers.
     */
    private Due fire(String shardId, TimerKind kind, BatchRange range, long time, Function<KeyState, Long> current,
            OnTimer onTimer) {
        NavigableMap<Long, Map<String, Registration>> due = queue(shardId, kind).headMap(time, true);
        if (due.isEmpty()) {
            return new Due(List.of(), List.of());
        }
        List<TimerHandle> handles = new ArrayList<>();
        Map<String, TreeSet<Long>> byKey = new LinkedHashMap<>();
        Map<String, String> partitionKeys = new HashMap<>();
        due.forEach((at, keys) -> new TreeMap<>(keys).forEach((key, registration) -> {
            handles.add(new DueTimer(shardId, kind, at, key, registration.id()));
            byKey.computeIfAbsent(key, k -> new TreeSet<>()).add(at);
            if (registration.partitionKey() != null) {
                partitionKeys.putIfAbsent(key, registration.partitionKey());
            }
        }));
        List<Firing> fired = new ArrayList<>();
        byKey.forEach((key, times) -> {
            Item item = items.get(key);
            readUnits++;
            if (item == null) {
                return;
            }
            KeyState before = item.state();
            KeyState state = before;
            Set<Long> handled = new HashSet<>(times);
            TreeSet<Long> queue = new TreeSet<>(times);
            for (int steps = 0; !queue.isEmpty() && steps < MAX_CASCADE; steps++) {
                long at = queue.pollFirst();
                if (!Long.valueOf(at).equals(current.apply(state))) {
                    continue; // stale: the key moved on
                }
                state = onTimer.apply(key, state, at);
                Long following = current.apply(state);
                if (following != null && following <= time && following != at) {
                    queue.add(following); // due at once: fired in the same write
                    handled.add(following);
                }
            }
            if (state != before) {
                write(shardId, range, key, partitionKeys.get(key), item, state, null, handled);
            }
            collect(key, state, range, fired);
        });
        return new Due(fired, handles);
    }

    @Override
    public synchronized void clearTimers(String shardId, List<TimerHandle> handles) {
        for (TimerHandle handle : handles) {
            if (!(handle instanceof DueTimer timer)) {
                throw new IllegalArgumentException("timer handle " + handle + " is a "
                        + (handle == null ? "null" : handle.getClass().getName()) + ", not one this backend handed"
                        + " out: pass the handles of this backend's own Due.timers()");
            }
            NavigableMap<Long, Map<String, Registration>> queue = queue(timer.shardId(), timer.kind());
            Map<String, Registration> keys = queue.get(timer.atMs());
            Registration registration = keys == null ? null : keys.get(timer.key());
            if (registration != null && registration.id() == timer.registration()) {
                keys.remove(timer.key());
                if (keys.isEmpty()) {
                    queue.remove(timer.atMs());
                }
            }
        }
    }

    private void register(String shardId, TimerKind kind, long at, String key, String partitionKey) {
        Map<String, Registration> keys = queue(shardId, kind).computeIfAbsent(at, t -> new HashMap<>());
        Registration old = keys.get(key);
        keys.put(key, new Registration(partitionKey != null ? partitionKey : old == null ? null : old.partitionKey(),
                ++registrations));
    }

    private NavigableMap<Long, Map<String, Registration>> queue(String shardId, TimerKind kind) {
        return timers.computeIfAbsent(shardId, s -> new HashMap<>()).computeIfAbsent(kind, k -> new TreeMap<>());
    }

    // ------------------------------------------------------------------------------------------------ done-markers

    @Override
    public synchronized Set<String> done(String scope, Collection<String> keys) {
        Objects.requireNonNull(scope, "scope");
        Instant now = clock.instant();
        Map<String, Instant> marked = markers.getOrDefault(scope, Map.of());
        Set<String> done = new HashSet<>();
        for (String key : new LinkedHashSet<>(keys)) {
            Instant expiresAt = marked.get(Objects.requireNonNull(key, "idempotency key"));
            if (expiresAt == null) {
                continue; // an absent marker costs nothing
            }
            readUnits++;
            if (expiresAt.isAfter(now)) {
                done.add(key); // past its retention it is absent, even before time to live deletes it
            }
        }
        return done;
    }

    @Override
    public synchronized void markDone(String scope, Collection<String> keys, Duration retention) {
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(retention, "retention");
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("done-marker retention must be positive, was " + retention
                    + ": give how long a side effect stays done (docs/state.md keeps 7 days by default)");
        }
        Instant expiresAt = clock.instant().plus(retention);
        Map<String, Instant> marked = markers.computeIfAbsent(scope, s -> new HashMap<>());
        for (String key : new LinkedHashSet<>(keys)) {
            marked.put(Objects.requireNonNull(key, "idempotency key"), expiresAt);
            writeUnits++;
        }
    }

    // ------------------------------------------------------------------------------------------------ the rest

    /** @return one unit per key state, checkpoint or done-marker read or written since creation */
    @Override
    public synchronized CapacityUsage usage() {
        return new CapacityUsage(writeUnits, readUnits);
    }

    /** Keeps everything: a later processor may use this backend again, as a new environment uses the table. */
    @Override
    public void close() {
    }

    /**
     * @param key a key
     * @return what is stored for it; empty if it was never written. Reading it costs nothing
     */
    public synchronized Optional<StoredKey> stored(String key) {
        Item item = items.get(key);
        return item == null ? Optional.empty()
                : Optional.of(new StoredKey(key, item.state(), item.version(), item.sequences(), item.expiresAt()));
    }

    /** @return the keys with a state, in no particular order */
    public synchronized Set<String> keys() {
        return Set.copyOf(items.keySet());
    }

    /**
     * @param shardId a shard
     * @return its registered timers, stale ones included, event-time ones first, each kind in time and key order
     */
    public synchronized List<Timer> timers(String shardId) {
        List<Timer> list = new ArrayList<>();
        for (TimerKind kind : TimerKind.values()) {
            queue(shardId, kind).forEach((at, keys) -> new TreeMap<>(keys).forEach((key, registration) ->
                    list.add(new Timer(kind, at, key, registration.partitionKey()))));
        }
        return list;
    }

    /**
     * @param shardId a shard
     * @return its committed checkpoint, or the initial one; reading it costs nothing
     */
    public synchronized ShardCheckpoint checkpoint(String shardId) {
        return checkpoints.getOrDefault(shardId, ShardCheckpoint.initial(shardId));
    }
}

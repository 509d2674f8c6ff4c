package dev.eddy.state.dynamodb;

import static dev.eddy.state.dynamodb.table.StateTable.EXPIRES_AT;
import static dev.eddy.state.dynamodb.table.StateTable.PK;
import static dev.eddy.state.dynamodb.table.StateTable.SK;

import dev.eddy.state.BatchRange;
import dev.eddy.state.CapacityUsage;
import dev.eddy.state.Firing;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.StateBackend;
import dev.eddy.state.StateConflictException;
import dev.eddy.state.TimerHandle;
import dev.eddy.metrics.Figures;
import dev.eddy.metrics.Metric;
import dev.eddy.state.KeyLogic;
import dev.eddy.state.KeyState;
import dev.eddy.state.KeyUpdate;
import dev.eddy.state.dynamodb.fencing.SequenceNumbers;
import dev.eddy.state.dynamodb.idempotency.IdempotencyMarkers;
import dev.eddy.state.dynamodb.table.BatchRequests;
import dev.eddy.state.dynamodb.table.Hashes;
import dev.eddy.state.dynamodb.table.ItemKey;
import dev.eddy.state.dynamodb.table.StateTable;
import dev.eddy.state.dynamodb.timers.SortableLongs;
import dev.eddy.state.dynamodb.timers.TimerEntry;
import dev.eddy.window.Window;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.concurrent.atomic.DoubleAdder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Window state, timers and checkpoints in one DynamoDB table (layout: {@link StateTable}), changed only by
 * conditional writes.
 *
 * <p>Fencing (DESIGN §3): each window item records, per writing shard, the highest sequence number applied to
 * it; a write carries only the values above that number and is a compare-and-set on the item's {@code ver}.
 * A retry with other batch boundaries, a duplicate invocation or a zombie therefore applies each record once.
 * A failed compare-and-set re-reads the item and re-applies, at most {@value #MAX_ATTEMPTS} times.
 *
 * <p>Cost: one read (batched, strongly consistent) and one write per state item a batch touches (the framework
 * keeps all of a key's windows in one item), plus one timer bucket write per (batch, due time) and its delete once
 * fired; not per record. Item writes of a batch run in parallel on {@value #WRITE_THREADS} threads, after the
 * timers they need are registered. Every request asks for {@code ReturnConsumedCapacity}; a failed conditional
 * write reports nothing but is billed, so it is counted as its item size in write units.
 *
 * <p>Resharding: {@link #inherit} continues a child shard from its parents' watermark and timers.
 */
public final class DynamoDbStateBackend implements StateBackend {

    /** The window of a key's one item: all of time. */
    private static final Window ALL_TIME = dev.eddy.window.GlobalWindows.ALL_TIME;

    /** Attempts of one compare-and-set before {@link StateConflictException}. */
    public static final int MAX_ATTEMPTS = 5;
    /** Largest accumulator stored, in bytes: below DynamoDB's 400 KB item limit with room for the keys. */
    public static final int MAX_ACCUMULATOR_BYTES = 380 * 1024;
    /**
     * How long a window's item is kept after its allowed lateness passed, before DynamoDB's TTL removes it: its
     * fencing still guards against slow retries meanwhile.
     */
    public static final Duration CLEANED_UP_RETENTION = Duration.ofDays(7);

    private static final String CHECKPOINT_SK = "checkpoint";
    /** Largest set of timer entries written to one bucket item, in bytes. */
    private static final int MAX_BUCKET_BYTES = 64 * 1024;
    /** Most timers of one item applied in one write (a timer whose firing makes the next one due at once). */
    private static final int MAX_CASCADE = 100;
    /** Threads writing state items in parallel, per backend. */
    private static final int WRITE_THREADS = 8;

    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;
    private final ExecutorService writers;
    private final IdempotencyMarkers markers;
    private final DoubleAdder writeUnits = new DoubleAdder();
    private final DoubleAdder readUnits = new DoubleAdder();
    /** Off only in the test that shows what fencing prevents; never exposed to users. */
    private boolean fencing = true;

    /**
     * @param client a DynamoDB client, owned by this backend from now on
     * @param table the state table, laid out as {@link StateTable} says
     */
    public DynamoDbStateBackend(DynamoDbClient client, String table) {
        this(client, table, Clock.systemUTC());
    }

    /**
     * A backend whose wall clock is given: it dates the time-to-live ({@code expiresAt}, epoch seconds) of cleaned-up
     * windows and of {@code forEachOnce} done-markers, and judges whether a marker has expired. For tests that move
     * time ({@code dev.eddy.emulator.driver.EddyTestDriver}); handlers use the system clock.
     *
     * @param client a DynamoDB client, owned by this backend from now on
     * @param table the state table, laid out as {@link StateTable} says
     * @param clock the wall clock
     */
    public DynamoDbStateBackend(DynamoDbClient client, String table, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.table = Objects.requireNonNull(table, "table");
        this.clock = clock;
        this.markers = new IdempotencyMarkers(client, table, clock, this::count);
        this.writers = Executors.newFixedThreadPool(WRITE_THREADS, runnable -> {
            Thread thread = new Thread(runnable, "eddy-state-writer");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** For the test that shows a retry double-counting without fencing. */
    void disableFencingForTest() {
        fencing = false;
    }

    @Override
    public ShardCheckpoint readCheckpoint(String shardId) {
        var response = client.getItem(b -> b.tableName(table).consistentRead(true)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                .key(key(StateTable.checkpointPk(shardId), CHECKPOINT_SK)));
        count(response.consumedCapacity(), false);
        if (!response.hasItem() || response.item().isEmpty()) {
            return ShardCheckpoint.initial(shardId);
        }
        Map<String, AttributeValue> item = response.item();
        AttributeValue seq = item.get("seq");
        return new ShardCheckpoint(shardId, seq == null ? null : SequenceNumbers.parse(seq.s()),
                Long.parseLong(item.get("wm").n()), Long.parseLong(item.get("maxTs").n()),
                Long.parseLong(item.get("ver").n()), totals(item.get("totals")));
    }

    /**
     * @return the checkpoint item's {@code totals} map, one number per {@link Metric#checkpointed()} metric under
     *     its {@link Metric#key()}; zeros for an item written without it, or a figure missing
     */
    private static Figures totals(AttributeValue stored) {
        Map<String, AttributeValue> m = stored == null || !stored.hasM() ? Map.of() : stored.m();
        Figures totals = Figures.ZERO;
        for (Metric metric : Metric.checkpointedMetrics()) {
            AttributeValue value = m.get(metric.key());
            if (value != null) {
                totals = totals.with(metric, Double.parseDouble(value.n()));
            }
        }
        return totals;
    }

    /** @return the checkpoint's totals as the item's {@code totals} map: counts as whole numbers */
    private static AttributeValue totals(Figures totals) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        for (Metric metric : Metric.checkpointedMetrics()) {
            m.put(metric.key(), metric.kind() == Metric.Kind.COUNT ? n(totals.count(metric))
                    : AttributeValue.fromN(java.math.BigDecimal.valueOf(totals.get(metric)).toPlainString()));
        }
        return AttributeValue.fromM(m);
    }

    @Override
    public ShardCheckpoint inherit(String shardId, List<String> parents, Predicate<String> owns) {
        Long watermark = null;
        Long maxEventTime = null;
        for (String parent : parents) {
            ShardCheckpoint checkpoint = readCheckpoint(parent);
            if (checkpoint.version() == 0) {
                continue; // never processed here: nothing to continue
            }
            watermark = watermark == null ? checkpoint.watermarkMs() : Math.min(watermark, checkpoint.watermarkMs());
            maxEventTime = maxEventTime == null ? checkpoint.maxEventTimeMs()
                    : Math.min(maxEventTime, checkpoint.maxEventTimeMs());
            adoptTimers(StateTable.timerPk(parent), StateTable.timerPk(shardId), parent, owns);
            adoptTimers(StateTable.processingTimerPk(parent), StateTable.processingTimerPk(shardId), parent, owns);
        }
        // the child counts its own batches from zero: its parents keep their totals
        return watermark == null ? ShardCheckpoint.initial(shardId)
                : new ShardCheckpoint(shardId, null, watermark, maxEventTime, 0, Figures.ZERO);
    }

    /**
     * Registers a finished parent's pending timers of the keys the child owns under the child (idempotent: a set
     * union), and lets the parent's buckets expire after {@link #CLEANED_UP_RETENTION}, time enough for a split's
     * other child to take its share.
     */
    private void adoptTimers(String parentPk, String childPk, String parent, Predicate<String> owns) {
        List<Registration> adopted = new ArrayList<>();
        List<Map<String, AttributeValue>> buckets = dueBuckets(parentPk, Long.MAX_VALUE);
        for (Map<String, AttributeValue> bucket : buckets) {
            long at = Long.parseLong(bucket.get("at").n());
            for (String stored : bucket.get("entries").ss()) {
                TimerEntry entry = TimerEntry.decode(stored);
                if (entry.partitionKey() == null || owns.test(entry.partitionKey())) {
                    adopted.add(new Registration(childPk, at, entry));
                }
            }
        }
        register(adopted, "from-" + parent);
        long expiry = clock.instant().plus(CLEANED_UP_RETENTION).getEpochSecond();
        for (Map<String, AttributeValue> bucket : buckets) {
            if (!bucket.containsKey(EXPIRES_AT)) {
                var response = client.updateItem(b -> b.tableName(table).key(key(parentPk, bucket.get(SK).s()))
                        .updateExpression("SET " + EXPIRES_AT + " = :x")
                        .expressionAttributeValues(Map.of(":x", n(expiry)))
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
                count(response.consumedCapacity(), true);
            }
        }
    }

    @Override
    public Applied applyUpdates(String shardId, BatchRange range, List<KeyUpdate> updates, KeyLogic logic) {
        Map<ItemKey, KeyUpdate> byId = new LinkedHashMap<>();
        for (KeyUpdate update : updates) {
            byId.put(StateTable.stateItem(update.key(), ALL_TIME), update);
        }
        Map<ItemKey, Map<String, AttributeValue>> stored = batchGet(byId.keySet());
        List<Job> jobs = new ArrayList<>();
        byId.forEach((itemId, update) -> jobs.add(new Job(itemId, update.key(), ALL_TIME,
                item -> applyValues(shardId, range, update, item, logic))));
        List<Change> changes = run(shardId, range, "", jobs, stored);
        List<Firing> firings = new ArrayList<>();
        List<KeyUpdate> refused = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            Job job = jobs.get(i);
            Change change = changes.get(i);
            if (!change.refused().isEmpty()) {
                refused.add(new KeyUpdate(job.key(), change.refused(), byId.get(job.item()).partitionKey()));
            }
            collect(job.key(), job.window(), change.result(), range, firings);
        }
        return new Applied(firings, refused);
    }

    /** The change a batch's values make to one item as read: fenced, then through the window logic. */
    private Change applyValues(String shardId, BatchRange range, KeyUpdate update, Map<String, AttributeValue> item,
            KeyLogic logic) {
        checkKey(item, update.key());
        BigInteger applied = fencing ? appliedSequence(item, shardId) : null;
        List<SequencedValue> fresh = update.values().stream()
                .filter(v -> applied == null || v.sequenceNumber().compareTo(applied) > 0)
                .toList();
        KeyState state = item == null ? null : state(item);
        if (fresh.isEmpty()) {
            return Change.none(state);
        }
        KeyLogic.Outcome outcome = logic.apply(update.key(), state, fresh);
        if (outcome.state() == null) {
            return new Change(state, null, null, List.of(), outcome.refused());
        }
        return build(shardId, range, update.key(), ALL_TIME, update.partitionKey(), item, state,
                outcome.state(), fresh.get(fresh.size() - 1).sequenceNumber(), Set.of(), outcome.refused());
    }

    /**
     * One item's work in a batch: how to compute its change from the item as read. Computed again from a fresh
     * read when its compare-and-set loses to another writer.
     */
    private record Job(ItemKey item, String key, Window window, Function<Map<String, AttributeValue>, Change> compute) {
    }

    /**
     * What a batch does to one item.
     *
     * @param before the state read ({@code null}: none)
     * @param next the state to write ({@code null}: nothing to write)
     * @param written the item to write, or {@code null}
     * @param timers timers to register before the item is written
     * @param refused values the window logic refused
     */
    private record Change(KeyState before, KeyState next, Map<String, AttributeValue> written,
            List<Registration> timers, List<SequencedValue> refused) {

        static Change none(KeyState before) {
            return new Change(before, null, null, List.of(), List.of());
        }

        /** @return the state after this batch */
        KeyState result() {
            return next != null ? next : before;
        }
    }

    /** A timer to register: in the bucket of partition {@code pk} due at {@code at}. */
    private record Registration(String pk, long at, TimerEntry entry) {
    }

    /**
     * Computes every job's change from the items read, registers all the timers they need (a few bucket writes),
     * then writes the items in parallel, each a compare-and-set; a lost one re-reads, recomputes, registers and
     * retries, at most {@value #MAX_ATTEMPTS} times.
     *
     * @return each job's change as written, in job order
     */
    private List<Change> run(String shardId, BatchRange range, String bucketTag, List<Job> jobs,
            Map<ItemKey, Map<String, AttributeValue>> read) {
        List<Change> first = new ArrayList<>();
        List<Registration> timers = new ArrayList<>();
        for (Job job : jobs) {
            Change change = job.compute().apply(read.get(job.item()));
            first.add(change);
            timers.addAll(change.timers());
        }
        register(timers, range, bucketTag);
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            indexes.add(i);
        }
        return parallel(indexes, i -> commit(jobs.get(i), read.get(jobs.get(i).item()), first.get(i), range,
                bucketTag));
    }

    private Change commit(Job job, Map<String, AttributeValue> item, Change change, BatchRange range,
            String bucketTag) {
        for (int attempt = 1; ; attempt++) {
            if (change.written() == null || compareAndSet(item, change.written())) {
                return change;
            }
            if (attempt >= MAX_ATTEMPTS) {
                throw new StateConflictException("state item of key '" + job.key() + "' " + job.window()
                        + " kept changing under " + MAX_ATTEMPTS + " attempts: another invocation writes it");
            }
            item = getItem(job.item());
            change = job.compute().apply(item);
            register(change.timers(), range, bucketTag);
        }
    }

    /** Runs {@code work} over {@code inputs} on the writer threads; the first failure is rethrown after all end. */
    private <T, R> List<R> parallel(List<T> inputs, Function<T, R> work) {
        if (inputs.size() <= 1) {
            List<R> out = new ArrayList<>();
            inputs.forEach(input -> out.add(work.apply(input)));
            return out;
        }
        List<CompletableFuture<R>> futures = new ArrayList<>();
        for (T input : inputs) {
            futures.add(CompletableFuture.supplyAsync(() -> work.apply(input), writers));
        }
        List<R> out = new ArrayList<>();
        RuntimeException failure = null;
        for (CompletableFuture<R> future : futures) {
            try {
                out.add(future.join());
            } catch (CompletionException e) {
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException runtime ? runtime
                            : new IllegalStateException(e.getCause());
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return out;
    }

    /**
     * Builds the item that stores {@code next}, with the timers it needs registered first. Firings committed with
     * an earlier batch are dropped.
     *
     * @param before the state of {@code item}, as parsed from it
     * @param lastApplied the highest sequence number applied, or {@code null} when no values were
     * @param reregister timer times handled in this batch: a timer at one of them is registered again
     */
    private Change build(String shardId, BatchRange range, String key, Window window, String partitionKey,
            Map<String, AttributeValue> item, KeyState before, KeyState next, BigInteger lastApplied,
            Set<Long> reregister, List<SequencedValue> refused) {
        Map<String, AttributeValue> written = new HashMap<>();
        if (item != null) {
            written.putAll(item);
        }
        written.putAll(StateTable.stateItem(key, window).attributes());
        if (StateTable.isHashed(key)) {
            written.put(StateTable.KEY, s(key));
        }
        written.put("acc", s(next.accumulator()));
        written.put("fired", n(next.firings()));
        List<AttributeValue> pending = new ArrayList<>();
        // a hashed key is stored in the item too
        long bytes = next.accumulator().length() + (StateTable.isHashed(key) ? Hashes.utf8Length(key) : 0);
        for (Firing firing : next.pending()) {
            if (firing.tag().compareTo(range.first()) >= 0) {
                Window fired = firing.window() == null ? window : firing.window();
                pending.add(AttributeValue.fromM(Map.of("f", n(firing.firing()), "acc", s(firing.accumulator()),
                        "tag", s(SequenceNumbers.encode(firing.tag())), "ws", n(fired.startMs()),
                        "we", n(fired.endMs()))));
                bytes += firing.accumulator().length();
            }
        }
        if (bytes > MAX_ACCUMULATOR_BYTES) {
            throw new IllegalStateException("state of key '" + key + "' window " + window + " would exceed "
                    + MAX_ACCUMULATOR_BYTES + " bytes, near DynamoDB's 400 KB item limit: keep accumulators small");
        }
        written.put("pending", AttributeValue.fromL(pending));
        if (lastApplied != null) {
            Map<String, AttributeValue> sequences = new HashMap<>(item == null ? Map.of() : item.get("seqs").m());
            sequences.put(shardId, s(SequenceNumbers.encode(lastApplied)));
            written.put("seqs", AttributeValue.fromM(sequences));
        }
        List<Registration> timers = new ArrayList<>();
        TimerEntry entry = new TimerEntry(key, window, partitionKey);
        timer(written, item, "timer", next.timerMs(), StateTable.timerPk(shardId), entry, reregister, timers);
        timer(written, item, "ptimer", next.processingTimerMs(), StateTable.processingTimerPk(shardId), entry,
                reregister, timers);
        if (next.cleanedUp()) {
            written.put("cleaned", AttributeValue.fromBool(true));
        }
        if (next.expiresAt() != null) {
            written.put(EXPIRES_AT, n(next.expiresAt().getEpochSecond()));
        } else if (!next.cleanedUp()) {
            written.remove(EXPIRES_AT); // live state never expires
        } else if (!written.containsKey(EXPIRES_AT)) {
            written.put(EXPIRES_AT, n(clock.instant().plus(CLEANED_UP_RETENTION).getEpochSecond()));
        }
        return new Change(before, next, written, timers, refused);
    }

    /** Sets or removes a timer attribute; a timer the item did not have yet is to be registered. */
    private static void timer(Map<String, AttributeValue> written, Map<String, AttributeValue> item, String attribute,
            Long timerMs, String pk, TimerEntry entry, Set<Long> reregister, List<Registration> timers) {
        if (timerMs == null) {
            written.remove(attribute);
            return;
        }
        written.put(attribute, n(timerMs));
        Long stored = item == null || !item.containsKey(attribute) ? null : Long.parseLong(item.get(attribute).n());
        if (!timerMs.equals(stored) || reregister.contains(timerMs)) {
            timers.add(new Registration(pk, timerMs, entry));
        }
    }

    /**
     * Registers timers: one bucket item per (partition, due time) for this batch, the entries added to its string
     * set ({@code ADD}: idempotent, so a retry or a conflict re-registering loses nothing), in chunks of at most
     * {@value #MAX_BUCKET_BYTES} bytes.
     */
    private void register(List<Registration> timers, BatchRange range, String bucketTag) {
        register(timers, SequenceNumbers.encode(range.first()) + bucketTag);
    }

    private void register(List<Registration> timers, String batch) {
        Map<List<Object>, java.util.TreeSet<String>> buckets = new LinkedHashMap<>();
        for (Registration timer : timers) {
            buckets.computeIfAbsent(List.of(timer.pk(), timer.at()), b -> new java.util.TreeSet<>())
                    .add(timer.entry().encode());
        }
        buckets.forEach((bucket, entries) -> {
            String pk = (String) bucket.get(0);
            long at = (Long) bucket.get(1);
            int chunk = 0;
            List<String> part = new ArrayList<>();
            int bytes = 0;
            for (String entry : entries) {
                int size = entry.getBytes(StandardCharsets.UTF_8).length;
                if (!part.isEmpty() && bytes + size > MAX_BUCKET_BYTES) {
                    addToBucket(pk, StateTable.timerSk(at, batch, chunk++), at, part);
                    part = new ArrayList<>();
                    bytes = 0;
                }
                part.add(entry);
                bytes += size;
            }
            addToBucket(pk, StateTable.timerSk(at, batch, chunk), at, part);
        });
    }

    private void addToBucket(String pk, String sk, long at, List<String> entries) {
        var response = client.updateItem(b -> b.tableName(table).key(key(pk, sk))
                .updateExpression("ADD entries :e SET #at = :at")
                .expressionAttributeNames(Map.of("#at", "at"))
                .expressionAttributeValues(Map.of(":e", AttributeValue.fromSs(entries), ":at", n(at)))
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        count(response.consumedCapacity(), true);
    }

    /** Adds the state's firings that belong to this batch. */
    private static void collect(String key, Window window, KeyState state, BatchRange range,
            List<Firing> firings) {
        if (state == null) {
            return;
        }
        for (Firing firing : state.pending()) {
            if (range.contains(firing.tag())) {
                firings.add(new Firing(key, firing.window() == null ? window : firing.window(), firing.firing(),
                        firing.accumulator(), firing.tag()));
            }
        }
    }

    private static KeyState state(Map<String, AttributeValue> item) {
        List<Firing> pending = new ArrayList<>();
        AttributeValue list = item.get("pending");
        if (list != null) {
            for (AttributeValue entry : list.l()) {
                Map<String, AttributeValue> m = entry.m();
                // a firing's window differs from the item's for key-level items (sessions)
                Window fired = new Window(Long.parseLong(m.get("ws").n()), Long.parseLong(m.get("we").n()));
                pending.add(new Firing(null, fired, Integer.parseInt(m.get("f").n()), m.get("acc").s(),
                        SequenceNumbers.parse(m.get("tag").s())));
            }
        }
        AttributeValue timer = item.get("timer");
        AttributeValue processingTimer = item.get("ptimer");
        return new KeyState(item.get("acc").s(), item.containsKey("fired") ? Integer.parseInt(item.get("fired").n())
                : 0, pending, timer == null ? null : Long.parseLong(timer.n()),
                item.containsKey("cleaned") && Boolean.TRUE.equals(item.get("cleaned").bool()), null,
                processingTimer == null ? null : Long.parseLong(processingTimer.n()));
    }

    /** Writes {@code next} if the stored item is still {@code expected} (by version); false on conflict. */
    private boolean compareAndSet(Map<String, AttributeValue> expected, Map<String, AttributeValue> next) {
        long version = expected == null ? 0 : Long.parseLong(expected.get("ver").n());
        next.put("ver", n(version + 1));
        try {
            var response = client.putItem(b -> {
                b.tableName(table).item(next).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
                if (expected == null) {
                    b.conditionExpression("attribute_not_exists(pk)");
                } else {
                    b.conditionExpression("ver = :ver").expressionAttributeValues(Map.of(":ver", n(version)));
                }
            });
            count(response.consumedCapacity(), true);
            return true;
        } catch (ConditionalCheckFailedException conflict) {
            writeUnits.add(Math.ceil(itemBytes(next) / 1024.0));
            return false;
        }
    }

    @Override
    public Due fireDue(String shardId, BatchRange range, long watermarkMs, KeyLogic logic) {
        return fire(StateTable.timerPk(shardId), shardId, range, watermarkMs, KeyState::timerMs,
                (key, window, state, at) -> logic.onTimer(key, state, at, range.crossing(at)));
    }

    @Override
    public Due fireDueProcessingTime(String shardId, BatchRange range, long nowMs, KeyLogic logic) {
        return fire(StateTable.processingTimerPk(shardId), shardId, range, nowMs, KeyState::processingTimerMs,
                (key, window, state, at) -> logic.onProcessingTimer(key, state, at, range.first()));
    }

    /** What a due timer does to its window's state. */
    @FunctionalInterface
    private interface OnTimer {
        KeyState apply(String key, Window window, KeyState state, long at);
    }

    /** A timer read from a bucket, with its stored form (which orders timers of the same time). */
    private record DueTimer(long at, String stored, TimerEntry entry) {
    }

    /**
     * Handles the timers of one kind (one partition) due at {@code time}: per item, in time order, a timer the
     * item still names is applied (and a timer that this makes due at once, too); a stale one changes nothing.
     * Each item is written once, whatever the number of its due timers; its firings of this batch come out.
     */
    private Due fire(String timerPk, String shardId, BatchRange range, long time, Function<KeyState, Long> current,
            OnTimer onTimer) {
        List<Map<String, AttributeValue>> buckets = dueBuckets(timerPk, time);
        if (buckets.isEmpty()) {
            return new Due(List.of(), List.of());
        }
        List<DueTimer> due = new ArrayList<>();
        List<TimerHandle> handled = new ArrayList<>();
        for (Map<String, AttributeValue> bucket : buckets) {
            long at = Long.parseLong(bucket.get("at").n());
            bucket.get("entries").ss().forEach(e -> due.add(new DueTimer(at, e, TimerEntry.decode(e))));
            handled.add(new Bucket(timerPk, bucket.get(SK).s()));
        }
        due.sort(java.util.Comparator.comparingLong(DueTimer::at).thenComparing(DueTimer::stored));
        Map<ItemKey, List<DueTimer>> byItem = new LinkedHashMap<>();
        for (DueTimer timer : due) {
            byItem.computeIfAbsent(StateTable.stateItem(timer.entry().key(), timer.entry().window()),
                    i -> new ArrayList<>()).add(timer);
        }
        Map<ItemKey, Map<String, AttributeValue>> items = batchGet(byItem.keySet());
        List<Job> jobs = new ArrayList<>();
        byItem.forEach((itemId, timers) -> {
            TimerEntry entry = timers.get(0).entry();
            String partitionKey = timers.stream().map(t -> t.entry().partitionKey()).filter(Objects::nonNull)
                    .findFirst().orElse(null);
            jobs.add(new Job(itemId, entry.key(), entry.window(), item -> onTimers(shardId, range, entry.key(),
                    entry.window(), partitionKey, item, timers, time, current, onTimer)));
        });
        List<Change> changes = run(shardId, range, "t", jobs, items);
        List<Firing> firings = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            collect(jobs.get(i).key(), jobs.get(i).window(), changes.get(i).result(), range, firings);
        }
        return new Due(firings, handled);
    }

    /** The change an item's due timers make, applied in time order to the item as read. */
    private Change onTimers(String shardId, BatchRange range, String key, Window window, String partitionKey,
            Map<String, AttributeValue> item, List<DueTimer> timers, long time, Function<KeyState, Long> current,
            OnTimer onTimer) {
        if (item == null) {
            return Change.none(null); // expired by time to live
        }
        checkKey(item, key);
        KeyState before = state(item);
        KeyState state = before;
        Set<Long> handled = new java.util.HashSet<>();
        for (DueTimer timer : timers) {
            handled.add(timer.at());
        }
        java.util.TreeSet<Long> queue = new java.util.TreeSet<>(handled);
        for (int steps = 0; !queue.isEmpty() && steps < MAX_CASCADE; steps++) {
            long at = queue.pollFirst();
            if (!Long.valueOf(at).equals(current.apply(state))) {
                continue; // stale: the item moved on
            }
            state = onTimer.apply(key, window, state, at);
            Long following = current.apply(state);
            if (following != null && following <= time && following != at) {
                queue.add(following); // due at once: fire it in the same write
                handled.add(following);
            }
        }
        if (state == before) {
            return Change.none(before);
        }
        return build(shardId, range, key, window, partitionKey, item, before, state, null, handled, List.of());
    }

    /** A handled timer bucket, for {@link #clearTimers}. */
    private record Bucket(String pk, String sk) implements TimerHandle {
    }

    private List<Map<String, AttributeValue>> dueBuckets(String timerPk, long watermarkMs) {
        List<Map<String, AttributeValue>> timers = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table).consistentRead(true)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
            if (watermarkMs == Long.MAX_VALUE) {
                query.keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", s(timerPk)));
            } else {
                // due when time <= watermark: every sort key "<time>#..." below "<watermark + 1>"
                query.keyConditionExpression("pk = :pk AND sk < :due").expressionAttributeValues(Map.of(
                        ":pk", s(timerPk),
                        ":due", s(SortableLongs.encode(watermarkMs + 1))));
            }
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse response = client.query(query.build());
            count(response.consumedCapacity(), false);
            timers.addAll(response.items());
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return timers;
    }

    @Override
    public void clearTimers(String shardId, List<TimerHandle> timers) {
        List<WriteRequest> deletes = new ArrayList<>();
        for (TimerHandle handle : timers) {
            Bucket timer = (Bucket) handle;
            deletes.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder()
                    .key(key(timer.pk(), timer.sk())).build()).build());
        }
        BatchRequests.write(client, table, deletes, this::count, "timer bucket deletes");
    }

    @Override
    public void commitCheckpoint(ShardCheckpoint previous, ShardCheckpoint next) {
        if (next.version() != previous.version() + 1) {
            throw new IllegalArgumentException("checkpoint version must advance by one: " + previous.version()
                    + " -> " + next.version());
        }
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, s(StateTable.checkpointPk(next.shardId())));
        item.put(SK, s(CHECKPOINT_SK));
        if (next.sequenceNumber() != null) {
            item.put("seq", s(SequenceNumbers.encode(next.sequenceNumber())));
        }
        item.put("wm", n(next.watermarkMs()));
        item.put("maxTs", n(next.maxEventTimeMs()));
        item.put("ver", n(next.version()));
        item.put("totals", totals(next.totals()));
        try {
            var response = client.putItem(b -> {
                b.tableName(table).item(item).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
                if (previous.version() == 0) {
                    b.conditionExpression("attribute_not_exists(pk)");
                } else {
                    b.conditionExpression("ver = :ver")
                            .expressionAttributeValues(Map.of(":ver", n(previous.version())));
                }
            });
            count(response.consumedCapacity(), true);
        } catch (ConditionalCheckFailedException conflict) {
            writeUnits.add(1);
            throw new StateConflictException("checkpoint of " + next.shardId() + " moved since version "
                    + previous.version() + " was read: another invocation processed this shard");
        }
    }

    /** Done-markers of {@code forEachOnce}: see {@link dev.eddy.state.dynamodb.idempotency.IdempotencyMarkers}. */
    @Override
    public Set<String> done(String scope, java.util.Collection<String> keys) {
        return markers.done(scope, keys);
    }

    @Override
    public void markDone(String scope, java.util.Collection<String> keys, Duration retention) {
        markers.markDone(scope, keys, retention);
    }

    @Override
    public CapacityUsage usage() {
        return new CapacityUsage(writeUnits.sum(), readUnits.sum());
    }

    @Override
    public void close() {
        writers.shutdown();
        client.close();
    }

    private Map<ItemKey, Map<String, AttributeValue>> batchGet(java.util.Collection<ItemKey> items) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>(items.size());
        items.forEach(item -> keys.add(item.attributes()));
        Map<ItemKey, Map<String, AttributeValue>> found = new HashMap<>();
        for (Map<String, AttributeValue> item : BatchRequests.get(client, table, keys, b -> b.consistentRead(true),
                this::count, "state items")) {
            found.put(ItemKey.of(item), item);
        }
        return found;
    }

    private Map<String, AttributeValue> getItem(ItemKey item) {
        var response = client.getItem(b -> b.tableName(table).key(item.attributes()).consistentRead(true)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        count(response.consumedCapacity(), false);
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }

    /**
     * An item stored under a key's hash holds the key: a different one would be a SHA-256 collision, refused
     * rather than mixed.
     */
    private static void checkKey(Map<String, AttributeValue> item, String key) {
        AttributeValue stored = item == null ? null : item.get(StateTable.KEY);
        if (stored != null && !stored.s().equals(key)) {
            throw new IllegalStateException("state item " + ItemKey.of(item) + " holds another key than the one"
                    + " hashed to it (a SHA-256 collision): refusing to mix their state");
        }
    }

    private static BigInteger appliedSequence(Map<String, AttributeValue> item, String shardId) {
        if (item == null) {
            return null;
        }
        AttributeValue padded = item.get("seqs").m().get(shardId);
        return padded == null ? null : SequenceNumbers.parse(padded.s());
    }

    private void count(ConsumedCapacity capacity, boolean write) {
        if (capacity != null && capacity.capacityUnits() != null) {
            (write ? writeUnits : readUnits).add(capacity.capacityUnits());
        }
    }

    private static long itemBytes(Map<String, AttributeValue> item) {
        long bytes = 0;
        for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
            bytes += e.getKey().length() + String.valueOf(e.getValue()).length();
        }
        return bytes;
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return new ItemKey(pk, sk).attributes();
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}

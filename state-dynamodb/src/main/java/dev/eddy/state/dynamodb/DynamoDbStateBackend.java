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
import dev.eddy.state.WindowLogic;
import dev.eddy.state.WindowState;
import dev.eddy.state.WindowUpdate;
import dev.eddy.state.dynamodb.fencing.SequenceNumbers;
import dev.eddy.state.dynamodb.table.StateTable;
import dev.eddy.state.dynamodb.timers.SortableLongs;
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
import java.util.concurrent.atomic.DoubleAdder;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
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
 * <p>Cost: one read (batched, strongly consistent) and one write per (key, window) a batch touches, plus one
 * timer write per new window; not per record. Every request asks for {@code ReturnConsumedCapacity}; a failed
 * conditional write reports nothing but is billed, so it is counted as its item size in write units.
 */
public final class DynamoDbStateBackend implements StateBackend {

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
    private static final int BATCH_GET_LIMIT = 100;
    private static final int BATCH_WRITE_LIMIT = 25;

    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;
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

    DynamoDbStateBackend(DynamoDbClient client, String table, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.table = Objects.requireNonNull(table, "table");
        this.clock = clock;
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
                Long.parseLong(item.get("ver").n()));
    }

    @Override
    public Applied applyUpdates(String shardId, BatchRange range, List<WindowUpdate> updates, WindowLogic logic) {
        Map<String, WindowUpdate> byId = new LinkedHashMap<>();
        for (WindowUpdate update : updates) {
            byId.put(id(StateTable.windowPk(update.key()), StateTable.windowSk(update.window())), update);
        }
        Map<String, Map<String, AttributeValue>> stored = batchGet(byId.keySet());
        List<Firing> firings = new ArrayList<>();
        List<WindowUpdate> refused = new ArrayList<>();
        byId.forEach((itemId, update) -> apply(shardId, range, update, stored.get(itemId), logic, firings, refused));
        return new Applied(firings, refused);
    }

    private void apply(String shardId, BatchRange range, WindowUpdate update, Map<String, AttributeValue> item,
            WindowLogic logic, List<Firing> firings, List<WindowUpdate> refused) {
        String key = update.key();
        Window window = update.window();
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            BigInteger applied = fencing ? appliedSequence(item, shardId) : null;
            List<SequencedValue> fresh = update.values().stream()
                    .filter(v -> applied == null || v.sequenceNumber().compareTo(applied) > 0)
                    .toList();
            WindowState state = item == null ? null : state(item);
            WindowLogic.Outcome outcome = fresh.isEmpty() ? new WindowLogic.Outcome(null, List.of())
                    : logic.apply(key, window, state, fresh);
            WindowState next = outcome.state();
            if (next == null) {
                if (!outcome.refused().isEmpty()) {
                    refused.add(new WindowUpdate(key, window, outcome.refused()));
                }
                collect(key, window, state, range, firings);
                return;
            }
            Map<String, AttributeValue> written = write(shardId, range, key, window, item, next,
                    fresh.get(fresh.size() - 1).sequenceNumber());
            if (written != null) {
                if (!outcome.refused().isEmpty()) {
                    refused.add(new WindowUpdate(key, window, outcome.refused()));
                }
                collect(key, window, next, range, firings);
                return;
            }
            item = getItem(StateTable.windowPk(key), StateTable.windowSk(window));
        }
        throw new StateConflictException("window item of key '" + key + "' " + window + " kept changing under "
                + MAX_ATTEMPTS + " attempts: another invocation writes it");
    }

    /**
     * Writes a window's new state if the stored item is still {@code item} (compare-and-set on its version),
     * registering the timer the state asks for first. Firings committed with an earlier batch are dropped.
     *
     * @return the written item, or {@code null} on a conflict
     */
    private Map<String, AttributeValue> write(String shardId, BatchRange range, String key, Window window,
            Map<String, AttributeValue> item, WindowState next, BigInteger lastApplied) {
        Map<String, AttributeValue> written = new HashMap<>();
        if (item != null) {
            written.putAll(item);
        }
        written.put(PK, s(StateTable.windowPk(key)));
        written.put(SK, s(StateTable.windowSk(window)));
        written.put("acc", s(next.accumulator()));
        written.put("fired", n(next.firings()));
        List<AttributeValue> pending = new ArrayList<>();
        long bytes = next.accumulator().length();
        for (Firing firing : next.pending()) {
            if (firing.tag().compareTo(range.first()) >= 0) {
                Window fired = firing.window() == null ? window : firing.window();
                pending.add(AttributeValue.fromM(Map.of("f", n(firing.firing()), "acc", s(firing.accumulator()),
                        "tag", s(SequenceNumbers.pad(firing.tag())), "ws", n(fired.startMs()),
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
            sequences.put(shardId, s(SequenceNumbers.pad(lastApplied)));
            written.put("seqs", AttributeValue.fromM(sequences));
        }
        Long storedTimer = item == null || !item.containsKey("timer") ? null : Long.parseLong(item.get("timer").n());
        if (next.timerMs() == null) {
            written.remove("timer");
        } else {
            written.put("timer", n(next.timerMs()));
            if (!next.timerMs().equals(storedTimer)) {
                registerTimer(StateTable.timerPk(shardId), key, window, next.timerMs());
            }
        }
        Long storedProcessingTimer = item == null || !item.containsKey("ptimer") ? null
                : Long.parseLong(item.get("ptimer").n());
        if (next.processingTimerMs() == null) {
            written.remove("ptimer");
        } else {
            written.put("ptimer", n(next.processingTimerMs()));
            if (!next.processingTimerMs().equals(storedProcessingTimer)) {
                registerTimer(StateTable.processingTimerPk(shardId), key, window, next.processingTimerMs());
            }
        }
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
        return compareAndSet(item, written) ? written : null;
    }

    /** Adds the state's firings that belong to this batch. */
    private static void collect(String key, Window window, WindowState state, BatchRange range,
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

    private static WindowState state(Map<String, AttributeValue> item) {
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
        return new WindowState(item.get("acc").s(), item.containsKey("fired") ? Integer.parseInt(item.get("fired").n())
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

    private void registerTimer(String timerPk, String key, Window window, long timerMs) {
        Map<String, AttributeValue> timer = Map.of(
                PK, s(timerPk),
                SK, s(StateTable.timerSk(key, window, timerMs)),
                "key", s(key),
                "ws", n(window.startMs()),
                "we", n(window.endMs()),
                "at", n(timerMs));
        try {
            var response = client.putItem(b -> b.tableName(table).item(timer)
                    .conditionExpression("attribute_not_exists(pk)")
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
            count(response.consumedCapacity(), true);
        } catch (ConditionalCheckFailedException alreadyRegistered) {
            writeUnits.add(1);
        }
    }

    @Override
    public Due fireDue(String shardId, BatchRange range, long watermarkMs, WindowLogic logic) {
        return fire(StateTable.timerPk(shardId), shardId, range, watermarkMs, WindowState::timerMs,
                (key, window, state, at) -> logic.onTimer(key, window, state, at, range.crossing(at)));
    }

    @Override
    public Due fireDueProcessingTime(String shardId, BatchRange range, long nowMs, WindowLogic logic) {
        return fire(StateTable.processingTimerPk(shardId), shardId, range, nowMs, WindowState::processingTimerMs,
                (key, window, state, at) -> logic.onProcessingTimer(key, window, state, at, range.first()));
    }

    /** What a due timer does to its window's state. */
    @FunctionalInterface
    private interface OnTimer {
        WindowState apply(String key, Window window, WindowState state, long at);
    }

    /**
     * Handles the timers of one kind (one partition) due at {@code time}, in time order: a timer the window's item
     * still names is applied; a stale one only lets the item's firings of this batch out.
     */
    private Due fire(String timerPk, String shardId, BatchRange range, long time,
            java.util.function.Function<WindowState, Long> current, OnTimer onTimer) {
        List<Map<String, AttributeValue>> timers = dueTimers(timerPk, time);
        if (timers.isEmpty()) {
            return new Due(List.of(), List.of());
        }
        Map<String, String> itemIds = new LinkedHashMap<>();
        for (Map<String, AttributeValue> timer : timers) {
            itemIds.put(timer.get(SK).s(), id(StateTable.windowPk(timer.get("key").s()),
                    StateTable.windowSk(windowOf(timer))));
        }
        Map<String, Map<String, AttributeValue>> items = batchGet(new java.util.LinkedHashSet<>(itemIds.values()));
        List<Firing> firings = new ArrayList<>();
        List<Object> handled = new ArrayList<>();
        for (Map<String, AttributeValue> timer : timers) {
            String key = timer.get("key").s();
            Window window = windowOf(timer);
            long at = Long.parseLong(timer.get("at").n());
            String itemId = itemIds.get(timer.get(SK).s());
            Map<String, AttributeValue> item = items.get(itemId);
            for (int attempt = 0; item != null; attempt++) {
                WindowState state = state(item);
                if (!Long.valueOf(at).equals(current.apply(state))) {
                    collect(key, window, state, range, firings); // a stale timer: the window moved on
                    break;
                }
                WindowState next = onTimer.apply(key, window, state, at);
                Map<String, AttributeValue> written = write(shardId, range, key, window, item, next, null);
                if (written != null) {
                    items.put(itemId, written);
                    collect(key, window, next, range, firings);
                    break;
                }
                if (attempt + 1 >= MAX_ATTEMPTS) {
                    throw new StateConflictException("window item of key '" + key + "' " + window
                            + " kept changing while its timer fired, under " + MAX_ATTEMPTS + " attempts");
                }
                item = getItem(StateTable.windowPk(key), StateTable.windowSk(window));
                items.put(itemId, item);
            }
            handled.add(new TimerHandle(timerPk, timer.get(SK).s()));
        }
        return new Due(firings, handled);
    }

    /** A handled timer, for {@link #clearTimers}. */
    private record TimerHandle(String pk, String sk) {
    }

    private static Window windowOf(Map<String, AttributeValue> timer) {
        return new Window(Long.parseLong(timer.get("ws").n()), Long.parseLong(timer.get("we").n()));
    }

    private List<Map<String, AttributeValue>> dueTimers(String timerPk, long watermarkMs) {
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
    public void clearTimers(String shardId, List<Object> timers) {
        List<WriteRequest> deletes = new ArrayList<>();
        for (Object handle : timers) {
            TimerHandle timer = (TimerHandle) handle;
            deletes.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder()
                    .key(key(timer.pk(), timer.sk())).build()).build());
        }
        for (int from = 0; from < deletes.size(); from += BATCH_WRITE_LIMIT) {
            Map<String, List<WriteRequest>> pending =
                    Map.of(table, deletes.subList(from, Math.min(deletes.size(), from + BATCH_WRITE_LIMIT)));
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                Map<String, List<WriteRequest>> request = pending;
                BatchWriteItemResponse response = client.batchWriteItem(b -> b.requestItems(request)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
                response.consumedCapacity().forEach(c -> count(c, true));
                pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
                backOff(attempt, pending.isEmpty());
            }
        }
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
            item.put("seq", s(SequenceNumbers.pad(next.sequenceNumber())));
        }
        item.put("wm", n(next.watermarkMs()));
        item.put("maxTs", n(next.maxEventTimeMs()));
        item.put("ver", n(next.version()));
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

    @Override
    public CapacityUsage usage() {
        return new CapacityUsage(writeUnits.sum(), readUnits.sum());
    }

    @Override
    public void close() {
        client.close();
    }

    private Map<String, Map<String, AttributeValue>> batchGet(Iterable<String> itemIds) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>();
        itemIds.forEach(itemId -> {
            int bar = itemId.indexOf('\u0000');
            keys.add(key(itemId.substring(0, bar), itemId.substring(bar + 1)));
        });
        Map<String, Map<String, AttributeValue>> found = new HashMap<>();
        for (int from = 0; from < keys.size(); from += BATCH_GET_LIMIT) {
            Map<String, KeysAndAttributes> pending = Map.of(table, KeysAndAttributes.builder()
                    .keys(keys.subList(from, Math.min(keys.size(), from + BATCH_GET_LIMIT)))
                    .consistentRead(true).build());
            for (int attempt = 0; !pending.isEmpty(); attempt++) {
                Map<String, KeysAndAttributes> request = pending;
                BatchGetItemResponse response = client.batchGetItem(b -> b.requestItems(request)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
                response.consumedCapacity().forEach(c -> count(c, false));
                response.responses().getOrDefault(table, List.of())
                        .forEach(item -> found.put(id(item.get(PK).s(), item.get(SK).s()), item));
                pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
                backOff(attempt, pending.isEmpty());
            }
        }
        return found;
    }

    private Map<String, AttributeValue> getItem(String pk, String sk) {
        var response = client.getItem(b -> b.tableName(table).key(key(pk, sk)).consistentRead(true)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        count(response.consumedCapacity(), false);
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }

    /** Exponential back-off with full jitter between retries of unprocessed batch items (AWS guidance). */
    private static void backOff(int attempt, boolean done) {
        if (done) {
            return;
        }
        long ceiling = Math.min(1_000, 25L << Math.min(attempt, 10));
        try {
            Thread.sleep(java.util.concurrent.ThreadLocalRandom.current().nextLong(ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying unprocessed DynamoDB items", e);
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

    private static String id(String pk, String sk) {
        return pk + '\u0000' + sk;
    }

    private static Map<String, AttributeValue> key(String pk, String sk) {
        return Map.of(PK, s(pk), SK, s(sk));
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue n(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}

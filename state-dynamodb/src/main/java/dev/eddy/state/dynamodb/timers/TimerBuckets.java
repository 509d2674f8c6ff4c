package dev.eddy.state.dynamodb.timers;

import static dev.eddy.state.dynamodb.table.StateTable.EXPIRES_AT;
import static dev.eddy.state.dynamodb.table.StateTable.SK;

import dev.eddy.state.TimerHandle;
import dev.eddy.state.dynamodb.table.BatchRequests;
import dev.eddy.state.dynamodb.table.Capacity;
import dev.eddy.state.dynamodb.table.Hashes;
import dev.eddy.state.dynamodb.table.ItemKey;
import dev.eddy.state.dynamodb.table.SortableLongs;
import dev.eddy.state.dynamodb.table.StateTable;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Predicate;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DeleteRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * A shard's timers, in buckets: one item per (kind, shard, due time, registering batch) whose string set
 * {@code entries} holds every key that batch wants woken then ({@link TimerEntry}), and {@code at} the due time
 * ({@code docs/state.md}, "Item types").
 *
 * <ul>
 * <li>Registering is an {@code UpdateItem ... ADD entries :set}: idempotent, so a retry or a conflict that
 *     registers again loses nothing. One bucket holds at most {@value #MAX_BUCKET_BYTES} bytes of entries (far below
 *     DynamoDB's 400 KB item limit); the rest goes to the next chunk.
 * <li>A shard's due buckets are one consistent range query, {@code pk = T#<shard> AND sk < <time + 1>}, in
 *     due-time order (sort keys start with the time as {@link SortableLongs}), paginated.
 * <li>Clearing is a {@code BatchWriteItem} of deletes, 25 a request, idempotent.
 * <li>After a reshard a child adopts its parents' entries of the keys it owns; the parents' buckets then expire by
 *     time to live.
 * </ul>
 *
 * Every request asks for {@code ReturnConsumedCapacity}.
 */
public final class TimerBuckets {

    /** Largest set of entries written to one bucket item, in UTF-8 bytes. */
    public static final int MAX_BUCKET_BYTES = 64 * 1024;

    private final DynamoDbClient client;
    private final String table;
    private final Capacity capacity;
    private final Clock clock;
    private final Duration retention;

    /**
     * @param client a DynamoDB client (not owned)
     * @param table the state table
     * @param capacity counts the consumed capacity
     * @param clock the wall clock, for the expiry of a reshard's parent buckets
     * @param retention how long a parent's buckets are kept after a child adopted its timers
     */
    public TimerBuckets(DynamoDbClient client, String table, Capacity capacity, Clock clock, Duration retention) {
        this.client = Objects.requireNonNull(client, "client");
        this.table = Objects.requireNonNull(table, "table");
        this.capacity = Objects.requireNonNull(capacity, "capacity");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retention = Objects.requireNonNull(retention, "retention");
    }

    /**
     * Registers timers: one bucket write per (partition, due time) and chunk of {@value #MAX_BUCKET_BYTES} bytes.
     *
     * @param timers the timers; none writes nothing
     * @param batch what names the registering batch in the buckets' sort keys (the stored first sequence number of
     *     the batch and a tag), so that each batch has buckets of its own
     */
    public void register(List<Registration> timers, String batch) {
        Map<List<Object>, TreeSet<String>> buckets = new LinkedHashMap<>();
        for (Registration timer : timers) {
            buckets.computeIfAbsent(List.of(timer.pk(), timer.at()), b -> new TreeSet<>()).add(timer.entry().encode());
        }
        buckets.forEach((bucket, entries) -> {
            String pk = (String) bucket.get(0);
            long at = (Long) bucket.get(1);
            int chunk = 0;
            List<String> part = new ArrayList<>();
            long bytes = 0;
            for (String entry : entries) {
                long size = Hashes.utf8Length(entry);
                if (!part.isEmpty() && bytes + size > MAX_BUCKET_BYTES) {
                    add(new ItemKey(pk, StateTable.timerSk(at, batch, chunk++)), at, part);
                    part = new ArrayList<>();
                    bytes = 0;
                }
                part.add(entry);
                bytes += size;
            }
            add(new ItemKey(pk, StateTable.timerSk(at, batch, chunk)), at, part);
        });
    }

    private void add(ItemKey bucket, long at, List<String> entries) {
        var response = client.updateItem(b -> b.tableName(table).key(bucket.attributes())
                .updateExpression("ADD entries :e SET #at = :at")
                .expressionAttributeNames(Map.of("#at", "at"))
                .expressionAttributeValues(Map.of(":e", AttributeValue.fromSs(entries), ":at", number(at)))
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        capacity.count(response.consumedCapacity(), true);
    }

    /**
     * The timers due at a time, read with strongly consistent queries.
     *
     * @param pk the buckets' partition key ({@link TimerKind#bucketPk})
     * @param time the watermark or wall clock, ms; {@link Long#MAX_VALUE} makes every bucket due
     * @return the due entries, sorted by due time then stored form, and their buckets
     */
    public DueTimers due(String pk, long time) {
        List<DueTimer> due = new ArrayList<>();
        List<TimerHandle> handles = new ArrayList<>();
        for (Map<String, AttributeValue> bucket : buckets(pk, time)) {
            long at = Long.parseLong(bucket.get("at").n());
            for (String stored : bucket.get("entries").ss()) {
                due.add(new DueTimer(at, stored, TimerEntry.decode(stored)));
            }
            handles.add(new Bucket(new ItemKey(pk, bucket.get(SK).s())));
        }
        due.sort(Comparator.comparingLong(DueTimer::at).thenComparing(DueTimer::stored));
        return new DueTimers(due, handles);
    }

    private List<Map<String, AttributeValue>> buckets(String pk, long time) {
        List<Map<String, AttributeValue>> buckets = new ArrayList<>();
        Map<String, AttributeValue> start = null;
        do {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table).consistentRead(true)
                    .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
            if (time == Long.MAX_VALUE) {
                query.keyConditionExpression("pk = :pk").expressionAttributeValues(Map.of(":pk", string(pk)));
            } else {
                // due when at <= time: every sort key "<at>#..." below "<time + 1>"
                query.keyConditionExpression("pk = :pk AND sk < :due").expressionAttributeValues(Map.of(
                        ":pk", string(pk), ":due", string(SortableLongs.encode(time + 1))));
            }
            if (start != null) {
                query.exclusiveStartKey(start);
            }
            QueryResponse response = client.query(query.build());
            capacity.count(response.consumedCapacity(), false);
            buckets.addAll(response.items());
            start = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
        } while (start != null);
        return buckets;
    }

    /**
     * Registers a finished parent's pending timers (both kinds) of the keys the child owns under the child, in
     * buckets of their own batch {@code from-<parent>} (idempotent: a set union), then lets the parent's buckets
     * expire by time to live after the retention, time enough for a split's other child to take its share.
     *
     * @param parent the parent shard
     * @param child the child shard
     * @param owns whether the child owns a partition key; entries of an unknown partition key are always taken
     */
    public void adopt(String parent, String child, Predicate<String> owns) {
        for (TimerKind kind : TimerKind.values()) {
            String parentPk = kind.bucketPk(parent);
            List<Map<String, AttributeValue>> buckets = buckets(parentPk, Long.MAX_VALUE);
            List<Registration> adopted = new ArrayList<>();
            for (Map<String, AttributeValue> bucket : buckets) {
                long at = Long.parseLong(bucket.get("at").n());
                for (String stored : bucket.get("entries").ss()) {
                    TimerEntry entry = TimerEntry.decode(stored);
                    if (entry.partitionKey() == null || owns.test(entry.partitionKey())) {
                        adopted.add(new Registration(kind.bucketPk(child), at, entry));
                    }
                }
            }
            register(adopted, "from-" + parent);
            long expiry = clock.instant().plus(retention).getEpochSecond();
            for (Map<String, AttributeValue> bucket : buckets) {
                if (!bucket.containsKey(EXPIRES_AT)) {
                    var response = client.updateItem(b -> b.tableName(table)
                            .key(new ItemKey(parentPk, bucket.get(SK).s()).attributes())
                            .updateExpression("SET " + EXPIRES_AT + " = :x")
                            .expressionAttributeValues(Map.of(":x", number(expiry)))
                            .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
                    capacity.count(response.consumedCapacity(), true);
                }
            }
        }
    }

    /**
     * Deletes handled buckets ({@code BatchWriteItem}, 25 a request; unprocessed deletes are sent again as
     * {@link BatchRequests} does). Idempotent.
     *
     * @param handles handles from {@link #due}
     * @throws IllegalArgumentException if a handle was not made by this class
     * @throws IllegalStateException if DynamoDB leaves deletes unprocessed after {@link BatchRequests#MAX_ATTEMPTS}
     *     requests
     */
    public void clear(List<TimerHandle> handles) {
        List<WriteRequest> deletes = new ArrayList<>();
        for (TimerHandle handle : handles) {
            if (!(handle instanceof Bucket bucket)) {
                throw new IllegalArgumentException("timer handle " + handle + " was not handed out by the DynamoDB"
                        + " state backend: pass the handles of its own Due.timers()");
            }
            deletes.add(WriteRequest.builder().deleteRequest(DeleteRequest.builder()
                    .key(bucket.item().attributes()).build()).build());
        }
        BatchRequests.write(client, table, deletes, capacity, "timer bucket deletes");
    }

    private static AttributeValue string(String value) {
        return AttributeValue.fromS(value);
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}

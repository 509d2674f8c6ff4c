package dev.eddy.state.dynamodb.idempotency;

import static dev.eddy.state.dynamodb.table.StateTable.EXPIRES_AT;
import static dev.eddy.state.dynamodb.table.StateTable.PK;
import static dev.eddy.state.dynamodb.table.StateTable.SK;

import dev.eddy.state.dynamodb.table.BatchRequests;
import dev.eddy.state.dynamodb.table.Hashes;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Done-markers of {@code forEachOnce} side effects in the state table: one small item per (scope, idempotency key).
 *
 * <table>
 * <caption>Marker item</caption>
 * <tr><th>pk</th><th>sk</th><th>attributes</th></tr>
 * <tr><td>{@code I#<pipeline>#<name>#<key>}</td><td>{@code done}</td>
 *     <td>{@code expiresAt} (epoch seconds: DynamoDB's TTL deletes it), {@code doneAt} (epoch ms)</td></tr>
 * <tr><td>{@code I#<pipeline>#<name>#<SHA-256 of key, hex>}</td><td>{@code done#sha256}</td>
 *     <td>the same, for a key whose partition key would exceed {@value #MAX_RAW_PK_BYTES} bytes</td></tr>
 * </table>
 *
 * <p>Long keys are hashed so that the partition key stays far below DynamoDB's 2,048-byte limit and the item below
 * 1 KB, one write unit; the sort key tells hashed from raw keys, so a raw key that looks like a hash never meets
 * one. Reads are strongly consistent {@code BatchGetItem}s, writes {@code BatchWriteItem}s of unconditional puts
 * (marking again renews), both through {@link BatchRequests} (chunks of 100 and 25, unprocessed keys and items
 * retried with back-off). A
 * marker whose {@code expiresAt} has passed counts as absent although TTL may take days to delete it. Every request
 * asks for {@code ReturnConsumedCapacity}, reported to the {@link BatchRequests.CapacityCounter}.
 */
public final class IdempotencyMarkers {

    /** Longest partition key stored as is, in UTF-8 bytes; longer keys are hashed. */
    public static final int MAX_RAW_PK_BYTES = 512;

    static final String DONE = "done";
    static final String DONE_HASHED = "done#sha256";

    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;
    private final BatchRequests.CapacityCounter counter;

    /**
     * @param client a DynamoDB client (not owned: the caller closes it)
     * @param table the state table
     * @param clock processing time, for {@code expiresAt}
     * @param counter receives the consumed capacity
     */
    public IdempotencyMarkers(DynamoDbClient client, String table, Clock clock,
            BatchRequests.CapacityCounter counter) {
        this.client = Objects.requireNonNull(client, "client");
        this.table = Objects.requireNonNull(table, "table");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.counter = Objects.requireNonNull(counter, "counter");
    }

    /**
     * @param scope the side effect's scope, {@code <pipeline>#<name>}
     * @param keys idempotency keys (duplicates allowed)
     * @return the keys marked done and not expired
     */
    public Set<String> done(String scope, Collection<String> keys) {
        Map<List<String>, String> byItemKey = new LinkedHashMap<>();
        for (String key : new LinkedHashSet<>(keys)) {
            Map<String, AttributeValue> itemKey = key(scope, key);
            byItemKey.put(List.of(itemKey.get(PK).s(), itemKey.get(SK).s()), key);
        }
        List<Map<String, AttributeValue>> itemKeys = new ArrayList<>();
        byItemKey.keySet().forEach(k -> itemKeys.add(Map.of(PK, s(k.get(0)), SK, s(k.get(1)))));
        long now = clock.instant().getEpochSecond();
        Set<String> done = new HashSet<>();
        for (Map<String, AttributeValue> item : BatchRequests.get(client, table, itemKeys,
                b -> b.consistentRead(true).projectionExpression("#pk, #sk, #exp")
                        .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK, "#exp", EXPIRES_AT)),
                counter, "idempotency marker keys")) {
            if (!expired(item, now)) {
                done.add(byItemKey.get(List.of(item.get(PK).s(), item.get(SK).s())));
            }
        }
        return done;
    }

    /**
     * @param scope the side effect's scope, {@code <pipeline>#<name>}
     * @param keys idempotency keys (duplicates allowed)
     * @param retention how long the markers are kept, from now
     */
    public void markDone(String scope, Collection<String> keys, Duration retention) {
        long nowMs = clock.millis();
        AttributeValue expiresAt = AttributeValue.fromN(Long.toString(
                Math.addExact(nowMs, retention.toMillis()) / 1000));
        AttributeValue doneAt = AttributeValue.fromN(Long.toString(nowMs));
        List<WriteRequest> puts = new ArrayList<>();
        for (String key : new LinkedHashSet<>(keys)) {
            Map<String, AttributeValue> item = new HashMap<>(key(scope, key));
            item.put(EXPIRES_AT, expiresAt);
            item.put("doneAt", doneAt);
            puts.add(WriteRequest.builder().putRequest(PutRequest.builder().item(item).build()).build());
        }
        BatchRequests.write(client, table, puts, counter, "idempotency markers");
    }

    /**
     * The primary key of a marker.
     *
     * @param scope the side effect's scope, {@code <pipeline>#<name>}
     * @param key the idempotency key
     * @return {@code pk} and {@code sk}
     */
    public static Map<String, AttributeValue> key(String scope, String key) {
        Objects.requireNonNull(key, "idempotency key");
        String raw = "I#" + scope + "#" + key;
        if (Hashes.utf8Length(raw) <= MAX_RAW_PK_BYTES) {
            return Map.of(PK, s(raw), SK, s(DONE));
        }
        return Map.of(PK, s("I#" + scope + "#" + Hashes.sha256(key)), SK, s(DONE_HASHED));
    }

    private static boolean expired(Map<String, AttributeValue> item, long nowSeconds) {
        AttributeValue expiresAt = item.get(EXPIRES_AT);
        return expiresAt != null && Long.parseLong(expiresAt.n()) <= nowSeconds;
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}

package dev.eddy.state.dynamodb.idempotency;

import static dev.eddy.state.dynamodb.table.StateTable.EXPIRES_AT;
import static dev.eddy.state.dynamodb.table.StateTable.PK;
import static dev.eddy.state.dynamodb.table.StateTable.SK;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
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
 * one. Reads are strongly consistent {@code BatchGetItem}s of {@value #BATCH_GET_LIMIT} keys, writes
 * {@code BatchWriteItem}s of {@value #BATCH_WRITE_LIMIT} unconditional puts (marking again renews); unprocessed
 * keys and items are retried with exponential back-off and full jitter, at most {@value #MAX_ATTEMPTS} times. A
 * marker whose {@code expiresAt} has passed counts as absent although TTL may take days to delete it. Every request
 * asks for {@code ReturnConsumedCapacity}, reported to the {@link CapacityCounter}.
 */
public final class IdempotencyMarkers {

    /** Keys per {@code BatchGetItem}: DynamoDB's limit. */
    public static final int BATCH_GET_LIMIT = 100;
    /** Puts per {@code BatchWriteItem}: DynamoDB's limit. */
    public static final int BATCH_WRITE_LIMIT = 25;
    /** Longest partition key stored as is, in UTF-8 bytes; longer keys are hashed. */
    public static final int MAX_RAW_PK_BYTES = 512;
    /** Requests of one chunk while DynamoDB leaves keys or items unprocessed, before giving up. */
    public static final int MAX_ATTEMPTS = 12;

    static final String DONE = "done";
    static final String DONE_HASHED = "done#sha256";

    /** Receives the capacity each request consumed. */
    @FunctionalInterface
    public interface CapacityCounter {
        /**
         * @param capacity as DynamoDB returned it ({@code null} if it returned none)
         * @param write whether it was consumed by writes
         */
        void count(ConsumedCapacity capacity, boolean write);
    }

    private final DynamoDbClient client;
    private final String table;
    private final Clock clock;
    private final CapacityCounter counter;

    /**
     * @param client a DynamoDB client (not owned: the caller closes it)
     * @param table the state table
     * @param clock processing time, for {@code expiresAt}
     * @param counter receives the consumed capacity
     */
    public IdempotencyMarkers(DynamoDbClient client, String table, Clock clock, CapacityCounter counter) {
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
        for (int from = 0; from < itemKeys.size(); from += BATCH_GET_LIMIT) {
            Map<String, KeysAndAttributes> pending = Map.of(table, KeysAndAttributes.builder()
                    .keys(itemKeys.subList(from, Math.min(itemKeys.size(), from + BATCH_GET_LIMIT)))
                    .projectionExpression("#pk, #sk, #exp")
                    .expressionAttributeNames(Map.of("#pk", PK, "#sk", SK, "#exp", EXPIRES_AT))
                    .consistentRead(true).build());
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                Map<String, KeysAndAttributes> request = pending;
                BatchGetItemResponse response = client.batchGetItem(b -> b.requestItems(request)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
                response.consumedCapacity().forEach(c -> counter.count(c, false));
                for (Map<String, AttributeValue> item : response.responses().getOrDefault(table, List.of())) {
                    if (!expired(item, now)) {
                        done.add(byItemKey.get(List.of(item.get(PK).s(), item.get(SK).s())));
                    }
                }
                pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
                if (!pending.isEmpty()) {
                    backOff(attempt, "keys", pending.get(table).keys().size());
                }
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
        for (int from = 0; from < puts.size(); from += BATCH_WRITE_LIMIT) {
            Map<String, List<WriteRequest>> pending =
                    Map.of(table, puts.subList(from, Math.min(puts.size(), from + BATCH_WRITE_LIMIT)));
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                Map<String, List<WriteRequest>> request = pending;
                BatchWriteItemResponse response = client.batchWriteItem(b -> b.requestItems(request)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
                response.consumedCapacity().forEach(c -> counter.count(c, true));
                pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
                if (!pending.isEmpty()) {
                    backOff(attempt, "items", pending.get(table).size());
                }
            }
        }
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
        if (raw.getBytes(StandardCharsets.UTF_8).length <= MAX_RAW_PK_BYTES) {
            return Map.of(PK, s(raw), SK, s(DONE));
        }
        return Map.of(PK, s("I#" + scope + "#" + sha256(key)), SK, s(DONE_HASHED));
    }

    private static boolean expired(Map<String, AttributeValue> item, long nowSeconds) {
        AttributeValue expiresAt = item.get(EXPIRES_AT);
        return expiresAt != null && Long.parseLong(expiresAt.n()) <= nowSeconds;
    }

    private static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Exponential back-off with full jitter (AWS guidance) before retrying unprocessed keys or items. */
    private static void backOff(int attempt, String what, int left) {
        if (attempt >= MAX_ATTEMPTS) {
            throw new IllegalStateException("DynamoDB left " + left + " idempotency marker " + what
                    + " unprocessed after " + attempt + " attempts (throttled: raise the table's capacity)");
        }
        long ceiling = Math.min(1_000, 25L << Math.min(attempt - 1, 10));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying unprocessed idempotency markers", e);
        }
    }

    private static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }
}

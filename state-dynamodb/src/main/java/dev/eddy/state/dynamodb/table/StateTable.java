package dev.eddy.state.dynamodb.table;

import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TimeToLiveSpecification;

/**
 * The layout of a pipeline's state table: one table per pipeline, string partition key {@code pk} and sort key
 * {@code sk}, on-demand capacity, time to live on {@code expiresAt} (epoch seconds). {@code docs/state.md},
 * "Item types", describes every attribute.
 *
 * <table>
 * <caption>Item types</caption>
 * <tr><th>item</th><th>pk</th><th>sk</th><th>attributes</th></tr>
 * <tr><td>key state</td><td>{@code W#<key>}, or {@code W#<SHA-256 of key>} for a key over
 *     {@value #MAX_RAW_KEY_BYTES} bytes</td><td>{@link #ALL_TIME_SK} (one item per key), ending in
 *     {@value #HASHED_SUFFIX} for a hashed key</td>
 *     <td>{@code acc} (the key's state as JSON), {@code ver}, {@code seqs} (map shard → highest applied sequence
 *     number), {@code fired} (firings so far), {@code pending} (firings not yet known to be emitted: firing,
 *     window, accumulator, tag), {@code timer} / {@code ptimer} (time of its current event-time /
 *     processing-time timer), {@code cleaned} and {@code expiresAt} once cleaned up, {@code key} (the key, for a
 *     hashed one)</td></tr>
 * <tr><td>event-time timer bucket</td><td>{@code T#<shardId>}</td><td>{@code <time>#<batch>#<chunk>}</td>
 *     <td>{@code at} (due time, ms), {@code entries} (string set: the keys due then, registered by one
 *     batch)</td></tr>
 * <tr><td>processing-time timer bucket</td><td>{@code P#<shardId>}</td><td>as an event-time bucket</td>
 *     <td>as an event-time bucket, {@code at} in wall-clock ms</td></tr>
 * <tr><td>shard checkpoint</td><td>{@code C#<shardId>}</td><td>{@value #CHECKPOINT_SK}</td>
 *     <td>{@code seq} (stored sequence number), {@code wm} (watermark ms), {@code maxTs}, {@code ver},
 *     {@code totals} (map: the shard's running totals, {@code dev.eddy.metrics.Figures} under each
 *     {@code Metric.key()}; absent in items written before it, which read as zeros)</td></tr>
 * </table>
 *
 * Times in keys are {@link SortableLongs}, so a range query on a shard's timer buckets returns them in due-time
 * order.
 */
public final class StateTable {

    /** Partition key attribute. */
    public static final String PK = "pk";
    /** Sort key attribute. */
    public static final String SK = "sk";
    /** Time-to-live attribute, epoch seconds. */
    public static final String EXPIRES_AT = "expiresAt";
    /** The key itself, in the item of a key stored under its hash ({@link #stateItem}). */
    public static final String KEY = "key";
    /** Longest key, in UTF-8 bytes, that is a state item's partition key as it is; longer ones are hashed. */
    public static final int MAX_RAW_KEY_BYTES = 1024;
    /** The end of the sort key of an item whose key is hashed. */
    public static final String HASHED_SUFFIX = "#sha256";

    /**
     * The sort key of every key's item: all of time, {@code <MIN>#<MAX>} as {@link SortableLongs} of
     * {@link Long#MIN_VALUE} and {@link Long#MAX_VALUE} (items of earlier versions were laid out for one item per
     * (key, window); the framework only ever wrote this one).
     */
    public static final String ALL_TIME_SK = SortableLongs.encode(Long.MIN_VALUE) + "#"
            + SortableLongs.encode(Long.MAX_VALUE);
    /** The sort key of a shard's checkpoint item. */
    public static final String CHECKPOINT_SK = "checkpoint";

    private StateTable() {
    }

    /**
     * The item holding all of a key's state. A key of at most {@value #MAX_RAW_KEY_BYTES} UTF-8 bytes is its
     * partition key as it is ({@code W#<key>}, any characters, U+0000 included), so items read as their keys; a
     * longer key is stored under its SHA-256 ({@code W#<64 hex digits>}, sort key ending in
     * {@value #HASHED_SUFFIX}), which keeps the partition key under DynamoDB's 2,048-byte limit, and the item keeps
     * the key itself in {@value #KEY}. The sort key's suffix tells hashed from raw keys, so a raw key that looks
     * like a hash never meets one.
     *
     * @param key the key: any string that is valid Unicode (the framework refuses unpaired surrogates, which
     *     UTF-8 cannot encode)
     * @return the item's primary key
     */
    public static ItemKey stateItem(String key) {
        if (isHashed(key)) {
            return new ItemKey("W#" + Hashes.sha256(key), ALL_TIME_SK + HASHED_SUFFIX);
        }
        return new ItemKey("W#" + key, ALL_TIME_SK);
    }

    /**
     * @param key a key
     * @return whether its item is stored under the key's SHA-256 (it is longer than {@value #MAX_RAW_KEY_BYTES}
     *     UTF-8 bytes); such an item keeps the key in {@value #KEY}
     */
    public static boolean isHashed(String key) {
        // a char is at most 3 UTF-8 bytes: most keys are decided without encoding them
        return key.length() * 3L > MAX_RAW_KEY_BYTES && Hashes.utf8Length(key) > MAX_RAW_KEY_BYTES;
    }

    /**
     * @param shardId the shard
     * @return the partition key of the shard's timers
     */
    public static String timerPk(String shardId) {
        return "T#" + shardId;
    }

    /**
     * @param timerMs when the bucket's timers are due (watermark or wall-clock ms)
     * @param batch the stored first sequence number of the batch that registered them
     * @param chunk the bucket's number among that batch's buckets of the same time
     * @return the sort key of a timer bucket: its time first, so a shard's buckets sort by when they are due
     */
    public static String timerSk(long timerMs, String batch, int chunk) {
        return SortableLongs.encode(timerMs) + "#" + batch + "#" + chunk;
    }

    /**
     * @param shardId the shard
     * @return the partition key of the shard's processing-time timers (due by the wall clock)
     */
    public static String processingTimerPk(String shardId) {
        return "P#" + shardId;
    }

    /**
     * @param shardId the shard
     * @return the partition key of the shard's checkpoint
     */
    public static String checkpointPk(String shardId) {
        return "C#" + shardId;
    }

    /**
     * @param shardId the shard
     * @return the key of the shard's checkpoint item: {@code C#<shardId>}, {@value #CHECKPOINT_SK}
     */
    public static ItemKey checkpointItem(String shardId) {
        return new ItemKey(checkpointPk(shardId), CHECKPOINT_SK);
    }

    /**
     * Creates the table (on-demand, TTL on {@code expiresAt}) and waits until it is active. For local runs and
     * tests; in AWS the CDK construct creates it.
     *
     * @param client a DynamoDB client
     * @param tableName the table
     * @return {@code true} if it was created, {@code false} if it existed
     */
    public static boolean create(DynamoDbClient client, String tableName) {
        try {
            client.createTable(b -> b.tableName(tableName)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                            AttributeDefinition.builder().attributeName(PK).attributeType(ScalarAttributeType.S).build(),
                            AttributeDefinition.builder().attributeName(SK).attributeType(ScalarAttributeType.S).build())
                    .keySchema(
                            KeySchemaElement.builder().attributeName(PK).keyType(KeyType.HASH).build(),
                            KeySchemaElement.builder().attributeName(SK).keyType(KeyType.RANGE).build()));
        } catch (ResourceInUseException exists) {
            return false;
        }
        client.waiter().waitUntilTableExists(b -> b.tableName(tableName));
        client.updateTimeToLive(b -> b.tableName(tableName).timeToLiveSpecification(
                TimeToLiveSpecification.builder().attributeName(EXPIRES_AT).enabled(true).build()));
        return true;
    }
}

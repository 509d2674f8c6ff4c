package dev.eddy.state.dynamodb.table;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * {@code BatchGetItem} and {@code BatchWriteItem} on one table in DynamoDB's chunk sizes, with the keys or items
 * DynamoDB leaves unprocessed (not an error: throttling or the 16 MB response limit) asked for again after an
 * exponential back-off with full jitter (AWS guidance: 25 ms doubling, at most 1 s), at most
 * {@value #MAX_ATTEMPTS} requests per chunk. Every request asks for {@code ReturnConsumedCapacity}.
 */
public final class BatchRequests {

    /** Keys per {@code BatchGetItem}: DynamoDB's limit. */
    public static final int GET_LIMIT = 100;
    /** Requests per {@code BatchWriteItem}: DynamoDB's limit. */
    public static final int WRITE_LIMIT = 25;
    /** Requests of one chunk while DynamoDB leaves some unprocessed (about 7.5 s of back-off at most). */
    public static final int MAX_ATTEMPTS = 12;

    /** Receives the capacity each request consumed. */
    @FunctionalInterface
    public interface CapacityCounter {
        /**
         * @param capacity as DynamoDB returned it ({@code null} if it returned none)
         * @param write whether it was consumed by writes
         */
        void count(ConsumedCapacity capacity, boolean write);
    }

    private BatchRequests() {
    }

    /**
     * Reads items by key.
     *
     * @param client the client
     * @param table the table
     * @param keys primary keys, at most one request each
     * @param options how to read (consistency, projection); the keys are set here
     * @param counter receives the consumed capacity
     * @param what what the keys are, for the error message
     * @return the items found, in no particular order
     * @throws IllegalStateException if keys stay unprocessed after {@value #MAX_ATTEMPTS} requests of a chunk
     */
    public static List<Map<String, AttributeValue>> get(DynamoDbClient client, String table,
            List<Map<String, AttributeValue>> keys, Consumer<KeysAndAttributes.Builder> options,
            CapacityCounter counter, String what) {
        List<Map<String, AttributeValue>> found = new ArrayList<>();
        for (int from = 0; from < keys.size(); from += GET_LIMIT) {
            KeysAndAttributes.Builder chunk = KeysAndAttributes.builder();
            options.accept(chunk);
            Map<String, KeysAndAttributes> pending = Map.of(table,
                    chunk.keys(keys.subList(from, Math.min(keys.size(), from + GET_LIMIT))).build());
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                Map<String, KeysAndAttributes> request = pending;
                BatchGetItemResponse response = client.batchGetItem(b -> b.requestItems(request)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
                response.consumedCapacity().forEach(c -> counter.count(c, false));
                found.addAll(response.responses().getOrDefault(table, List.of()));
                pending = response.hasUnprocessedKeys() ? response.unprocessedKeys() : Map.of();
                if (!pending.isEmpty()) {
                    backOff(attempt, pending.get(table).keys().size(), what);
                }
            }
        }
        return found;
    }

    /**
     * Writes (puts or deletes, unconditional).
     *
     * @param client the client
     * @param table the table
     * @param writes the writes
     * @param counter receives the consumed capacity
     * @param what what the writes are, for the error message
     * @throws IllegalStateException if writes stay unprocessed after {@value #MAX_ATTEMPTS} requests of a chunk
     */
    public static void write(DynamoDbClient client, String table, List<WriteRequest> writes, CapacityCounter counter,
            String what) {
        for (int from = 0; from < writes.size(); from += WRITE_LIMIT) {
            Map<String, List<WriteRequest>> pending =
                    Map.of(table, writes.subList(from, Math.min(writes.size(), from + WRITE_LIMIT)));
            for (int attempt = 1; !pending.isEmpty(); attempt++) {
                Map<String, List<WriteRequest>> request = pending;
                BatchWriteItemResponse response = client.batchWriteItem(b -> b.requestItems(request)
                        .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
                response.consumedCapacity().forEach(c -> counter.count(c, true));
                pending = response.hasUnprocessedItems() ? response.unprocessedItems() : Map.of();
                if (!pending.isEmpty()) {
                    backOff(attempt, pending.get(table).size(), what);
                }
            }
        }
    }

    private static void backOff(int attempt, int left, String what) {
        if (attempt >= MAX_ATTEMPTS) {
            throw new IllegalStateException("DynamoDB left " + left + " " + what + " unprocessed after " + attempt
                    + " attempts (the table is throttled): the batch fails and is retried");
        }
        long ceiling = Math.min(1_000, 25L << Math.min(attempt - 1, 10));
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(ceiling + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while retrying unprocessed " + what, e);
        }
    }
}

package dev.eddy.state.dynamodb;

import dev.eddy.state.dynamodb.table.Capacity;
import dev.eddy.state.dynamodb.table.ItemSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * Conditional puts of key items, a compare-and-set on their version {@code ver}: a put succeeds only if the stored
 * item is still the one read ({@code ver = :read}, or {@code attribute_not_exists(pk)} for an item read as absent),
 * and writes {@code ver + 1}.
 *
 * <p>A batch's puts run in parallel on {@value #THREADS} daemon threads; only DynamoDB requests run there, never
 * the pipeline's code. Capacity: a successful put counts what DynamoDB reports; a put whose condition fails is
 * billed but reports nothing, so it counts the write units of the larger of the item written and the item read
 * (DynamoDB bills a {@code PutItem} by the larger of the old and the new item; the stored one is not known, the
 * one read is its best estimate), sized as {@link ItemSize} says.
 */
final class CompareAndSetWriter implements AutoCloseable {

    /** Threads writing items in parallel, per backend. */
    static final int THREADS = 8;
    /** The name of the writer threads. */
    static final String THREAD_NAME = "eddy-state-writer";

    private final DynamoDbClient client;
    private final String table;
    private final Capacity capacity;
    private final ExecutorService threads;

    CompareAndSetWriter(DynamoDbClient client, String table, Capacity capacity) {
        this.client = Objects.requireNonNull(client, "client");
        this.table = Objects.requireNonNull(table, "table");
        this.capacity = Objects.requireNonNull(capacity, "capacity");
        this.threads = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread thread = new Thread(runnable, THREAD_NAME);
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * One conditional put.
     *
     * @param expected the item as read, or {@code null} if it was absent
     * @param next the item to write, without its new version (set here)
     */
    record Put(Map<String, AttributeValue> expected, Map<String, AttributeValue> next) {
    }

    /**
     * Writes {@code put.next()} if the stored item is still {@code put.expected()} (by version).
     *
     * @param put the put
     * @return {@code true} if written, {@code false} on a conflict
     */
    boolean put(Put put) {
        Map<String, AttributeValue> expected = put.expected();
        Map<String, AttributeValue> next = put.next();
        long version = expected == null ? 0 : Long.parseLong(expected.get("ver").n());
        next.put("ver", AttributeValue.fromN(Long.toString(version + 1)));
        try {
            var response = client.putItem(b -> {
                b.tableName(table).item(next).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
                if (expected == null) {
                    b.conditionExpression("attribute_not_exists(pk)");
                } else {
                    b.conditionExpression("ver = :ver")
                            .expressionAttributeValues(Map.of(":ver", AttributeValue.fromN(Long.toString(version))));
                }
            });
            capacity.count(response.consumedCapacity(), true);
            return true;
        } catch (ConditionalCheckFailedException conflict) {
            long units = ItemSize.writeUnits(next);
            if (expected != null) {
                units = Math.max(units, ItemSize.writeUnits(expected));
            }
            capacity.addWriteUnits(units);
            return false;
        }
    }

    /**
     * Runs the puts in parallel on the writer threads (a single one on the calling thread) and waits for all.
     *
     * @param puts independent puts (distinct items)
     * @return for each put, in order, whether it was written
     * @throws RuntimeException the first failure other than a conflict, after every put ended
     */
    List<Boolean> putAll(List<Put> puts) {
        List<Boolean> won = new ArrayList<>(puts.size());
        if (puts.size() <= 1) {
            puts.forEach(put -> won.add(put(put)));
            return won;
        }
        List<CompletableFuture<Boolean>> futures = new ArrayList<>(puts.size());
        for (Put put : puts) {
            futures.add(CompletableFuture.supplyAsync(() -> put(put), threads));
        }
        RuntimeException failure = null;
        for (CompletableFuture<Boolean> future : futures) {
            try {
                won.add(future.join());
            } catch (CompletionException e) {
                won.add(false);
                if (failure == null) {
                    failure = e.getCause() instanceof RuntimeException runtime ? runtime
                            : new IllegalStateException("a state write failed: " + e.getCause(), e.getCause());
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
        return won;
    }

    /** Stops the writer threads (the client is closed by its owner). */
    @Override
    public void close() {
        threads.shutdown();
    }
}

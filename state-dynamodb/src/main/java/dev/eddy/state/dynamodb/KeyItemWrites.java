package dev.eddy.state.dynamodb;

import dev.eddy.state.StateConflictException;
import dev.eddy.state.dynamodb.table.BatchRequests;
import dev.eddy.state.dynamodb.table.Capacity;
import dev.eddy.state.dynamodb.table.ItemKey;
import dev.eddy.state.dynamodb.timers.Registration;
import dev.eddy.state.dynamodb.timers.TimerBuckets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * Reads a batch's key items and writes each once, with a compare-and-set ({@code docs/state.md}, "One batch",
 * steps 3 and 4):
 *
 * <ol>
 * <li>every item's change is computed from the item as read, on the calling thread;
 * <li>the timers the changes name are registered (a few bucket writes), so they are durable before any item names
 *     them;
 * <li>the items are written in parallel ({@link CompareAndSetWriter});
 * <li>each item that lost its compare-and-set to another writer is re-read, its change computed again and its
 *     timers registered, and written again, one item after the other on the calling thread, up to
 *     {@code maxAttempts} writes per item in all.
 * </ol>
 *
 * So the pipeline's code ({@link dev.eddy.state.KeyLogic}, called by a {@link Job}'s computation) runs only on the
 * thread that called the backend, never on a writer thread.
 */
final class KeyItemWrites {

    private final DynamoDbClient client;
    private final String table;
    private final Capacity capacity;
    private final CompareAndSetWriter writer;
    private final TimerBuckets timers;
    private final int maxAttempts;

    KeyItemWrites(DynamoDbClient client, String table, Capacity capacity, CompareAndSetWriter writer,
            TimerBuckets timers, int maxAttempts) {
        this.client = Objects.requireNonNull(client, "client");
        this.table = Objects.requireNonNull(table, "table");
        this.capacity = Objects.requireNonNull(capacity, "capacity");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.timers = Objects.requireNonNull(timers, "timers");
        this.maxAttempts = maxAttempts;
    }

    /**
     * One item's work in a batch: how to compute its change from the item as read ({@code null}: absent). Computed
     * again from a fresh read when its compare-and-set loses.
     *
     * @param item the item's key
     * @param key the state's key, for messages
     * @param compute the change, from the item as read; may call the pipeline's key logic
     */
    record Job(ItemKey item, String key, Function<Map<String, AttributeValue>, KeyChange> compute) {
    }

    /**
     * Reads items with strongly consistent {@code BatchGetItem}s, 100 keys a request, unprocessed keys asked for
     * again ({@link BatchRequests}).
     *
     * @param items the items' keys
     * @return the items found, by key; an absent item has no entry
     */
    Map<ItemKey, Map<String, AttributeValue>> readAll(Collection<ItemKey> items) {
        List<Map<String, AttributeValue>> keys = new ArrayList<>(items.size());
        items.forEach(item -> keys.add(item.attributes()));
        Map<ItemKey, Map<String, AttributeValue>> found = new HashMap<>();
        for (Map<String, AttributeValue> item : BatchRequests.get(client, table, keys, b -> b.consistentRead(true),
                capacity, "state items")) {
            found.put(ItemKey.of(item), item);
        }
        return found;
    }

    /**
     * @param item an item's key
     * @return the item, read with a strongly consistent {@code GetItem}, or {@code null} if absent
     */
    Map<String, AttributeValue> read(ItemKey item) {
        var response = client.getItem(b -> b.tableName(table).key(item.attributes()).consistentRead(true)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL));
        capacity.count(response.consumedCapacity(), false);
        return response.hasItem() && !response.item().isEmpty() ? response.item() : null;
    }

    /**
     * Computes, registers and writes every job's change, as the class comment says.
     *
     * @param jobs one per item, distinct items
     * @param read the items as read by {@link #readAll}
     * @param batch names the batch in the sort keys of the timer buckets it registers
     * @return each job's change as written (or as computed, when there was nothing to write), in job order
     * @throws StateConflictException if an item lost {@code maxAttempts} compare-and-sets
     */
    List<KeyChange> run(List<Job> jobs, Map<ItemKey, Map<String, AttributeValue>> read, String batch) {
        List<KeyChange> changes = new ArrayList<>(jobs.size());
        List<Registration> registrations = new ArrayList<>();
        for (Job job : jobs) {
            KeyChange change = job.compute().apply(read.get(job.item()));
            changes.add(change);
            registrations.addAll(change.timers());
        }
        timers.register(registrations, batch);
        List<Integer> writing = new ArrayList<>();
        List<CompareAndSetWriter.Put> puts = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            if (changes.get(i).written() != null) {
                writing.add(i);
                puts.add(new CompareAndSetWriter.Put(read.get(jobs.get(i).item()), changes.get(i).written()));
            }
        }
        List<Boolean> won = writer.putAll(puts);
        for (int w = 0; w < writing.size(); w++) {
            if (!won.get(w)) {
                int i = writing.get(w);
                changes.set(i, retry(jobs.get(i), batch));
            }
        }
        return changes;
    }

    /** Re-reads, recomputes, registers and writes an item that lost its first compare-and-set. */
    private KeyChange retry(Job job, String batch) {
        for (int attempt = 2; attempt <= maxAttempts; attempt++) {
            Map<String, AttributeValue> item = read(job.item());
            KeyChange change = job.compute().apply(item);
            timers.register(change.timers(), batch);
            if (change.written() == null || writer.put(new CompareAndSetWriter.Put(item, change.written()))) {
                return change;
            }
        }
        throw new StateConflictException("state of key '" + KeyItemCodec.shorten(job.key()) + "' changed under each"
                + " of " + maxAttempts + " compare-and-set attempts: another invocation (a duplicate or zombie, or"
                + " another shard with this key) keeps writing it; the batch fails and its retry applies each record"
                + " once");
    }
}

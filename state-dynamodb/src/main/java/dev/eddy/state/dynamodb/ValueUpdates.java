package dev.eddy.state.dynamodb;

import dev.eddy.state.BatchRange;
import dev.eddy.state.Firing;
import dev.eddy.state.KeyLogic;
import dev.eddy.state.KeyState;
import dev.eddy.state.KeyUpdate;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.StateBackend.Applied;
import dev.eddy.state.dynamodb.table.ItemKey;
import dev.eddy.state.dynamodb.table.StateTable;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A batch's values, applied to their keys' items ({@code docs/state.md}, "One batch", step 3): each key's item is
 * read, the values above the writing shard's entry in its {@code seqs} go through {@link KeyLogic#apply}, and the
 * item is written once with a compare-and-set ({@link KeyItemWrites}). Fencing by {@code seqs} makes a retry, a
 * duplicate or a zombie with any batch boundaries apply each record once.
 */
final class ValueUpdates {

    private final KeyItemWrites items;
    private final KeyItemCodec codec;
    /** Off only in the test that shows what fencing prevents. */
    private volatile boolean fencing = true;

    ValueUpdates(KeyItemWrites items, KeyItemCodec codec) {
        this.items = Objects.requireNonNull(items, "items");
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    /** Applies every value again, whatever was applied before: for the test that shows a retry double-counting. */
    void disableFencing() {
        fencing = false;
    }

    /**
     * @param shardId the writing shard
     * @param range the batch
     * @param updates at most one per key
     * @param logic the key logic, called on this thread
     * @return the touched keys' firings that belong to the batch, and the values refused per key
     * @throws IllegalArgumentException if two updates have the same key
     */
    Applied apply(String shardId, BatchRange range, List<KeyUpdate> updates, KeyLogic logic) {
        Map<ItemKey, KeyUpdate> byItem = new LinkedHashMap<>();
        for (KeyUpdate update : updates) {
            if (byItem.put(StateTable.stateItem(update.key()), update) != null) {
                throw new IllegalArgumentException("two updates of key '" + KeyItemCodec.shorten(update.key())
                        + "' in one batch: a key's state is one item written once per batch; pass one KeyUpdate per"
                        + " key with all its values in sequence-number order");
            }
        }
        Map<ItemKey, Map<String, AttributeValue>> read = items.readAll(byItem.keySet());
        List<KeyItemWrites.Job> jobs = new ArrayList<>();
        byItem.forEach((item, update) -> jobs.add(new KeyItemWrites.Job(item, update.key(),
                stored -> change(shardId, range, update, stored, logic))));
        List<KeyChange> changes = items.run(jobs, read, TimerFirings.batchName(range, ""));
        List<Firing> firings = new ArrayList<>();
        List<KeyUpdate> refused = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            KeyUpdate update = byItem.get(jobs.get(i).item());
            KeyChange change = changes.get(i);
            if (!change.refused().isEmpty()) {
                refused.add(new KeyUpdate(update.key(), change.refused(), update.partitionKey()));
            }
            firings.addAll(KeyItemCodec.firings(update.key(), change.result(), range));
        }
        return new Applied(firings, refused);
    }

    /** The change a key's values make to its item as read: fenced, then through the key logic. */
    private KeyChange change(String shardId, BatchRange range, KeyUpdate update, Map<String, AttributeValue> item,
            KeyLogic logic) {
        KeyItemCodec.checkKey(item, update.key());
        BigInteger applied = fencing ? KeyItemCodec.fence(item, shardId, range) : null;
        List<SequencedValue> fresh = update.values().stream()
                .filter(v -> applied == null || v.sequenceNumber().compareTo(applied) > 0)
                .toList();
        KeyState state = item == null ? null : KeyItemCodec.state(item);
        if (fresh.isEmpty()) {
            return KeyChange.none(state);
        }
        KeyLogic.Outcome outcome = logic.apply(update.key(), state, fresh);
        if (outcome.state() == null) {
            return new KeyChange(state, null, null, List.of(), outcome.refused());
        }
        return codec.build(new KeyItemCodec.Target(shardId, range, update.key(), update.partitionKey()), item, state,
                outcome.state(), fresh.get(fresh.size() - 1).sequenceNumber(), Set.of(), outcome.refused());
    }
}

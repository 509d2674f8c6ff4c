package dev.eddy.state.dynamodb;

import dev.eddy.state.BatchRange;
import dev.eddy.state.Firing;
import dev.eddy.state.KeyState;
import dev.eddy.state.StateBackend.Due;
import dev.eddy.state.dynamodb.fencing.SequenceNumbers;
import dev.eddy.state.dynamodb.table.ItemKey;
import dev.eddy.state.dynamodb.table.StateTable;
import dev.eddy.state.dynamodb.timers.DueTimer;
import dev.eddy.state.dynamodb.timers.DueTimers;
import dev.eddy.state.dynamodb.timers.TimerBuckets;
import dev.eddy.state.dynamodb.timers.TimerKind;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A shard's due timers, applied to their keys' items ({@code docs/state.md}, "One batch", step 4): per key, in
 * time order, a timer the item still names is applied (and any timer this makes due at once, such as a clean-up
 * at the same watermark, up to {@value #MAX_CASCADE}); a timer the item no longer names is stale and changes
 * nothing. Each key's item is written once, whatever the number of its due timers ({@link KeyItemWrites}).
 */
final class TimerFirings {

    /** Most timers of one key applied in one write (a timer whose firing makes the next one due at once). */
    static final int MAX_CASCADE = 100;

    private final TimerBuckets buckets;
    private final KeyItemWrites items;
    private final KeyItemCodec codec;

    TimerFirings(TimerBuckets buckets, KeyItemWrites items, KeyItemCodec codec) {
        this.buckets = Objects.requireNonNull(buckets, "buckets");
        this.items = Objects.requireNonNull(items, "items");
        this.codec = Objects.requireNonNull(codec, "codec");
    }

    /** What a due timer does to its key's state: the key logic, called on the backend's calling thread. */
    @FunctionalInterface
    interface OnTimer {
        /**
         * @param key the key
         * @param state its state
         * @param at the timer's time, ms
         * @return the new state
         */
        KeyState apply(String key, KeyState state, long at);
    }

    /**
     * @param range a batch
     * @param tag tells apart the writes of one batch ({@code ""} for values, {@code "t"} for timers)
     * @return the batch's name in timer bucket sort keys: its first sequence number as stored, and the tag
     */
    static String batchName(BatchRange range, String tag) {
        return SequenceNumbers.encode(range.first()) + tag;
    }

    /**
     * @param kind which timers
     * @param shardId the shard
     * @param range the batch
     * @param time the watermark or wall clock, ms
     * @param onTimer the key logic's handling of one timer
     * @return the firings of the batch among the keys woken, and the buckets handled
     */
    Due fire(TimerKind kind, String shardId, BatchRange range, long time, OnTimer onTimer) {
        DueTimers due = buckets.due(kind.bucketPk(shardId), time);
        if (due.buckets().isEmpty()) {
            return new Due(List.of(), List.of());
        }
        Map<ItemKey, List<DueTimer>> byItem = new LinkedHashMap<>();
        for (DueTimer timer : due.timers()) {
            byItem.computeIfAbsent(StateTable.stateItem(timer.entry().key()), i -> new ArrayList<>()).add(timer);
        }
        Map<ItemKey, Map<String, AttributeValue>> read = items.readAll(byItem.keySet());
        List<KeyItemWrites.Job> jobs = new ArrayList<>();
        byItem.forEach((item, timers) -> {
            String key = timers.get(0).entry().key();
            String partitionKey = timers.stream().map(t -> t.entry().partitionKey()).filter(Objects::nonNull)
                    .findFirst().orElse(null);
            KeyItemCodec.Target target = new KeyItemCodec.Target(shardId, range, key, partitionKey);
            jobs.add(new KeyItemWrites.Job(item, key, stored -> change(target, stored, timers, time, kind, onTimer)));
        });
        List<KeyChange> changes = items.run(jobs, read, batchName(range, "t"));
        List<Firing> firings = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            firings.addAll(KeyItemCodec.firings(jobs.get(i).key(), changes.get(i).result(), range));
        }
        return new Due(firings, due.buckets());
    }

    /** The change a key's due timers make, applied in time order to its item as read. */
    private KeyChange change(KeyItemCodec.Target target, Map<String, AttributeValue> item, List<DueTimer> timers,
            long time, TimerKind kind, OnTimer onTimer) {
        if (item == null) {
            return KeyChange.none(null); // expired by time to live
        }
        KeyItemCodec.checkKey(item, target.key());
        Function<KeyState, Long> current = kind == TimerKind.EVENT_TIME ? KeyState::timerMs
                : KeyState::processingTimerMs;
        KeyState before = KeyItemCodec.state(item);
        KeyState state = before;
        Set<Long> handled = new HashSet<>();
        for (DueTimer timer : timers) {
            handled.add(timer.at());
        }
        TreeSet<Long> queue = new TreeSet<>(handled);
        for (int steps = 0; !queue.isEmpty() && steps < MAX_CASCADE; steps++) {
            long at = queue.pollFirst();
            if (!Long.valueOf(at).equals(current.apply(state))) {
                continue; // stale: the item moved on
            }
            state = onTimer.apply(target.key(), state, at);
            Long following = current.apply(state);
            if (following != null && following <= time && following != at) {
                queue.add(following); // due at once: fire it in the same write
                handled.add(following);
            }
        }
        if (state == before) {
            return KeyChange.none(before);
        }
        return codec.build(target, item, before, state, null, handled, List.of());
    }
}

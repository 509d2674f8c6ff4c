package dev.eddy.state.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.eddy.state.Firing;
import dev.eddy.state.KeyUpdate;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.StateBackend.Due;
import dev.eddy.state.dynamodb.table.StateTable;
import dev.eddy.window.Window;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Timer buckets: registered once per (batch, due time) for the keys whose timer is new, due by a range query in
 * time order, per shard, cleared idempotently.
 */
class TimerBucketsTest extends BackendFixture {

    /** @return the entries of shard A's event-time buckets, one set per bucket in sort-key order */
    List<Set<String>> buckets() {
        return raw.query(b -> b.tableName(table).consistentRead(true).keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(StateTable.timerPk(SHARD_A)))))
                .items().stream().map(item -> Set.copyOf(item.get("entries").ss())).toList();
    }

    @Test
    void aTimerIsRegisteredOncePerBatchAndDueTimeForTheKeysWhoseTimerIsNew() {
        apply(SHARD_A, NOT_DUE, update("k", W, 1, 2), update("j", W, 3, 3));
        // the same windows again: the keys' timers did not move, nothing is registered
        apply(SHARD_A, NOT_DUE, update("k", W, 4, 4), update("j", W, 5, 5));
        apply(SHARD_A, NOT_DUE, update("i", new Window(20, 30), 6, 6));
        // a later window of k and i: their timers stay at the earliest window's end
        apply(SHARD_A, NOT_DUE, update("i", new Window(20, 30), 7, 7), update("k", new Window(10, 20), 8, 8));
        assertThat(buckets()).containsExactly(Set.of("|-|j", "|-|k"), Set.of("|-|i"));
        assertThat(fireAll(SHARD_B, 100).timers()).isEmpty();

        Due due = fireAll(SHARD_A, 100);
        assertThat(due.timers()).hasSize(2);
        // per key in time order; k's second window fires in the same write as its first (its timer came due at once)
        assertThat(due.firings()).extracting(Firing::key, Firing::window, Firing::accumulator).containsExactly(
                tuple("j", W, Long.toString(value(3) + value(5))),
                tuple("k", W, Long.toString(sumOfValues(1, 2) + value(4))),
                tuple("k", new Window(10, 20), Long.toString(value(8))),
                tuple("i", new Window(20, 30), Long.toString(sumOfValues(6, 7))));
        backend.clearTimers(SHARD_A, due.timers());
        assertThat(buckets()).isEmpty();
    }

    @Test
    void aWindowIsDueExactlyWhenTheWatermarkReachesEndMinusOne() {
        Window w = new Window(100, 110);
        apply(SHARD_A, NOT_DUE, update("k", w, 1, 3));
        assertThat(fireAt(108, 4).firings()).isEmpty();
        assertThat(fireAt(109, 5).firings()).containsExactly(firing("k", w, 0, sumOfValues(1, 3), 5));
    }

    @Test
    void dueTimersComeInTimeOrderThenKeyOrder() {
        // applied out of order, over several batches
        List<KeyUpdate> updates = List.of(
                update("c", new Window(20, 30), 1, 1),
                update("a", new Window(0, 10), 2, 3),
                update("b", new Window(10, 20), 4, 4),
                update("a2", new Window(20, 30), 5, 7),
                update("b2", new Window(0, 10), 8, 8),
                update("a3", new Window(30, 40), 9, 9),
                update("b3", new Window(25, 35), 10, 11));
        for (KeyUpdate u : updates) {
            apply(SHARD_A, NOT_DUE, u);
        }
        long watermark = 33;
        List<Firing> expected = updates.stream()
                .filter(u -> windowOf(u).maxTimestamp() <= watermark)
                .sorted(Comparator.comparingLong((KeyUpdate u) -> windowOf(u).endMs()).thenComparing(KeyUpdate::key))
                .map(u -> new Firing(u.key(), windowOf(u), 0, Long.toString(u.values().stream()
                        .mapToLong(v -> ((WindowSums.Element) v.value()).amount()).sum()), big(12)))
                .toList();

        Due due = fireAt(watermark, 12);

        assertThat(due.firings()).containsExactlyElementsOf(expected);
        assertThat(due.firings()).extracting(Firing::key).containsExactly("a", "b2", "b", "a2", "c");
        assertThat(due.timers()).hasSize(5);
    }

    static Window windowOf(KeyUpdate update) {
        return ((WindowSums.Element) update.values().get(0).value()).window();
    }

    @Test
    void maxWatermarkFiresEveryWindowUpToTheLargestEnd() {
        apply(SHARD_A, NOT_DUE,
                update("k1", new Window(Long.MIN_VALUE, Long.MIN_VALUE + 10), 1, 1),
                update("k2", new Window(0, 10), 2, 2),
                update("k3", new Window(Long.MAX_VALUE - 10, Long.MAX_VALUE), 3, 3),
                update("j", new Window(1_000_000_000_000L, 1_000_000_086_400L), 4, 4));
        assertThat(fireAll(SHARD_A, 5).firings())
                .extracting(Firing::key, f -> f.window().endMs())
                .containsExactly(
                        tuple("k1", Long.MIN_VALUE + 10),
                        tuple("k2", 10L),
                        tuple("j", 1_000_000_086_400L),
                        tuple("k3", Long.MAX_VALUE));
    }

    @Test
    void windowEndingAtLongMaxIsDueOneMillisecondEarlier() {
        Window last = new Window(Long.MAX_VALUE - 10, Long.MAX_VALUE);
        apply(SHARD_A, NOT_DUE, update("k", last, 1, 1));
        assertThat(fireAt(Long.MAX_VALUE - 2, 2).timers()).isEmpty();
        assertThat(fireAt(Long.MAX_VALUE - 1, 3).firings()).extracting(Firing::window).containsExactly(last);
    }

    @Test
    void negativeTimeWindowsOfOneKeyFireInOrderEachTimerRegisteredByTheWriteThatNamesIt() {
        List<SequencedValue> values = new ArrayList<>();
        values.addAll(update("k", new Window(0, 10), 1, 1).values());
        values.addAll(update("k", new Window(-10, 0), 2, 2).values());
        values.addAll(update("k", new Window(-30, -20), 3, 3).values());
        values.addAll(update("k", new Window(-20, -10), 4, 4).values());
        backend.applyUpdates(SHARD_A, range(1, 4), List.of(new KeyUpdate("k", values)), NOT_DUE);
        assertThat(stored("k").timerMs()).isEqualTo(-21L);

        assertThat(fireTo(-22, 5).firings()).isEmpty();
        assertThat(fireTo(-12, 6).firings()).extracting(Firing::window).containsExactly(new Window(-30, -20));
        assertThat(fireTo(-11, 7).firings()).extracting(Firing::window).containsExactly(new Window(-20, -10));
        assertThat(fireTo(-1, 8).firings()).extracting(Firing::window).containsExactly(new Window(-10, 0));
        assertThat(fireTo(Long.MIN_VALUE, 9).timers()).isEmpty();
        assertThat(fireAll(SHARD_A, 10).firings()).extracting(Firing::window).containsExactly(new Window(0, 10));
    }

    /** Fires shard A's timers due at a watermark and clears them. */
    Due fireTo(long watermark, long seq) {
        Due due = fireAt(watermark, seq);
        backend.clearTimers(SHARD_A, due.timers());
        return due;
    }

    @Test
    void timersBelongToTheShardThatNamedThem() {
        apply(SHARD_A, NOT_DUE, update("k", W, 1, 1));
        assertThat(fireAll(SHARD_B, 2).timers()).isEmpty();
        assertThat(fireAll(SHARD_A, 2).firings()).hasSize(1);
    }

    @Test
    void moreDueTimersThanOneBatchGetReadsAllFire() {
        // 130 keys: more than one BatchGetItem (100 keys) and several BatchWriteItem deletes (25)
        List<KeyUpdate> updates = new ArrayList<>();
        for (int i = 0; i < 130; i++) {
            updates.add(update("key-" + i, new Window(i * 10L, i * 10L + 10), i + 1, i + 1));
        }
        backend.applyUpdates(SHARD_A, range(1, 130), updates, NOT_DUE);
        Due due = fireAll(SHARD_A, 131);
        assertThat(due.firings()).extracting(Firing::key)
                .containsExactlyElementsOf(updates.stream().map(KeyUpdate::key).toList());
        assertThat(due.firings()).extracting(Firing::accumulator).containsExactlyElementsOf(
                updates.stream().map(u -> Long.toString(value(u.values().get(0).sequenceNumber().longValue())))
                        .collect(Collectors.toList()));
        assertThat(due.timers()).hasSize(130);
        backend.clearTimers(SHARD_A, due.timers());
        assertThat(fireAll(SHARD_A, 131).timers()).isEmpty();
    }

    @Test
    void clearTimersIsIdempotent() {
        apply(SHARD_A, NOT_DUE, update("k", W, 1, 1), update("j", W, 2, 2));
        Due due = fireAt(9, 3);
        // one bucket: one batch registered both timers, for the same time
        assertThat(due.timers()).hasSize(1);
        assertThat(due.firings()).hasSize(2);
        backend.clearTimers(SHARD_A, due.timers());
        backend.clearTimers(SHARD_A, due.timers());
        backend.clearTimers(SHARD_A, List.of());
        assertThat(fireAt(9, 3).timers()).isEmpty();
    }
}

package dev.eddy.state.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.state.KeyLogic;
import dev.eddy.state.KeyUpdate;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.StateBackend.Applied;
import dev.eddy.state.StateBackend.Due;
import dev.eddy.state.StateConflictException;
import dev.eddy.window.Window;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Fencing of a key's item: per (key, shard) sequence numbers make every record count once whatever the batch
 * boundaries of retries, duplicates and zombies; compare-and-set conflicts are re-read and applied again, a bounded
 * number of times; the key logic runs on the calling thread only.
 */
class KeyItemFencingTest extends BackendFixture {

    @Test
    void applyingTheSameUpdatesTwiceChangesNothing() {
        List<KeyUpdate> updates = List.of(update("k", W, 1, 4), update("j", W, 5, 6));
        backend.applyUpdates(SHARD_A, range(1, 6), updates, NOT_DUE);
        String afterFirst = storedSum("k", W);
        Recording second = new Recording(NOT_DUE);
        Applied again = backend.applyUpdates(SHARD_A, range(1, 6), updates, second);

        assertThat(afterFirst).isEqualTo(Long.toString(sumOfValues(1, 4)));
        assertThat(storedSum("k", W)).isEqualTo(afterFirst);
        assertThat(storedSum("j", W)).isEqualTo(Long.toString(sumOfValues(5, 6)));
        assertThat(second.seen).isEmpty();
        assertThat(again.firings()).isEmpty();
        assertThat(again.refused()).isEmpty();
    }

    @Test
    void retryWithOtherBatchBoundariesAppliesOnlyTheNewValues() {
        apply(SHARD_A, NOT_DUE, update("k", W, 1, 5));
        Recording retry = new Recording(NOT_DUE);
        apply(SHARD_A, retry, update("k", W, 3, 8));

        assertThat(retry.seen).containsExactly(6L, 7L, 8L);
        assertThat(storedSum("k", W)).isEqualTo(Long.toString(sumOfValues(1, 8)));
    }

    @Test
    void aRetryOfAnOlderPartAppliesNothing() {
        apply(SHARD_A, NOT_DUE, update("k", W, 1, 8));
        Recording retry = new Recording(NOT_DUE);
        apply(SHARD_A, retry, update("k", W, 2, 5));
        assertThat(retry.seen).isEmpty();
        assertThat(storedSum("k", W)).isEqualTo(Long.toString(sumOfValues(1, 8)));
    }

    @Test
    void eachKeyIsFencedOnItsOwn() {
        apply(SHARD_A, NOT_DUE, update("k", W, 1, 3));
        // a later batch: seq 4..6 go to k; seq 2..6 were never applied to j, whose records another key had
        apply(SHARD_A, NOT_DUE, update("k", W, 4, 6), update("j", W, 2, 6));
        assertThat(storedSum("k", W)).isEqualTo(Long.toString(sumOfValues(1, 6)));
        assertThat(storedSum("j", W)).isEqualTo(Long.toString(sumOfValues(2, 6)));
    }

    @Test
    void theWindowsOfAKeyShareItsFencing() {
        Window later = new Window(10, 20);
        List<SequencedValue> values = new ArrayList<>(update("k", W, 1, 2).values());
        values.addAll(update("k", later, 3, 4).values());
        backend.applyUpdates(SHARD_A, range(1, 4), List.of(new KeyUpdate("k", values)), NOT_DUE);
        // a retry that starts within the batch: only records above 4 are new, whatever their window
        Recording retry = new Recording(NOT_DUE);
        apply(SHARD_A, retry, join(update("k", W, 2, 2), update("k", later, 4, 5)));
        assertThat(retry.seen).containsExactly(5L);
        assertThat(storedSum("k", W)).isEqualTo(Long.toString(sumOfValues(1, 2)));
        assertThat(storedSum("k", later)).isEqualTo(Long.toString(sumOfValues(3, 5)));
    }

    @Test
    void twoShardsWritingTheSameItemKeepSeparateFencing() {
        apply(SHARD_A, NOT_DUE, update("k", W, 100, 105));
        // shard B's sequence numbers are lower than A's, yet none of them was applied
        apply(SHARD_B, NOT_DUE, update("k", W, 1, 3));
        assertThat(storedSum("k", W)).isEqualTo(Long.toString(sumOfValues(100, 105) + sumOfValues(1, 3)));

        // retries of either shard apply only what that shard has not applied
        apply(SHARD_B, NOT_DUE, update("k", W, 2, 4));
        apply(SHARD_A, NOT_DUE, update("k", W, 100, 105));
        assertThat(storedSum("k", W)).isEqualTo(Long.toString(sumOfValues(100, 105) + sumOfValues(1, 4)));
    }

    @Test
    void twoUpdatesOfOneKeyInOneCallAreRefused() {
        assertThatThrownBy(() -> apply(SHARD_A, NOT_DUE, update("k", W, 1, 1), update("k", W, 2, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'k'")
                .hasMessageContaining("one KeyUpdate per key");
        assertThat(stored("k")).isNull();
    }

    @Test
    void aConcurrentWriterIsReReadAndBothApply() {
        try (DynamoDbStateBackend other = new DynamoDbStateBackend(DynamoDbLocal.client(), table)) {
            AtomicInteger calls = new AtomicInteger();
            // shard B writes the item between this writer's read and its conditional write
            KeyLogic logic = interleaving(NOT_DUE, () -> {
                if (calls.getAndIncrement() == 0) {
                    other.applyUpdates(SHARD_B, range(50, 51), List.of(update("k", W, 50, 51)), NOT_DUE);
                }
            });
            apply(SHARD_A, NOT_DUE, update("k", W, 1, 2));
            apply(SHARD_A, logic, update("k", W, 3, 4));

            assertThat(calls).hasValue(2);
            assertThat(storedSum("k", W)).isEqualTo(Long.toString(sumOfValues(1, 4) + sumOfValues(50, 51)));
        }
    }

    @Test
    void aZombieOfTheSameShardDoesNotApplyTwice() {
        try (DynamoDbStateBackend zombie = new DynamoDbStateBackend(DynamoDbLocal.client(), table)) {
            AtomicInteger calls = new AtomicInteger();
            Recording live = new Recording(interleaving(at(100), () -> {
                if (calls.getAndIncrement() == 0) {
                    // a duplicate invocation applies the same batch while this one is between read and write
                    zombie.applyUpdates(SHARD_A, range(1, 6), List.of(update("k", W, 1, 6)), at(100));
                }
            }));
            Applied applied = apply(SHARD_A, live, update("k", W, 1, 6));

            assertThat(storedSum("k", W)).isEqualTo(Long.toString(sumOfValues(1, 6)));
            // the re-read found every value applied: the zombie's firing is the one this batch returns
            assertThat(live.seen).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(applied.firings()).containsExactly(firing("k", W, 0, sumOfValues(1, 6), 6));
            assertThat(window("k", W).firings()).isEqualTo(1);
        }
    }

    @Test
    void aWriterThatKeepsLosingGivesUpWithStateConflict() {
        AtomicInteger seq = new AtomicInteger(1000);
        try (DynamoDbStateBackend other = new DynamoDbStateBackend(DynamoDbLocal.client(), table)) {
            KeyLogic alwaysInterrupted = interleaving(NOT_DUE, () -> {
                long s = seq.incrementAndGet();
                other.applyUpdates(SHARD_B, range(s, s), List.of(update("k", W, s, s)), NOT_DUE);
            });
            apply(SHARD_A, NOT_DUE, update("k", W, 1, 1));
            assertThatThrownBy(() -> apply(SHARD_A, alwaysInterrupted, update("k", W, 2, 2)))
                    .isInstanceOf(StateConflictException.class)
                    .hasMessageContaining("'k'")
                    .hasMessageContaining(DynamoDbStateBackend.MAX_ATTEMPTS + " compare-and-set attempts");
        }
        // nothing of the losing writer was applied; every interrupting write was
        assertThat(storedSum("k", W)).isEqualTo(Long.toString(value(1) + sumOfValues(1001, seq.get())));
        assertThat(seq.get() - 1000).isEqualTo(DynamoDbStateBackend.MAX_ATTEMPTS);
    }

    @Test
    void aConcurrentWriterWhileATimerFiresIsReReadAndTheTimerFiresOnce() {
        apply(SHARD_A, NOT_DUE, update("k", W, 1, 2));
        try (DynamoDbStateBackend other = new DynamoDbStateBackend(DynamoDbLocal.client(), table)) {
            AtomicInteger calls = new AtomicInteger();
            // shard B (whose watermark lags) adds a value between the timer's read and its conditional write
            Recording firing = new Recording(interleaving(at(9), () -> {
                if (calls.getAndIncrement() == 0) {
                    other.applyUpdates(SHARD_B, range(50, 50), List.of(update("k", W, 50, 50)), NOT_DUE);
                }
            }));
            Due due = backend.fireDue(SHARD_A, range(3, 4, Map.of(9L, 4L)), 9, firing);

            assertThat(firing.timers).containsExactly(9L, 9L);
            assertThat(due.firings()).containsExactly(firing("k", W, 0, sumOfValues(1, 2) + value(50), 4));
            assertThat(window("k", W).firings()).isEqualTo(1);
        }
    }

    /**
     * The pipeline's code never runs on the backend's writer threads: every key's change is computed on the
     * calling thread, and so is a conflicting key's recomputation.
     */
    @Test
    void theKeyLogicRunsOnlyOnTheCallingThreadEvenAfterAConflict() {
        try (DynamoDbStateBackend other = new DynamoDbStateBackend(DynamoDbLocal.client(), table)) {
            AtomicInteger calls = new AtomicInteger();
            Recording logic = new Recording(interleaving(NOT_DUE, () -> {
                // shard B writes key "k3" after this writer read it: its first write conflicts
                if (calls.getAndIncrement() == 3) {
                    other.applyUpdates(SHARD_B, range(90, 90), List.of(update("k3", W, 90, 90)), NOT_DUE);
                }
            }));
            apply(SHARD_A, NOT_DUE, update("k3", W, 1, 1));
            List<KeyUpdate> updates = List.of(update("k0", W, 10, 10), update("k1", W, 11, 11),
                    update("k2", W, 12, 12), update("k3", W, 13, 13), update("k4", W, 14, 14));
            backend.applyUpdates(SHARD_A, range(10, 14), updates, logic);

            // five keys computed, and k3 once more after its conflict
            assertThat(logic.threads).hasSize(6).containsOnly(Thread.currentThread());
            assertThat(logic.seen).containsExactly(10L, 11L, 12L, 13L, 14L, 13L);
            assertThat(storedSum("k3", W)).isEqualTo(Long.toString(value(1) + value(90) + value(13)));

            // the same for timers: k3's timer fires again after shard B's write
            calls.set(0);
            Recording firing = new Recording(interleaving(at(9), () -> {
                if (calls.getAndIncrement() == 3) {
                    other.applyUpdates(SHARD_B, range(91, 91), List.of(update("k3", W, 91, 91)), NOT_DUE);
                }
            }));
            Due due = backend.fireDue(SHARD_A, range(20, 20, Map.of(9L, 20L)), 9, firing);
            assertThat(firing.threads).hasSize(6).containsOnly(Thread.currentThread());
            assertThat(due.firings()).hasSize(5);
        }
    }
}

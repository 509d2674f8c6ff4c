package dev.eddy.state.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.eddy.state.BatchRange;
import dev.eddy.state.StateBackend.Applied;
import dev.eddy.state.StateBackend.Due;
import dev.eddy.window.Window;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Firings kept in a key's item until committed: returned by the batch whose records caused them, again by its
 * retries, never by later batches; values the key logic refuses.
 */
class KeyItemFiringsTest extends BackendFixture {

    @Test
    void aWindowFiredWithinTheBatchThatTouchesItRegistersNoTimer() {
        // the batch's watermark (100) passed the window's end: it fires at once and, with no lateness, is done
        Applied applied = apply(SHARD_A, at(100), update("k", W, 1, 3));

        assertThat(applied.firings()).containsExactly(firing("k", W, 0, sumOfValues(1, 3), 3));
        assertThat(stored("k").cleanedUp()).isTrue();
        assertThat(fireAll(SHARD_A, 10).timers()).isEmpty();
    }

    @Test
    void aWindowFiredWithinItsBatchWithLatenessGetsOnlyItsCleanUpTimer() {
        Applied applied = apply(SHARD_A, at(20, 50), update("k", W, 1, 3));
        assertThat(applied.firings()).containsExactly(firing("k", W, 0, sumOfValues(1, 3), 3));

        // clean-up at end - 1 + lateness = 59
        Recording logic = new Recording(at(58, 50));
        Due notYet = backend.fireDue(SHARD_A, range(4, 5, Map.of(58L, 5L)), 58, logic);
        assertThat(notYet.timers()).isEmpty();
        Recording cleanup = new Recording(at(59, 50));
        Due due = backend.fireDue(SHARD_A, range(6, 7, Map.of(59L, 7L)), 59, cleanup);
        assertThat(cleanup.timers).containsExactly(59L);
        assertThat(due.firings()).isEmpty();
        assertThat(due.timers()).hasSize(1);
        assertThat(stored("k").cleanedUp()).isTrue();
        backend.clearTimers(SHARD_A, due.timers());
        assertThat(fireAll(SHARD_A, 10).timers()).isEmpty();
    }

    @Test
    void aWindowSpanningBatchesGetsATimerAtEndMinusOneAndFiresThroughFireDue() {
        Applied first = apply(SHARD_A, at(5), update("k", W, 1, 2));
        assertThat(first.firings()).isEmpty();
        assertThat(stored("k").timerMs()).isEqualTo(9L);
        apply(SHARD_A, at(7), update("k", W, 3, 3));

        Recording logic = new Recording(at(8));
        assertThat(backend.fireDue(SHARD_A, range(4, 5, Map.of(8L, 5L)), 8, logic).timers()).isEmpty();
        assertThat(logic.timers).isEmpty();

        // records 6..9: the watermark reached 9 after record 7, the record that made the window fire
        BatchRange range = range(6, 9, Map.of(8L, 6L, 10L, 7L, 12L, 9L));
        Recording firing = new Recording(at(12));
        Due due = backend.fireDue(SHARD_A, range, 12, firing);

        assertThat(firing.timers).containsExactly(9L);
        assertThat(due.firings()).containsExactly(firing("k", W, 0, sumOfValues(1, 3), 7));
        assertThat(due.timers()).hasSize(1);
        assertThat(window("k", W).firings()).isEqualTo(1);
    }

    @Test
    void firingsAreReturnedOnlyForTheirBatchAndAgainOnARetryOfIt() {
        Applied first = apply(SHARD_A, at(100, 1000), update("k", W, 1, 3));
        Applied retry = apply(SHARD_A, at(100, 1000), update("k", W, 1, 3));
        assertThat(first.firings()).containsExactly(firing("k", W, 0, sumOfValues(1, 3), 3));
        // a crash before the checkpoint: the retry re-emits the same firing (same number, same result)
        assertThat(retry.firings()).isEqualTo(first.firings());

        // a later batch with late values: one firing each, the full updated result, never firing 0 again
        Applied later = apply(SHARD_A, at(200, 1000), lateUpdate("k", W, 4, 6));
        assertThat(later.firings()).containsExactly(
                firing("k", W, 1, sumOfValues(1, 4), 4),
                firing("k", W, 2, sumOfValues(1, 5), 5),
                firing("k", W, 3, sumOfValues(1, 6), 6));
        assertThat(apply(SHARD_A, at(200, 1000), lateUpdate("k", W, 4, 6)).firings()).isEqualTo(later.firings());
        // the retry bisected after record 4 was committed: the second half returns only its own firings
        assertThat(apply(SHARD_A, at(200, 1000), lateUpdate("k", W, 5, 6)).firings())
                .containsExactly(firing("k", W, 2, sumOfValues(1, 5), 5), firing("k", W, 3, sumOfValues(1, 6), 6));
        // a batch that only touches the key returns none of them
        assertThat(backend.applyUpdates(SHARD_A, range(7, 8), List.of(lateUpdate("k", W, 1, 3)), at(200, 1000))
                .firings()).isEmpty();
        assertThat(apply(SHARD_A, at(200, 1000), lateUpdate("k", W, 7, 7)).firings())
                .containsExactly(firing("k", W, 4, sumOfValues(1, 7), 7));
    }

    @Test
    void aLongerRetryStillReturnsTheFiringsOfTheRecordsItReplays() {
        // batch 1..3 fired the window and crashed before its checkpoint; the retry brings records 1..6
        apply(SHARD_A, at(100, 1000), update("k", W, 1, 3));
        Applied retry = backend.applyUpdates(SHARD_A, range(1, 6),
                List.of(join(update("k", W, 1, 3), lateUpdate("k", W, 4, 5))), at(100, 1000));
        assertThat(retry.firings()).containsExactly(
                firing("k", W, 0, sumOfValues(1, 3), 3),
                firing("k", W, 1, sumOfValues(1, 4), 4),
                firing("k", W, 2, sumOfValues(1, 5), 5));
        assertThat(storedPending("k")).extracting(t -> t.toList().get(0)).containsExactly(0, 1, 2);
    }

    @Test
    void pendingFiringsOfEarlierBatchesAreDroppedOnTheNextWrite() {
        apply(SHARD_A, at(100, 1000), update("k", W, 1, 3));
        assertThat(storedPending("k")).containsExactly(tuple(0, Long.toString(sumOfValues(1, 3)), 3L));

        apply(SHARD_A, at(100, 1000), lateUpdate("k", W, 4, 5));
        // records 4..5 came after the batch of record 3 was committed: its firing is known to be emitted
        assertThat(storedPending("k")).containsExactly(tuple(1, Long.toString(sumOfValues(1, 4)), 4L),
                tuple(2, Long.toString(sumOfValues(1, 5)), 5L));

        backend.applyUpdates(SHARD_A, range(5, 6), List.of(lateUpdate("k", W, 6, 6)), at(100, 1000));
        assertThat(storedPending("k")).containsExactly(tuple(2, Long.toString(sumOfValues(1, 5)), 5L),
                tuple(3, Long.toString(sumOfValues(1, 6)), 6L));

        // a timer write drops them too
        Due due = backend.fireDue(SHARD_A, range(7, 7, Map.of(2000L, 7L)), 2000, at(2000, 1000));
        assertThat(due.firings()).isEmpty();
        assertThat(stored("k").pending()).isEmpty();
        assertThat(stored("k").cleanedUp()).isTrue();
    }

    @Test
    void aFireDueRetryReEmitsWithoutFiringAgainAndALaterBatchDoesNot() {
        apply(SHARD_A, at(5), update("k", W, 1, 2));
        BatchRange range = range(3, 4, Map.of(9L, 3L));
        Due first = backend.fireDue(SHARD_A, range, 9, at(9, 100));
        assertThat(first.firings()).containsExactly(firing("k", W, 0, sumOfValues(1, 2), 3));

        // crash before the timers were cleared: the retry finds the timer stale and returns the firing again
        Recording retry = new Recording(at(9, 100));
        Due again = backend.fireDue(SHARD_A, range, 9, retry);
        assertThat(retry.timers).isEmpty();
        assertThat(again.firings()).isEqualTo(first.firings());
        assertThat(again.timers()).isEqualTo(first.timers());

        // a later batch finds the same stale timer: cleared, nothing fired or returned
        Recording later = new Recording(at(10, 100));
        Due laterDue = backend.fireDue(SHARD_A, range(5, 6, Map.of(10L, 5L)), 10, later);
        assertThat(later.timers).isEmpty();
        assertThat(laterDue.firings()).isEmpty();
        assertThat(laterDue.timers()).isEqualTo(first.timers());
        backend.clearTimers(SHARD_A, laterDue.timers());
        assertThat(backend.fireDue(SHARD_A, range(7, 7, Map.of(10L, 7L)), 10, later).timers()).isEmpty();
        assertThat(window("k", W).firings()).isEqualTo(1);
    }

    @Test
    void aStaleTimerInTheBatchThatMovedTheKeyReturnsThatBatchsFirings() {
        apply(SHARD_A, at(5), update("k", W, 1, 2));
        // records 3..4: the window fires at the end of applyUpdates (watermark 30), its old timer is due too
        Applied applied = apply(SHARD_A, at(30), update("k", W, 3, 4));
        Recording logic = new Recording(at(30));
        Due due = backend.fireDue(SHARD_A, range(3, 4, Map.of(30L, 4L)), 30, logic);

        assertThat(applied.firings()).containsExactly(firing("k", W, 0, sumOfValues(1, 4), 4));
        assertThat(logic.timers).isEmpty();
        // the same firing: the processor emits each (key, window, firing) once
        assertThat(due.firings()).isEqualTo(applied.firings());
        assertThat(due.timers()).hasSize(1);
    }

    @Test
    void valuesForACleanedUpWindowAreRefusedAndTheKeysOtherValuesApplied() {
        Window open = new Window(200, 210);
        apply(SHARD_A, at(100), join(update("k", W, 1, 2), update("k", open, 3, 3)));
        assertThat(window("k", W).cleaned()).isTrue();

        Applied applied = apply(SHARD_A, at(100), join(lateUpdate("k", W, 4, 5), update("k", open, 6, 6)));
        assertThat(applied.refused()).containsExactly(lateUpdate("k", W, 4, 5));
        assertThat(applied.firings()).isEmpty();
        assertThat(storedSum("k", W)).isEqualTo(Long.toString(sumOfValues(1, 2)));
        assertThat(storedSum("k", open)).isEqualTo(Long.toString(value(3) + value(6)));
    }

    @Test
    void refusedValuesOfAKeyWithNothingToWriteAreRefusedAgainOnARetry() {
        apply(SHARD_A, at(100), update("k", W, 1, 2));
        Applied applied = apply(SHARD_A, at(100), lateUpdate("k", W, 3, 4));
        assertThat(applied.refused()).containsExactly(lateUpdate("k", W, 3, 4));
        // refused, not applied: the item is unchanged, so a retry refuses them again, and only values not applied
        Applied retry = backend.applyUpdates(SHARD_A, range(1, 4),
                List.of(join(update("k", W, 1, 2), lateUpdate("k", W, 3, 4))), at(100));
        assertThat(retry.refused()).containsExactly(lateUpdate("k", W, 3, 4));
        assertThat(storedSum("k", W)).isEqualTo(Long.toString(sumOfValues(1, 2)));
    }

    @Test
    void anOnTimeValueForAFiredWindowIsRefused() {
        Window later = new Window(1000, 1010);
        apply(SHARD_A, at(100, 1000), update("k", W, 1, 2));
        // shard B holds the same key (it does not follow the partition key) and its watermark lags behind A's
        Applied fromB = apply(SHARD_B, at(5, 1000), join(update("k", W, 5, 6), update("k", later, 7, 7)));
        assertThat(fromB.refused()).containsExactly(update("k", W, 5, 6));
        assertThat(fromB.firings()).isEmpty();
        assertThat(storedSum("k", W)).isEqualTo(Long.toString(sumOfValues(1, 2)));
        assertThat(storedSum("k", later)).isEqualTo(Long.toString(value(7)));
        assertThat(window("k", W).firings()).isEqualTo(1);

        // one on-time value refuses the window's values of the call: no window is half-applied
        Applied mixed = apply(SHARD_B, at(5, 1000), join(lateUpdate("k", W, 8, 8), update("k", W, 9, 9)));
        assertThat(mixed.refused()).hasSize(1);
        assertThat(mixed.refused().get(0).values()).hasSize(2);
        assertThat(storedSum("k", W)).isEqualTo(Long.toString(sumOfValues(1, 2)));
        // a late value is a late firing
        Applied late = apply(SHARD_B, at(100, 1000), lateUpdate("k", W, 10, 10));
        assertThat(late.firings()).containsExactly(firing("k", W, 1, sumOfValues(1, 2) + value(10), 10));
    }

    @Test
    void aLateValueForAWindowWhoseEndPassedBeforeAnyElementIsFiringZeroWithIt() {
        Applied applied = apply(SHARD_A, at(100, 1000), lateUpdate("k", W, 1, 2));
        assertThat(applied.firings()).containsExactly(firing("k", W, 0, value(1), 1),
                firing("k", W, 1, sumOfValues(1, 2), 2));
    }
}

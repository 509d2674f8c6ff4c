package dev.eddy.state.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.state.Firing;
import dev.eddy.state.KeyLogic;
import dev.eddy.state.KeyState;
import dev.eddy.state.KeyUpdate;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.StateBackend.Applied;
import dev.eddy.state.StateBackend.Due;
import dev.eddy.state.dynamodb.table.StateTable;
import dev.eddy.window.GlobalWindows;
import dev.eddy.window.Window;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What due timers do to a key's item: stale timers, cascades within one write, processing-time timers. */
class TimerFiringsTest extends BackendFixture {

    @Test
    void aStaleTimerIsClearedWithoutFiring() {
        // a firing timer at 9, then late values fire the window in a later batch and move its timer to 59
        apply(SHARD_A, at(5, 50), update("k", W, 1, 2));
        Applied late = apply(SHARD_A, at(20, 50), lateUpdate("k", W, 3, 3));
        assertThat(late.firings()).containsExactly(firing("k", W, 0, sumOfValues(1, 2), 3),
                firing("k", W, 1, sumOfValues(1, 3), 3));
        assertThat(stored("k").timerMs()).isEqualTo(59L);

        Recording logic = new Recording(at(20, 50));
        Due due = backend.fireDue(SHARD_A, range(4, 4, Map.of(20L, 4L)), 20, logic);
        assertThat(logic.timers).isEmpty();
        assertThat(due.firings()).isEmpty();
        assertThat(due.timers()).hasSize(1);
        backend.clearTimers(SHARD_A, due.timers());

        // the key's current timer is untouched: it cleans the window up at 59
        Recording cleanup = new Recording(at(59, 50));
        Due atCleanup = backend.fireDue(SHARD_A, range(5, 5, Map.of(59L, 5L)), 59, cleanup);
        assertThat(cleanup.timers).containsExactly(59L);
        assertThat(atCleanup.firings()).isEmpty();
        assertThat(stored("k").cleanedUp()).isTrue();
    }

    @Test
    void aTimerWhoseHandlingMakesTheNextOneDueAppliesItInTheSameWrite() {
        apply(SHARD_A, at(5, 50), update("k", W, 1, 2));
        double before = backend.usage().writeUnits();

        // the watermark jumps past both the firing (9) and the clean-up (59)
        Recording logic = new Recording(at(70, 50));
        Due due = backend.fireDue(SHARD_A, range(3, 4, Map.of(9L, 3L, 70L, 4L)), 70, logic);

        assertThat(logic.timers).containsExactly(9L, 59L);
        assertThat(due.firings()).containsExactly(firing("k", W, 0, sumOfValues(1, 2), 3));
        assertThat(stored("k").cleanedUp()).isTrue();
        // one conditional write of the key's item, no bucket for the clean-up it handled at once
        assertThat(backend.usage().writeUnits() - before).isEqualTo(1.0);
        backend.clearTimers(SHARD_A, due.timers());
        assertThat(fireAll(SHARD_A, 5).timers()).isEmpty();
    }

    @Test
    void aCascadeStopsAtTheFirstTimerNotDueWhichTheTimerWriteRegisters() {
        List<SequencedValue> values = new ArrayList<>();
        values.addAll(update("k", W, 1, 1).values());
        values.addAll(update("k", new Window(10, 20), 2, 2).values());
        values.addAll(update("k", new Window(100, 110), 3, 3).values());
        backend.applyUpdates(SHARD_A, range(1, 3), List.of(new KeyUpdate("k", values)), NOT_DUE);

        Recording logic = new Recording(at(19));
        Due due = backend.fireDue(SHARD_A, range(4, 4, Map.of(19L, 4L)), 19, logic);
        assertThat(logic.timers).containsExactly(9L, 19L);
        assertThat(due.firings()).extracting(Firing::window).containsExactly(W, new Window(10, 20));
        assertThat(stored("k").timerMs()).isEqualTo(109L);
        backend.clearTimers(SHARD_A, due.timers());

        assertThat(fireAt(108, 5).timers()).isEmpty();
        assertThat(fireAt(109, 6).firings()).containsExactly(firing("k", new Window(100, 110), 0, value(3), 6));
    }

    @Test
    void aTimerOfAnItemThatExpiredChangesNothing() {
        apply(SHARD_A, NOT_DUE, update("k", W, 1, 1));
        // DynamoDB's TTL deleted the item; its timer bucket is still there
        raw.deleteItem(b -> b.tableName(table).key(StateTable.stateItem("k").attributes()));
        Due due = fireAt(9, 2);
        assertThat(due.firings()).isEmpty();
        assertThat(due.timers()).hasSize(1);
        assertThat(stored("k")).isNull();
    }

    /**
     * A logic with a processing-time timer: values add up, and a reminder is due by the wall clock at
     * {@link #REMIND_AT}; it emits the sum (window: all time) and clears the timer.
     */
    static final class Reminder implements KeyLogic {
        static final long REMIND_AT = 5_000;

        @Override
        public Outcome apply(String key, KeyState stored, List<SequencedValue> fresh) {
            long sum = stored == null ? 0 : Long.parseLong(stored.accumulator());
            for (SequencedValue value : fresh) {
                sum += ((WindowSums.Element) value.value()).amount();
            }
            List<Firing> pending = stored == null ? List.of() : stored.pending();
            int firings = stored == null ? 0 : stored.firings();
            return new Outcome(new KeyState(Long.toString(sum), firings, pending, null, false, null, REMIND_AT),
                    List.of());
        }

        @Override
        public KeyState onTimer(String key, KeyState stored, long timerMs, BigInteger tag) {
            throw new AssertionError("no event-time timer");
        }

        @Override
        public KeyState onProcessingTimer(String key, KeyState stored, long timerMs, BigInteger tag) {
            List<Firing> pending = new ArrayList<>(stored.pending());
            pending.add(new Firing(key, GlobalWindows.ALL_TIME, stored.firings(), stored.accumulator(), tag));
            return new KeyState(stored.accumulator(), stored.firings() + 1, pending, null, false, null, null);
        }
    }

    @Test
    void processingTimeTimersAreDueByTheWallClockAndTaggedWithTheBatchsFirstRecord() {
        apply(SHARD_A, new Reminder(), update("k", W, 1, 2));
        assertThat(stored("k").processingTimerMs()).isEqualTo(Reminder.REMIND_AT);
        // not an event-time timer
        assertThat(backend.fireDue(SHARD_A, range(3, 3), Long.MAX_VALUE, new Reminder()).timers()).isEmpty();

        Recording early = new Recording(new Reminder());
        assertThat(backend.fireDueProcessingTime(SHARD_A, range(3, 4), Reminder.REMIND_AT - 1, early).timers())
                .isEmpty();
        Recording logic = new Recording(new Reminder());
        Due due = backend.fireDueProcessingTime(SHARD_A, range(3, 4), Reminder.REMIND_AT, logic);
        assertThat(logic.timers).containsExactly(Reminder.REMIND_AT);
        assertThat(due.firings()).containsExactly(
                new Firing("k", GlobalWindows.ALL_TIME, 0, Long.toString(sumOfValues(1, 2)), big(3)));
        assertThat(stored("k").processingTimerMs()).isNull();

        // a retry of the batch finds the timer stale and returns the same firing; a later batch does not
        Recording retry = new Recording(new Reminder());
        assertThat(backend.fireDueProcessingTime(SHARD_A, range(3, 4), 9_000, retry).firings())
                .isEqualTo(due.firings());
        assertThat(retry.timers).isEmpty();
        assertThat(backend.fireDueProcessingTime(SHARD_A, range(5, 5), 9_000, retry).firings()).isEmpty();
        backend.clearTimers(SHARD_A, due.timers());
        assertThat(backend.fireDueProcessingTime(SHARD_A, range(5, 5), Long.MAX_VALUE - 1, retry).timers()).isEmpty();
    }
}

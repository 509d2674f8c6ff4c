package dev.eddy.state.dynamodb;

import dev.eddy.metrics.Figures;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.eddy.state.BatchRange;
import dev.eddy.state.Firing;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.StateBackend.Applied;
import dev.eddy.state.StateBackend.Due;
import dev.eddy.state.StateConflictException;
import dev.eddy.state.KeyLogic;
import dev.eddy.state.KeyState;
import dev.eddy.state.KeyUpdate;
import dev.eddy.state.dynamodb.fencing.SequenceNumbers;
import dev.eddy.state.dynamodb.table.StateTable;
import dev.eddy.state.dynamodb.timers.TimerEntry;
import dev.eddy.window.Window;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The DynamoDB state backend against DynamoDB Local, a fresh table per test.
 *
 * <p>The window logic is {@link SumLogic}: the framework's event-time trigger with allowed lateness (the rules of
 * {@code dev.eddy.internal.KeyWindowsLogic}), summing {@code Long} values. Stored state is observed through
 * the SPI ({@link #stored}), not through item attributes, except in {@link Layout}.
 */
@ExtendWith(DynamoDbLocal.class)
class DynamoDbStateBackendTest {

    static final String SHARD_A = "shardId-000000000000";
    static final String SHARD_B = "shardId-000000000001";
    /** A shard that never writes: {@link #stored} reads through it. */
    static final String PROBE = "shardId-probe";

    /** Windows never due: the watermark has not moved. */
    static final SumLogic NOT_DUE = new SumLogic(Long.MIN_VALUE, 0);

    DynamoDbClient raw;
    String table;
    DynamoDbStateBackend backend;

    @BeforeEach
    void newTable() {
        table = DynamoDbLocal.newTable("state");
        raw = DynamoDbLocal.client();
        backend = new DynamoDbStateBackend(DynamoDbLocal.client(), table);
    }

    @AfterEach
    void close() {
        backend.close();
        raw.close();
    }

    // ---------------------------------------------------------------- window logic

    /**
     * Flink's event-time trigger with allowed lateness over a sum of {@code Long} values, as the framework's
     * {@code KeyWindowsLogic} decides it for each window: firing 0 when the watermark reaches {@code end − 1} (at the end of
     * the batch, or by a timer), one firing per late element, clean-up at {@code end − 1 + lateness}. The
     * accumulator is the sum's decimal text, e.g. {@code "12"}.
     */
    static class SumLogic implements KeyLogic {
        final long watermarkMs;
        final long latenessMs;

        SumLogic(long watermarkMs, long latenessMs) {
            this.watermarkMs = watermarkMs;
            this.latenessMs = latenessMs;
        }

        static long cleanupTime(Window window, long latenessMs) {
            long time = window.maxTimestamp() + latenessMs;
            return time < window.maxTimestamp() ? Long.MAX_VALUE : time;
        }

        @Override
        public KeyState onValues(String key, Window window, KeyState stored, List<SequencedValue> fresh) {
            if (stored != null && stored.cleanedUp()) {
                return null;
            }
            long sum = stored == null ? 0 : Long.parseLong(stored.accumulator());
            int firings = stored == null ? 0 : stored.firings();
            List<Firing> pending = new ArrayList<>(stored == null ? List.of() : stored.pending());
            boolean hasElements = stored != null;
            for (SequencedValue value : fresh) {
                if (!value.late() && firings > 0) {
                    return null;
                }
                if (value.late() && firings == 0 && hasElements) {
                    pending.add(new Firing(key, window, firings++, Long.toString(sum), value.sequenceNumber()));
                }
                sum += (Long) value.value();
                hasElements = true;
                if (value.late()) {
                    pending.add(new Firing(key, window, firings++, Long.toString(sum), value.sequenceNumber()));
                }
            }
            if (firings == 0 && window.maxTimestamp() <= watermarkMs) {
                pending.add(new Firing(key, window, firings++, Long.toString(sum),
                        fresh.get(fresh.size() - 1).sequenceNumber()));
            }
            return next(window, Long.toString(sum), firings, pending);
        }

        @Override
        public KeyState onTimer(String key, Window window, KeyState stored, long timerMs, BigInteger tag) {
            if (stored.cleanedUp()) {
                return stored;
            }
            int firings = stored.firings();
            List<Firing> pending = new ArrayList<>(stored.pending());
            if (firings == 0 && timerMs == window.maxTimestamp()) {
                pending.add(new Firing(key, window, firings++, stored.accumulator(), tag));
            }
            return next(window, stored.accumulator(), firings, pending);
        }

        KeyState next(Window window, String accumulator, int firings, List<Firing> pending) {
            if (firings == 0) {
                return new KeyState(accumulator, 0, pending, window.maxTimestamp(), false);
            }
            long cleanup = cleanupTime(window, latenessMs);
            if (cleanup <= watermarkMs) {
                return new KeyState(accumulator, firings, pending, null, true);
            }
            return new KeyState(accumulator, firings, pending, cleanup, false);
        }
    }

    /** Logic at a watermark, without allowed lateness. */
    static SumLogic at(long watermarkMs) {
        return new SumLogic(watermarkMs, 0);
    }

    /** Logic at a watermark, with allowed lateness. */
    static SumLogic at(long watermarkMs, long latenessMs) {
        return new SumLogic(watermarkMs, latenessMs);
    }

    /** A logic that records what it is asked, then delegates. */
    static final class Recording implements KeyLogic {
        final KeyLogic delegate;
        final List<Long> seen = new ArrayList<>();
        final List<Long> timers = new ArrayList<>();

        Recording(KeyLogic delegate) {
            this.delegate = delegate;
        }

        @Override
        public KeyState onValues(String key, Window window, KeyState stored, List<SequencedValue> fresh) {
            fresh.forEach(v -> seen.add(v.sequenceNumber().longValueExact()));
            return delegate.onValues(key, window, stored, fresh);
        }

        @Override
        public KeyState onTimer(String key, Window window, KeyState stored, long timerMs, BigInteger tag) {
            timers.add(timerMs);
            return delegate.onTimer(key, window, stored, timerMs, tag);
        }
    }

    /** A logic that runs an action before each {@code onValues} / {@code onTimer} call, then delegates. */
    static KeyLogic interleaving(KeyLogic delegate, Runnable beforeEachCall) {
        return new KeyLogic() {
            @Override
            public KeyState onValues(String key, Window window, KeyState stored, List<SequencedValue> fresh) {
                beforeEachCall.run();
                return delegate.onValues(key, window, stored, fresh);
            }

            @Override
            public KeyState onTimer(String key, Window window, KeyState stored, long timerMs,
                    BigInteger tag) {
                beforeEachCall.run();
                return delegate.onTimer(key, window, stored, timerMs, tag);
            }
        };
    }

    // ---------------------------------------------------------------- input

    /**
     * The value carried by the record with this sequence number: distinct squares, so a value applied twice or
     * skipped changes the sum.
     */
    static long value(long seq) {
        return seq * seq;
    }

    static long sumOfValues(long fromSeq, long toSeq) {
        long sum = 0;
        for (long seq = fromSeq; seq <= toSeq; seq++) {
            sum += value(seq);
        }
        return sum;
    }

    static String sum(long fromSeq, long toSeq) {
        return Long.toString(sumOfValues(fromSeq, toSeq));
    }

    static BigInteger big(long seq) {
        return BigInteger.valueOf(seq);
    }

    /** Values of records {@code fromSeq..toSeq}, on time. */
    static KeyUpdate update(String key, Window window, long fromSeq, long toSeq) {
        return update(key, window, fromSeq, toSeq, false);
    }

    /** Values of records {@code fromSeq..toSeq} that arrived after the watermark passed the window's end. */
    static KeyUpdate lateUpdate(String key, Window window, long fromSeq, long toSeq) {
        return update(key, window, fromSeq, toSeq, true);
    }

    static KeyUpdate update(String key, Window window, long fromSeq, long toSeq, boolean late) {
        List<SequencedValue> values = LongStream.rangeClosed(fromSeq, toSeq)
                .mapToObj(seq -> new SequencedValue(big(seq), value(seq), window.startMs(), late)).toList();
        return new KeyUpdate(key, window, values);
    }

    /** One update holding both updates' values, in order (the backend takes one update per key and window). */
    static KeyUpdate join(KeyUpdate a, KeyUpdate b) {
        List<SequencedValue> values = new ArrayList<>(a.values());
        values.addAll(b.values());
        return new KeyUpdate(a.key(), a.window(), values);
    }

    /** A batch of records {@code first..last} in which the watermark did not rise. */
    static BatchRange range(long first, long last) {
        return new BatchRange(big(first), big(last), new TreeMap<>());
    }

    /** A batch of records {@code first..last}; {@code steps}: watermark → the record that raised it there. */
    static BatchRange range(long first, long last, Map<Long, Long> steps) {
        TreeMap<Long, BigInteger> map = new TreeMap<>();
        steps.forEach((watermark, seq) -> map.put(watermark, big(seq)));
        return new BatchRange(big(first), big(last), map);
    }

    /** A batch range covering an update's records. */
    static BatchRange rangeOf(KeyUpdate... updates) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (KeyUpdate u : updates) {
            first = Math.min(first, u.values().get(0).sequenceNumber().longValueExact());
            last = Math.max(last, u.values().get(u.values().size() - 1).sequenceNumber().longValueExact());
        }
        return range(first, last);
    }

    /** Applies updates as one batch spanning their records. */
    Applied apply(String shardId, KeyLogic logic, KeyUpdate... updates) {
        return backend.applyUpdates(shardId, rangeOf(updates), List.of(updates), logic);
    }

    static Firing firing(String key, Window window, int number, long sum, long tag) {
        return new Firing(key, window, number, Long.toString(sum), big(tag));
    }

    /**
     * The stored state of a window, read through the SPI: a shard that never wrote offers a value, the logic
     * records the state it is given and refuses, so nothing is written.
     */
    KeyState stored(String key, Window window) {
        KeyState[] seen = new KeyState[1];
        boolean[] called = new boolean[1];
        KeyLogic probe = new KeyLogic() {
            @Override
            public KeyState onValues(String k, Window w, KeyState state, List<SequencedValue> fresh) {
                called[0] = true;
                seen[0] = state;
                return null;
            }

            @Override
            public KeyState onTimer(String k, Window w, KeyState state, long timerMs, BigInteger tag) {
                throw new AssertionError("no timer");
            }
        };
        BigInteger high = BigInteger.TEN.pow(120);
        backend.applyUpdates(PROBE, new BatchRange(high, high, new TreeMap<>()), List.of(new KeyUpdate(key, window,
                List.of(new SequencedValue(high, 0L, window.startMs(), false)))), probe);
        assertThat(called[0]).isTrue();
        return seen[0];
    }

    String storedAccumulator(String key, Window window) {
        KeyState state = stored(key, window);
        return state == null ? null : state.accumulator();
    }

    /** The stored pending firings as (firing, accumulator, tag). */
    List<org.assertj.core.groups.Tuple> storedPending(String key, Window window) {
        return stored(key, window).pending().stream()
                .map(f -> tuple(f.firing(), f.accumulator(), f.tag().longValueExact())).toList();
    }

    /** Fires every timer of a shard (end of input) with a fresh range; returns them and their firings. */
    Due fireAll(String shardId, long rangeSeq) {
        return backend.fireDue(shardId, range(rangeSeq, rangeSeq, Map.of(Long.MAX_VALUE, rangeSeq)), Long.MAX_VALUE,
                at(Long.MAX_VALUE));
    }

    // ---------------------------------------------------------------- tests

    @Nested
    class Fencing {

        final Window w = new Window(0, 10);

        @Test
        void applyingTheSameUpdatesTwiceChangesNothing() {
            List<KeyUpdate> updates = List.of(update("k", w, 1, 4), update("j", w, 2, 3));
            backend.applyUpdates(SHARD_A, range(1, 4), updates, NOT_DUE);
            String afterFirst = storedAccumulator("k", w);
            Recording second = new Recording(NOT_DUE);
            Applied again = backend.applyUpdates(SHARD_A, range(1, 4), updates, second);

            assertThat(afterFirst).isEqualTo(sum(1, 4));
            assertThat(storedAccumulator("k", w)).isEqualTo(afterFirst);
            assertThat(storedAccumulator("j", w)).isEqualTo(sum(2, 3));
            assertThat(second.seen).isEmpty();
            assertThat(again.firings()).isEmpty();
            assertThat(again.refused()).isEmpty();
        }

        @Test
        void retryWithOtherBatchBoundariesAppliesOnlyTheNewValues() {
            apply(SHARD_A, NOT_DUE, update("k", w, 1, 5));
            Recording retry = new Recording(NOT_DUE);
            apply(SHARD_A, retry, update("k", w, 3, 8));

            assertThat(retry.seen).containsExactly(6L, 7L, 8L);
            assertThat(storedAccumulator("k", w)).isEqualTo(sum(1, 8));
        }

        @Test
        void aRetryOfAnOlderPartAppliesNothing() {
            apply(SHARD_A, NOT_DUE, update("k", w, 1, 8));
            Recording retry = new Recording(NOT_DUE);
            apply(SHARD_A, retry, update("k", w, 2, 5));
            assertThat(retry.seen).isEmpty();
            assertThat(storedAccumulator("k", w)).isEqualTo(sum(1, 8));
        }

        @Test
        void eachItemIsFencedOnItsOwn() {
            Window other = new Window(10, 20);
            apply(SHARD_A, NOT_DUE, update("k", w, 1, 3));
            // a later batch: seq 4..6 go to w, seq 2..6 of another window were never applied to it
            apply(SHARD_A, NOT_DUE, update("k", w, 4, 6), update("k", other, 2, 6));
            assertThat(storedAccumulator("k", w)).isEqualTo(sum(1, 6));
            assertThat(storedAccumulator("k", other)).isEqualTo(sum(2, 6));
        }

        @Test
        void twoShardsWritingTheSameItemKeepSeparateFencing() {
            apply(SHARD_A, NOT_DUE, update("k", w, 100, 105));
            // shard B's sequence numbers are lower than A's, yet none of them was applied
            apply(SHARD_B, NOT_DUE, update("k", w, 1, 3));
            assertThat(storedAccumulator("k", w))
                    .isEqualTo(Long.toString(sumOfValues(100, 105) + sumOfValues(1, 3)));

            // retries of either shard apply only what that shard has not applied
            apply(SHARD_B, NOT_DUE, update("k", w, 2, 4));
            apply(SHARD_A, NOT_DUE, update("k", w, 100, 105));
            assertThat(storedAccumulator("k", w))
                    .isEqualTo(Long.toString(sumOfValues(100, 105) + sumOfValues(1, 4)));
        }

        @Test
        void aConcurrentWriterIsReReadAndBothApply() {
            DynamoDbStateBackend other = new DynamoDbStateBackend(DynamoDbLocal.client(), table);
            AtomicInteger calls = new AtomicInteger();
            // shard B writes the item between this writer's read and its conditional write
            KeyLogic logic = interleaving(NOT_DUE, () -> {
                if (calls.getAndIncrement() == 0) {
                    other.applyUpdates(SHARD_B, range(50, 51), List.of(update("k", w, 50, 51)), NOT_DUE);
                }
            });
            apply(SHARD_A, NOT_DUE, update("k", w, 1, 2));
            apply(SHARD_A, logic, update("k", w, 3, 4));
            other.close();

            assertThat(calls).hasValue(2);
            assertThat(storedAccumulator("k", w)).isEqualTo(Long.toString(sumOfValues(1, 4) + sumOfValues(50, 51)));
        }

        @Test
        void aZombieOfTheSameShardDoesNotApplyTwice() {
            DynamoDbStateBackend zombie = new DynamoDbStateBackend(DynamoDbLocal.client(), table);
            AtomicInteger calls = new AtomicInteger();
            Recording live = new Recording(interleaving(at(100), () -> {
                if (calls.getAndIncrement() == 0) {
                    // a duplicate invocation applies the same batch while this one is between read and write
                    zombie.applyUpdates(SHARD_A, range(1, 6), List.of(update("k", w, 1, 6)), at(100));
                }
            }));
            Applied applied = apply(SHARD_A, live, update("k", w, 1, 6));
            zombie.close();

            assertThat(storedAccumulator("k", w)).isEqualTo(sum(1, 6));
            // the re-read found every value applied: the zombie's firing is the one this batch returns
            assertThat(live.seen).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(applied.firings()).containsExactly(firing("k", w, 0, sumOfValues(1, 6), 6));
            assertThat(stored("k", w).firings()).isEqualTo(1);
        }

        @Test
        void aWriterThatKeepsLosingGivesUpWithStateConflict() {
            DynamoDbStateBackend other = new DynamoDbStateBackend(DynamoDbLocal.client(), table);
            AtomicInteger seq = new AtomicInteger(1000);
            KeyLogic alwaysInterrupted = interleaving(NOT_DUE, () -> {
                long s = seq.incrementAndGet();
                other.applyUpdates(SHARD_B, range(s, s), List.of(update("k", w, s, s)), NOT_DUE);
            });
            apply(SHARD_A, NOT_DUE, update("k", w, 1, 1));
            assertThatThrownBy(() -> apply(SHARD_A, alwaysInterrupted, update("k", w, 2, 2)))
                    .isInstanceOf(StateConflictException.class)
                    .hasMessageContaining("'k'");
            other.close();
            // nothing of the losing writer was applied; every interrupting write was
            assertThat(storedAccumulator("k", w)).isEqualTo(Long.toString(value(1) + sumOfValues(1001, seq.get())));
            assertThat(seq.get() - 1000).isEqualTo(DynamoDbStateBackend.MAX_ATTEMPTS);
        }

        @Test
        void aConcurrentWriterWhileATimerFiresIsReReadAndTheTimerFiresOnce() {
            DynamoDbStateBackend other = new DynamoDbStateBackend(DynamoDbLocal.client(), table);
            apply(SHARD_A, NOT_DUE, update("k", w, 1, 2));
            AtomicInteger calls = new AtomicInteger();
            // shard B (whose watermark lags) adds a value between the timer's read and its conditional write
            Recording firing = new Recording(interleaving(at(9), () -> {
                if (calls.getAndIncrement() == 0) {
                    other.applyUpdates(SHARD_B, range(50, 50), List.of(update("k", w, 50, 50)), NOT_DUE);
                }
            }));
            Due due = backend.fireDue(SHARD_A, range(3, 4, Map.of(9L, 4L)), 9, firing);
            other.close();

            assertThat(firing.timers).containsExactly(9L, 9L);
            assertThat(due.firings()).containsExactly(firing("k", w, 0, sumOfValues(1, 2) + value(50), 4));
            assertThat(stored("k", w).firings()).isEqualTo(1);
        }

        @Test
        void tooLargeAnAccumulatorIsRefusedWithAClearMessage() {
            String huge = "\"" + "x".repeat(DynamoDbStateBackend.MAX_ACCUMULATOR_BYTES) + "\"";
            KeyLogic logic = new SumLogic(Long.MIN_VALUE, 0) {
                @Override
                public KeyState onValues(String key, Window window, KeyState stored,
                        List<SequencedValue> fresh) {
                    return new KeyState(huge, 0, List.of(), window.maxTimestamp(), false);
                }
            };
            assertThatThrownBy(() -> apply(SHARD_A, logic, update("k", w, 1, 1)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("400 KB")
                    .hasMessageContaining("'k'");
            assertThat(stored("k", w)).isNull();
        }

        @Test
        void pendingFiringsCountTowardsTheItemLimit() {
            String half = "\"" + "x".repeat(DynamoDbStateBackend.MAX_ACCUMULATOR_BYTES / 2 + 10) + "\"";
            KeyLogic logic = new SumLogic(Long.MIN_VALUE, 0) {
                @Override
                public KeyState onValues(String key, Window window, KeyState stored,
                        List<SequencedValue> fresh) {
                    return new KeyState(half, 1, List.of(new Firing(key, window, 0, half, big(1))), null, false);
                }
            };
            assertThatThrownBy(() -> apply(SHARD_A, logic, update("k", w, 1, 1)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("400 KB");
            assertThat(stored("k", w)).isNull();
        }
    }

    @Nested
    class Firings {

        final Window w = new Window(0, 10);

        @Test
        void aWindowFiredWithinTheBatchThatTouchesItRegistersNoTimer() {
            // the batch's watermark (100) passed the window's end: it fires at once and, with no lateness, is done
            Applied applied = apply(SHARD_A, at(100), update("k", w, 1, 3));

            assertThat(applied.firings()).containsExactly(firing("k", w, 0, sumOfValues(1, 3), 3));
            assertThat(stored("k", w).cleanedUp()).isTrue();
            assertThat(fireAll(SHARD_A, 10).timers()).isEmpty();
        }

        @Test
        void aWindowFiredWithinItsBatchWithLatenessGetsOnlyItsCleanUpTimer() {
            Applied applied = apply(SHARD_A, at(20, 50), update("k", w, 1, 3));
            assertThat(applied.firings()).containsExactly(firing("k", w, 0, sumOfValues(1, 3), 3));

            // clean-up at end - 1 + lateness = 59
            Recording logic = new Recording(at(58, 50));
            Due notYet = backend.fireDue(SHARD_A, range(4, 5, Map.of(58L, 5L)), 58, logic);
            assertThat(notYet.timers()).isEmpty();
            Recording cleanup = new Recording(at(59, 50));
            Due due = backend.fireDue(SHARD_A, range(6, 7, Map.of(59L, 7L)), 59, cleanup);
            assertThat(cleanup.timers).containsExactly(59L);
            assertThat(due.firings()).isEmpty();
            assertThat(due.timers()).hasSize(1);
            assertThat(stored("k", w).cleanedUp()).isTrue();
            backend.clearTimers(SHARD_A, due.timers());
            assertThat(fireAll(SHARD_A, 10).timers()).isEmpty();
        }

        @Test
        void aWindowSpanningBatchesGetsATimerAtEndMinusOneAndFiresThroughFireDue() {
            Applied first = apply(SHARD_A, at(5), update("k", w, 1, 2));
            assertThat(first.firings()).isEmpty();
            assertThat(stored("k", w).timerMs()).isEqualTo(9L);
            apply(SHARD_A, at(7), update("k", w, 3, 3));

            Recording logic = new Recording(at(8));
            assertThat(backend.fireDue(SHARD_A, range(4, 5, Map.of(8L, 5L)), 8, logic).timers()).isEmpty();
            assertThat(logic.timers).isEmpty();

            // records 6..9: the watermark reached 9 after record 7, the record that made the window fire
            BatchRange range = range(6, 9, Map.of(8L, 6L, 10L, 7L, 12L, 9L));
            Recording firing = new Recording(at(12));
            Due due = backend.fireDue(SHARD_A, range, 12, firing);

            assertThat(firing.timers).containsExactly(9L);
            assertThat(due.firings()).containsExactly(firing("k", w, 0, sumOfValues(1, 3), 7));
            assertThat(due.timers()).hasSize(1);
            assertThat(stored("k", w).firings()).isEqualTo(1);
        }

        @Test
        void firingsAreReturnedOnlyForTheirBatchAndAgainOnARetryOfIt() {
            Applied first = apply(SHARD_A, at(100, 1000), update("k", w, 1, 3));
            Applied retry = apply(SHARD_A, at(100, 1000), update("k", w, 1, 3));
            assertThat(first.firings()).containsExactly(firing("k", w, 0, sumOfValues(1, 3), 3));
            // a crash before the checkpoint: the retry re-emits the same firing (same number, same result)
            assertThat(retry.firings()).isEqualTo(first.firings());

            // a later batch with late values: one firing each, the full updated result, never firing 0 again
            Applied later = apply(SHARD_A, at(200, 1000), lateUpdate("k", w, 4, 6));
            assertThat(later.firings()).containsExactly(
                    firing("k", w, 1, sumOfValues(1, 4), 4),
                    firing("k", w, 2, sumOfValues(1, 5), 5),
                    firing("k", w, 3, sumOfValues(1, 6), 6));
            assertThat(apply(SHARD_A, at(200, 1000), lateUpdate("k", w, 4, 6)).firings())
                    .isEqualTo(later.firings());
            // the retry bisected after record 4 was committed: the second half returns only its own firings
            assertThat(apply(SHARD_A, at(200, 1000), lateUpdate("k", w, 5, 6)).firings())
                    .containsExactly(firing("k", w, 2, sumOfValues(1, 5), 5), firing("k", w, 3, sumOfValues(1, 6), 6));
            // a batch that only touches the window returns none of them
            assertThat(backend.applyUpdates(SHARD_A, range(7, 8), List.of(lateUpdate("k", w, 1, 3)), at(200, 1000))
                    .firings()).isEmpty();
            assertThat(apply(SHARD_A, at(200, 1000), lateUpdate("k", w, 7, 7)).firings())
                    .containsExactly(firing("k", w, 4, sumOfValues(1, 7), 7));
        }

        @Test
        void aLongerRetryStillReturnsTheFiringsOfTheRecordsItReplays() {
            // batch 1..3 fired the window and crashed before its checkpoint; the retry brings records 1..6
            apply(SHARD_A, at(100, 1000), update("k", w, 1, 3));
            Applied retry = backend.applyUpdates(SHARD_A, range(1, 6),
                    List.of(join(update("k", w, 1, 3), lateUpdate("k", w, 4, 5))), at(100, 1000));
            assertThat(retry.firings()).containsExactly(
                    firing("k", w, 0, sumOfValues(1, 3), 3),
                    firing("k", w, 1, sumOfValues(1, 4), 4),
                    firing("k", w, 2, sumOfValues(1, 5), 5));
            assertThat(storedPending("k", w)).extracting(t -> t.toList().get(0)).containsExactly(0, 1, 2);
        }

        @Test
        void pendingFiringsOfEarlierBatchesAreDroppedOnTheNextWrite() {
            apply(SHARD_A, at(100, 1000), update("k", w, 1, 3));
            assertThat(storedPending("k", w)).containsExactly(tuple(0, sum(1, 3), 3L));

            apply(SHARD_A, at(100, 1000), lateUpdate("k", w, 4, 5));
            // records 4..5 came after the batch of record 3 was committed: its firing is known to be emitted
            assertThat(storedPending("k", w)).containsExactly(tuple(1, sum(1, 4), 4L), tuple(2, sum(1, 5), 5L));

            backend.applyUpdates(SHARD_A, range(5, 6), List.of(lateUpdate("k", w, 6, 6)), at(100, 1000));
            assertThat(storedPending("k", w)).containsExactly(tuple(2, sum(1, 5), 5L), tuple(3, sum(1, 6), 6L));

            // a timer write drops them too
            Due due = backend.fireDue(SHARD_A, range(7, 7, Map.of(2000L, 7L)), 2000, at(2000, 1000));
            assertThat(due.firings()).isEmpty();
            assertThat(stored("k", w).pending()).isEmpty();
            assertThat(stored("k", w).cleanedUp()).isTrue();
        }

        @Test
        void aFireDueRetryReEmitsWithoutFiringAgainAndALaterBatchDoesNot() {
            apply(SHARD_A, at(5), update("k", w, 1, 2));
            BatchRange range = range(3, 4, Map.of(9L, 3L));
            Due first = backend.fireDue(SHARD_A, range, 9, at(9, 100));
            assertThat(first.firings()).containsExactly(firing("k", w, 0, sumOfValues(1, 2), 3));

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
            assertThat(stored("k", w).firings()).isEqualTo(1);
        }

        @Test
        void aStaleTimerIsClearedWithoutFiring() {
            // a firing timer at 9, then late values fire the window in a later batch and move its timer to 59
            apply(SHARD_A, at(5, 50), update("k", w, 1, 2));
            Applied late = apply(SHARD_A, at(20, 50), lateUpdate("k", w, 3, 3));
            assertThat(late.firings()).containsExactly(firing("k", w, 0, sumOfValues(1, 2), 3),
                    firing("k", w, 1, sumOfValues(1, 3), 3));
            assertThat(stored("k", w).timerMs()).isEqualTo(59L);

            Recording logic = new Recording(at(20, 50));
            Due due = backend.fireDue(SHARD_A, range(4, 4, Map.of(20L, 4L)), 20, logic);
            assertThat(logic.timers).isEmpty();
            assertThat(due.firings()).isEmpty();
            assertThat(due.timers()).hasSize(1);
            backend.clearTimers(SHARD_A, due.timers());

            // the window's current timer is untouched: it cleans the window up at 59
            Recording cleanup = new Recording(at(59, 50));
            Due atCleanup = backend.fireDue(SHARD_A, range(5, 5, Map.of(59L, 5L)), 59, cleanup);
            assertThat(cleanup.timers).containsExactly(59L);
            assertThat(atCleanup.firings()).isEmpty();
            assertThat(stored("k", w).cleanedUp()).isTrue();
        }

        @Test
        void aStaleTimerInTheBatchThatMovedTheWindowReturnsThatBatchsFirings() {
            apply(SHARD_A, at(5), update("k", w, 1, 2));
            // records 3..4: the window fires at the end of applyUpdates (watermark 30), its old timer is due too
            Applied applied = apply(SHARD_A, at(30), update("k", w, 3, 4));
            Recording logic = new Recording(at(30));
            Due due = backend.fireDue(SHARD_A, range(3, 4, Map.of(30L, 4L)), 30, logic);

            assertThat(applied.firings()).containsExactly(firing("k", w, 0, sumOfValues(1, 4), 4));
            assertThat(logic.timers).isEmpty();
            // the same firing: the processor emits each (key, window, firing) once
            assertThat(due.firings()).isEqualTo(applied.firings());
            assertThat(due.timers()).hasSize(1);
        }

        @Test
        void valuesForACleanedUpWindowAreRefused() {
            apply(SHARD_A, at(100), update("k", w, 1, 2));
            Window open = new Window(200, 210);
            Applied applied = apply(SHARD_A, at(100), lateUpdate("k", w, 3, 4), update("k", open, 5, 5));

            assertThat(applied.refused()).containsExactly(lateUpdate("k", w, 3, 4));
            assertThat(applied.firings()).isEmpty();
            assertThat(storedAccumulator("k", w)).isEqualTo(sum(1, 2));
            assertThat(storedAccumulator("k", open)).isEqualTo(sum(5, 5));
            // refused, not applied: a retry refuses them again, and only values not applied before
            Applied retry = backend.applyUpdates(SHARD_A, range(1, 4),
                    List.of(join(update("k", w, 1, 2), lateUpdate("k", w, 3, 4))), at(100));
            assertThat(retry.refused()).containsExactly(lateUpdate("k", w, 3, 4));
        }

        @Test
        void anOnTimeValueForAFiredWindowIsRefused() {
            apply(SHARD_A, at(100, 1000), update("k", w, 1, 2));
            // shard B holds the same key (it does not follow the partition key) and its watermark lags behind A's
            Applied fromB = apply(SHARD_B, at(5, 1000), update("k", w, 5, 6), update("k", new Window(10, 20), 7, 7));
            assertThat(fromB.refused()).containsExactly(update("k", w, 5, 6));
            assertThat(fromB.firings()).isEmpty();
            assertThat(storedAccumulator("k", w)).isEqualTo(sum(1, 2));
            assertThat(stored("k", w).firings()).isEqualTo(1);

            // one on-time value refuses the whole update: no state is half-applied
            Applied mixed = apply(SHARD_B, at(5, 1000), join(lateUpdate("k", w, 8, 8), update("k", w, 9, 9)));
            assertThat(mixed.refused()).hasSize(1);
            assertThat(storedAccumulator("k", w)).isEqualTo(sum(1, 2));
            // a late value is a late firing
            Applied late = apply(SHARD_B, at(100, 1000), lateUpdate("k", w, 10, 10));
            assertThat(late.firings()).containsExactly(firing("k", w, 1, sumOfValues(1, 2) + value(10), 10));
        }

        @Test
        void aLateValueForAWindowWhoseEndPassedBeforeAnyElementIsFiringZeroWithIt() {
            Applied applied = apply(SHARD_A, at(100, 1000), lateUpdate("k", w, 1, 2));
            assertThat(applied.firings()).containsExactly(firing("k", w, 0, value(1), 1),
                    firing("k", w, 1, sumOfValues(1, 2), 2));
        }

        @Test
        void clearTimersIsIdempotent() {
            apply(SHARD_A, NOT_DUE, update("k", w, 1, 1), update("j", w, 2, 2));
            Due due = backend.fireDue(SHARD_A, range(3, 3, Map.of(9L, 3L)), 9, at(9));
            // one bucket: one batch registered both timers, for the same time
            assertThat(due.timers()).hasSize(1);
            assertThat(due.firings()).hasSize(2);
            backend.clearTimers(SHARD_A, due.timers());
            backend.clearTimers(SHARD_A, due.timers());
            backend.clearTimers(SHARD_A, List.of());
            assertThat(backend.fireDue(SHARD_A, range(3, 3, Map.of(9L, 3L)), 9, at(9)).timers()).isEmpty();
        }
    }

    @Nested
    class Timers {

        @Test
        void aTimerIsRegisteredOncePerNewWindow() {
            apply(SHARD_A, NOT_DUE, update("k", new Window(0, 10), 1, 2), update("k", new Window(10, 20), 3, 3),
                    update("j", new Window(0, 10), 4, 4));
            apply(SHARD_A, NOT_DUE, update("k", new Window(0, 10), 5, 6), update("j", new Window(0, 10), 7, 7));
            apply(SHARD_A, NOT_DUE, update("j", new Window(20, 30), 8, 8));
            assertThat(fireAll(SHARD_B, 100).timers()).isEmpty();
            Due due = fireAll(SHARD_A, 100);
            // 4 timers in 3 buckets, one per (registering batch, due time): (1st, 9), (1st, 19), (3rd, 29)
            assertThat(due.timers()).hasSize(3);
            assertThat(due.firings()).extracting(Firing::key, Firing::window, Firing::accumulator).containsExactly(
                    tuple("j", new Window(0, 10), Long.toString(value(4) + value(7))),
                    tuple("k", new Window(0, 10), Long.toString(sumOfValues(1, 2) + sumOfValues(5, 6))),
                    tuple("k", new Window(10, 20), sum(3, 3)),
                    tuple("j", new Window(20, 30), sum(8, 8)));
        }

        @Test
        void aWindowIsDueExactlyWhenTheWatermarkReachesEndMinusOne() {
            Window w = new Window(100, 110);
            apply(SHARD_A, NOT_DUE, update("k", w, 1, 3));
            assertThat(backend.fireDue(SHARD_A, range(4, 4, Map.of(108L, 4L)), 108, at(108)).firings()).isEmpty();
            assertThat(backend.fireDue(SHARD_A, range(5, 5, Map.of(109L, 5L)), 109, at(109)).firings())
                    .containsExactly(firing("k", w, 0, sumOfValues(1, 3), 5));
        }

        @Test
        void dueTimersComeInTimeOrder() {
            // applied out of order, over several batches
            List<KeyUpdate> updates = List.of(
                    update("c", new Window(20, 30), 1, 1),
                    update("a", new Window(0, 10), 2, 3),
                    update("b", new Window(10, 20), 4, 4),
                    update("a", new Window(20, 30), 5, 7),
                    update("b", new Window(0, 10), 8, 8),
                    update("a", new Window(30, 40), 9, 9),
                    update("b", new Window(25, 35), 10, 11));
            for (KeyUpdate u : updates) {
                apply(SHARD_A, NOT_DUE, u);
            }
            long watermark = 33;
            List<Firing> expected = updates.stream()
                    .filter(u -> u.window().endMs() - 1 <= watermark)
                    .sorted(Comparator.comparingLong((KeyUpdate u) -> u.window().endMs())
                            .thenComparingLong(u -> u.window().startMs()).thenComparing(KeyUpdate::key))
                    .map(u -> new Firing(u.key(), u.window(), 0, Long.toString(u.values().stream()
                            .mapToLong(v -> (Long) v.value()).sum()), big(12)))
                    .toList();

            Due due = backend.fireDue(SHARD_A, range(12, 12, Map.of(watermark, 12L)), watermark, at(watermark));

            assertThat(due.firings()).containsExactlyElementsOf(expected);
            assertThat(due.firings()).hasSize(5);
            assertThat(due.timers()).hasSize(5);
        }

        @Test
        void maxWatermarkFiresEveryWindowUpToTheLargestEnd() {
            apply(SHARD_A, NOT_DUE,
                    update("k", new Window(Long.MIN_VALUE, Long.MIN_VALUE + 10), 1, 1),
                    update("k", new Window(0, 10), 2, 2),
                    update("k", new Window(Long.MAX_VALUE - 10, Long.MAX_VALUE), 3, 3),
                    update("j", new Window(1_000_000_000_000L, 1_000_000_086_400L), 4, 4));
            assertThat(fireAll(SHARD_A, 5).firings())
                    .extracting(Firing::key, f -> f.window().endMs())
                    .containsExactly(
                            tuple("k", Long.MIN_VALUE + 10),
                            tuple("k", 10L),
                            tuple("j", 1_000_000_086_400L),
                            tuple("k", Long.MAX_VALUE));
        }

        @Test
        void windowEndingAtLongMaxIsDueOneMillisecondEarlier() {
            Window last = new Window(Long.MAX_VALUE - 10, Long.MAX_VALUE);
            apply(SHARD_A, NOT_DUE, update("k", last, 1, 1));
            long almost = Long.MAX_VALUE - 2;
            assertThat(backend.fireDue(SHARD_A, range(2, 2, Map.of(almost, 2L)), almost, at(almost)).timers())
                    .isEmpty();
            long due = Long.MAX_VALUE - 1;
            assertThat(backend.fireDue(SHARD_A, range(3, 3, Map.of(due, 3L)), due, at(due)).firings())
                    .extracting(Firing::window).containsExactly(last);
        }

        @Test
        void negativeTimeWindowsFireInOrder() {
            apply(SHARD_A, NOT_DUE,
                    update("k", new Window(0, 10), 1, 1),
                    update("k", new Window(-10, 0), 2, 2),
                    update("k", new Window(-30, -20), 3, 3),
                    update("k", new Window(-20, -10), 4, 4));
            assertThat(fireTo(-22, 5).firings()).isEmpty();
            assertThat(fireTo(-12, 6).firings()).extracting(Firing::window).containsExactly(new Window(-30, -20));
            assertThat(fireTo(-11, 7).firings()).extracting(Firing::window).containsExactly(new Window(-20, -10));
            assertThat(fireTo(-1, 8).firings()).extracting(Firing::window).containsExactly(new Window(-10, 0));
            assertThat(fireTo(Long.MIN_VALUE, 9).timers()).isEmpty();
            assertThat(fireAll(SHARD_A, 10).firings()).extracting(Firing::window).containsExactly(new Window(0, 10));
        }

        /** Fires shard A's timers due at a watermark and clears them. */
        Due fireTo(long watermark, long seq) {
            Due due = backend.fireDue(SHARD_A, range(seq, seq, Map.of(watermark, seq)), watermark, at(watermark));
            backend.clearTimers(SHARD_A, due.timers());
            return due;
        }

        @Test
        void timersBelongToTheShardThatCreatedTheWindow() {
            apply(SHARD_A, NOT_DUE, update("k", new Window(0, 10), 1, 1));
            assertThat(fireAll(SHARD_B, 2).timers()).isEmpty();
            assertThat(fireAll(SHARD_A, 2).firings()).hasSize(1);
        }

        @Test
        void moreDueTimersThanOneBatchGetReadsAllFire() {
            // 130 windows: more than one BatchGetItem (100 keys) and several BatchWriteItem deletes (25)
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
                            .toList());
            assertThat(due.timers()).hasSize(130);
            backend.clearTimers(SHARD_A, due.timers());
            assertThat(fireAll(SHARD_A, 131).timers()).isEmpty();
        }
    }

    @Nested
    class Checkpoints {

        static final BigInteger LONGEST_SEQUENCE = new BigInteger("9".repeat(129));

        @Test
        void anUnknownShardHasTheInitialCheckpoint() {
            assertThat(backend.readCheckpoint(SHARD_A)).isEqualTo(ShardCheckpoint.initial(SHARD_A));
            assertThat(backend.readCheckpoint(SHARD_A).version()).isZero();
            assertThat(backend.readCheckpoint(SHARD_A).watermarkMs()).isEqualTo(Long.MIN_VALUE);
        }

        @Test
        void aCommittedCheckpointReadsBackWithA129DigitSequenceNumber() {
            ShardCheckpoint initial = backend.readCheckpoint(SHARD_A);
            ShardCheckpoint first = initial.advance(new BigInteger("1" + "0".repeat(120)), -5_000, -3_000);
            backend.commitCheckpoint(initial, first);
            assertThat(backend.readCheckpoint(SHARD_A)).isEqualTo(first);

            ShardCheckpoint second = first.advance(LONGEST_SEQUENCE, 1_700_000_000_000L, 1_700_000_001_000L);
            backend.commitCheckpoint(first, second);
            ShardCheckpoint read = backend.readCheckpoint(SHARD_A);
            assertThat(read).isEqualTo(new ShardCheckpoint(SHARD_A, LONGEST_SEQUENCE, 1_700_000_000_000L,
                    1_700_000_001_000L, 2, Figures.ZERO));
            assertThat(backend.readCheckpoint(SHARD_B)).isEqualTo(ShardCheckpoint.initial(SHARD_B));
        }

        @Test
        void aCheckpointWithoutSequenceNumberReadsBack() {
            ShardCheckpoint initial = backend.readCheckpoint(SHARD_A);
            ShardCheckpoint drained = initial.advance(null, Long.MAX_VALUE, Long.MIN_VALUE);
            backend.commitCheckpoint(initial, drained);
            assertThat(backend.readCheckpoint(SHARD_A)).isEqualTo(drained);
        }

        @Test
        void committingTwiceFromTheSameVersionConflicts() {
            ShardCheckpoint initial = backend.readCheckpoint(SHARD_A);
            ShardCheckpoint mine = initial.advance(BigInteger.valueOf(10), 100, 200);
            ShardCheckpoint zombie = initial.advance(BigInteger.valueOf(7), 50, 150);
            backend.commitCheckpoint(initial, mine);
            assertThatThrownBy(() -> backend.commitCheckpoint(initial, zombie))
                    .isInstanceOf(StateConflictException.class)
                    .hasMessageContaining(SHARD_A);
            assertThat(backend.readCheckpoint(SHARD_A)).isEqualTo(mine);

            ShardCheckpoint next = mine.advance(BigInteger.valueOf(20), 300, 400);
            backend.commitCheckpoint(mine, next);
            assertThatThrownBy(() -> backend.commitCheckpoint(mine, mine.advance(BigInteger.valueOf(30), 1, 1)))
                    .isInstanceOf(StateConflictException.class);
            assertThat(backend.readCheckpoint(SHARD_A)).isEqualTo(next);
        }

        @Test
        void theTotalsGrowWithEachCommitInTheSameWriteOfOneUnit() {
            Figures batch = new Figures(500, 3, 2, 1, 40, 41, 1, 55.5, 12.5);
            ShardCheckpoint initial = backend.readCheckpoint(SHARD_A);
            ShardCheckpoint first = initial.advance(LONGEST_SEQUENCE.subtract(BigInteger.TEN), 10, 20, batch);
            backend.commitCheckpoint(initial, first);
            // figures of a long-lived shard: the item stays far below 1 KB, so a commit costs one write unit
            Figures large = new Figures(Long.MAX_VALUE / 4, 1L << 40, 1L << 40,
                    1L << 40, 1L << 40, 1L << 40, 1L << 40, 1e12 + 0.5, 1e12 + 0.5);
            ShardCheckpoint second = first.advance(LONGEST_SEQUENCE, 30, 40, large);
            double before = backend.usage().writeUnits();
            backend.commitCheckpoint(first, second);

            assertThat(backend.usage().writeUnits() - before).isEqualTo(1.0);
            ShardCheckpoint read = backend.readCheckpoint(SHARD_A);
            assertThat(read).isEqualTo(second);
            assertThat(read.totals()).isEqualTo(batch.plus(large));
            assertThat(read.totals().records()).isEqualTo(500 + Long.MAX_VALUE / 4);
            // a losing compare-and-set changes neither the checkpoint nor its totals
            assertThatThrownBy(() -> backend.commitCheckpoint(first, first.advance(BigInteger.ONE, 1, 1, batch)))
                    .isInstanceOf(StateConflictException.class);
            assertThat(backend.readCheckpoint(SHARD_A).totals()).isEqualTo(batch.plus(large));
        }

        @Test
        void aCheckpointItemWrittenWithoutTotalsReadsAsZerosAndCountsOnFromThere() {
            // an item as Eddy wrote it before checkpoints carried totals
            raw.putItem(b -> b.tableName(table).item(Map.of(
                    StateTable.PK, AttributeValue.fromS(StateTable.checkpointPk(SHARD_A)),
                    StateTable.SK, AttributeValue.fromS("checkpoint"),
                    "seq", AttributeValue.fromS(SequenceNumbers.encode(BigInteger.valueOf(77))),
                    "wm", AttributeValue.fromN("100"),
                    "maxTs", AttributeValue.fromN("111"),
                    "ver", AttributeValue.fromN("4"))));

            ShardCheckpoint old = backend.readCheckpoint(SHARD_A);
            assertThat(old).isEqualTo(new ShardCheckpoint(SHARD_A, BigInteger.valueOf(77), 100, 111, 4,
                    Figures.ZERO));
            Figures batch = new Figures(10, 0, 1, 0, 2, 2, 0, 4, 3);
            backend.commitCheckpoint(old, old.advance(BigInteger.valueOf(90), 120, 131, batch));
            assertThat(backend.readCheckpoint(SHARD_A).totals()).isEqualTo(batch);
            assertThat(backend.readCheckpoint(SHARD_A).version()).isEqualTo(5);
        }

        @Test
        void aNextCheckpointMustBeOneVersionAhead() {
            ShardCheckpoint initial = backend.readCheckpoint(SHARD_A);
            ShardCheckpoint skipping = new ShardCheckpoint(SHARD_A, BigInteger.ONE, 0, 0, 2,
                    Figures.ZERO);
            assertThatThrownBy(() -> backend.commitCheckpoint(initial, skipping))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(backend.readCheckpoint(SHARD_A)).isEqualTo(initial);
        }

        @Test
        void theWatermarkOfACheckpointNeverMovesBack() {
            ShardCheckpoint c = ShardCheckpoint.initial(SHARD_A).advance(BigInteger.ONE, 500, 600);
            assertThat(c.advance(BigInteger.TWO, 400, 450).watermarkMs()).isEqualTo(500);
            assertThat(c.advance(BigInteger.TWO, 400, 450).maxEventTimeMs()).isEqualTo(600);
            assertThat(c.covers(BigInteger.ONE)).isTrue();
            assertThat(c.covers(BigInteger.TWO)).isFalse();
            assertThat(ShardCheckpoint.initial(SHARD_A).covers(BigInteger.ZERO)).isFalse();
        }

        @Test
        void theDrainRangeIsOneVirtualRecordAfterTheCheckpoint() {
            ShardCheckpoint c = ShardCheckpoint.initial(SHARD_A).advance(LONGEST_SEQUENCE.subtract(BigInteger.ONE),
                    5, 10);
            BatchRange drain = BatchRange.drain(c);
            assertThat(drain.first()).isEqualTo(LONGEST_SEQUENCE).isEqualTo(drain.last());
            assertThat(drain.crossing(Long.MIN_VALUE)).isEqualTo(LONGEST_SEQUENCE);
            assertThat(drain.crossing(Long.MAX_VALUE)).isEqualTo(LONGEST_SEQUENCE);
            assertThat(BatchRange.drain(ShardCheckpoint.initial(SHARD_A)).first()).isEqualTo(BigInteger.ZERO);
        }
    }

    @Nested
    class Capacity {

        @Test
        void writesScaleWithTouchedItemsNotWithValues() {
            assertThat(backend.usage().writeUnits()).isZero();
            // 100 values across 3 (key, window) pairs
            backend.applyUpdates(SHARD_A, range(1, 100), List.of(
                    update("a", new Window(0, 10), 1, 40),
                    update("b", new Window(0, 10), 41, 70),
                    update("a", new Window(10, 20), 71, 100)), NOT_DUE);
            double afterFirst = backend.usage().writeUnits();
            // every item is far below 1 KB: one WCU per window write, 3, and per timer bucket written, 2 (a and
            // b are due at 9 and share a bucket; the second window of a is due at 19)
            assertThat(afterFirst).isEqualTo(3 * 1.0 + 2 * 1.0);
            double readsAfterFirst = backend.usage().readUnits();

            // 100 more values on the same pairs: the timers exist, so only the 3 window writes
            backend.applyUpdates(SHARD_A, range(101, 200), List.of(
                    update("a", new Window(0, 10), 101, 150),
                    update("b", new Window(0, 10), 151, 160),
                    update("a", new Window(10, 20), 161, 200)), NOT_DUE);
            assertThat(backend.usage().writeUnits() - afterFirst).isEqualTo(3.0);
            // one consistent batch read of the 3 stored items (each < 4 KB): 3 RCU
            assertThat(backend.usage().readUnits() - readsAfterFirst).isEqualTo(3.0);
            // the per-record baseline (a conditional put and an update per record) would spend >= 400
            assertThat(backend.usage().writeUnits()).isLessThan(2 * 200 / 20.0);
        }

        @Test
        void aReplayedBatchWritesNothing() {
            List<KeyUpdate> updates = List.of(update("a", new Window(0, 10), 1, 50));
            backend.applyUpdates(SHARD_A, range(1, 50), updates, at(100));
            double before = backend.usage().writeUnits();
            double readsBefore = backend.usage().readUnits();
            Applied replay = backend.applyUpdates(SHARD_A, range(1, 50), updates, at(100));
            assertThat(backend.usage().writeUnits()).isEqualTo(before);
            assertThat(backend.usage().readUnits()).isGreaterThan(readsBefore);
            assertThat(replay.firings()).hasSize(1);
        }

        @Test
        void aWindowFiredWithinItsBatchCostsOneWrite() {
            backend.applyUpdates(SHARD_A, range(1, 50), List.of(update("a", new Window(0, 10), 1, 50)), at(100));
            // no timer: fired and cleaned up in the same conditional write
            assertThat(backend.usage().writeUnits()).isEqualTo(1.0);
        }

        @Test
        void checkpointsAndFiringAreCounted() {
            ShardCheckpoint initial = backend.readCheckpoint(SHARD_A);
            assertThat(backend.usage().readUnits()).isPositive();
            backend.commitCheckpoint(initial, initial.advance(BigInteger.ONE, 0, 0));
            assertThat(backend.usage().writeUnits()).isEqualTo(1.0);
            apply(SHARD_A, NOT_DUE, update("a", new Window(0, 10), 1, 1));
            double beforeFiring = backend.usage().writeUnits();
            Due due = fireAll(SHARD_A, 2);
            // the firing is one conditional write of the window item (no clean-up timer without lateness)
            assertThat(backend.usage().writeUnits() - beforeFiring).isEqualTo(1.0);
            backend.clearTimers(SHARD_A, due.timers());
            assertThat(backend.usage().writeUnits() - beforeFiring).isEqualTo(2.0);
        }
    }

    /** The table layout of {@link StateTable}, read straight from DynamoDB. */
    @Nested
    class Layout {

        Map<String, AttributeValue> item(String pk, String sk) {
            Map<String, AttributeValue> item = raw.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                    StateTable.PK, AttributeValue.fromS(pk), StateTable.SK, AttributeValue.fromS(sk)))).item();
            return item == null || item.isEmpty() ? null : item;
        }

        @Test
        void aWindowItemHoldsItsStateFencingPendingFiringsAndTimer() {
            Window w = new Window(0, 10);
            BigInteger longest = new BigInteger("9".repeat(129));
            BigInteger previous = longest.subtract(BigInteger.ONE);
            backend.applyUpdates(SHARD_A, new BatchRange(previous, longest, new TreeMap<>()), List.of(
                    new KeyUpdate("k", w, List.of(new SequencedValue(previous, 3L, 1, false),
                            new SequencedValue(longest, 4L, 2, false)))), at(20, 50));

            Map<String, AttributeValue> item = item(StateTable.stateItem("k", w).pk(), StateTable.stateItem("k", w).sk());
            assertThat(item.get("acc").s()).isEqualTo("7");
            assertThat(item.get("ver").n()).isEqualTo("1");
            assertThat(item.get("seqs").m()).containsOnlyKeys(SHARD_A);
            assertThat(item.get("seqs").m().get(SHARD_A).s()).isEqualTo(SequenceNumbers.encode(longest));
            assertThat(item.get("fired").n()).isEqualTo("1");
            assertThat(item.get("pending").l()).hasSize(1);
            Map<String, AttributeValue> pending = item.get("pending").l().get(0).m();
            assertThat(pending.get("f").n()).isEqualTo("0");
            assertThat(pending.get("acc").s()).isEqualTo("7");
            assertThat(pending.get("tag").s()).isEqualTo(SequenceNumbers.encode(longest));
            assertThat(item.get("timer").n()).isEqualTo("59");
            assertThat(item).doesNotContainKey(StateTable.EXPIRES_AT);
            // its clean-up timer, in the bucket of the shard and batch that wrote it, sorted by due time
            Map<String, AttributeValue> timer = item(StateTable.timerPk(SHARD_A),
                    StateTable.timerSk(59, SequenceNumbers.encode(previous), 0));
            assertThat(timer.get("entries").ss()).containsExactly(new TimerEntry("k", w, null).encode());
            assertThat(timer.get("at").n()).isEqualTo("59");
        }

        @Test
        void aCleanedUpWindowExpiresByTimeToLiveAndHasNoTimer() {
            Window w = new Window(0, 10);
            long before = java.time.Instant.now().getEpochSecond();
            apply(SHARD_A, at(100), update("k", w, 1, 1));
            Map<String, AttributeValue> item = item(StateTable.stateItem("k", w).pk(), StateTable.stateItem("k", w).sk());
            assertThat(item).doesNotContainKey("timer");
            assertThat(Long.parseLong(item.get(StateTable.EXPIRES_AT).n()))
                    .isBetween(before + DynamoDbStateBackend.CLEANED_UP_RETENTION.toSeconds(),
                            before + DynamoDbStateBackend.CLEANED_UP_RETENTION.toSeconds() + 60);
        }
    }

    @Nested
    class Resharding {

        static final String CHILD = "shardId-000000000002";

        KeyUpdate keyed(KeyUpdate update, String partitionKey) {
            return new KeyUpdate(update.key(), update.window(), update.values(), partitionKey);
        }

        /** Commits a checkpoint whose batch counted {@code last} records. */
        void commit(String shard, long last, long watermark, long maxEventTime) {
            ShardCheckpoint c = backend.readCheckpoint(shard);
            backend.commitCheckpoint(c, c.advance(big(last), watermark, maxEventTime,
                    new Figures(last, 0, 0, 0, 0, 0, 0, 1, 1)));
        }

        @Test
        void aChildTakesItsParentsWatermarkAndTheTimersOfTheKeysItOwns() {
            Window w = new Window(0, 10);
            apply(SHARD_A, NOT_DUE, keyed(update("k", w, 1, 1), "pk-k"), keyed(update("j", w, 2, 2), "pk-j"));
            commit(SHARD_A, 2, 5, 16);

            ShardCheckpoint child = backend.inherit(CHILD, List.of(SHARD_A), "pk-k"::equals);
            assertThat(child).isEqualTo(new ShardCheckpoint(CHILD, null, 5, 16, 0, Figures.ZERO));
            // a retried first batch inherits again: nothing is taken twice
            assertThat(backend.inherit(CHILD, List.of(SHARD_A), "pk-k"::equals)).isEqualTo(child);

            Due due = backend.fireDue(CHILD, range(10, 10, Map.of(9L, 10L)), 9, at(9));
            assertThat(due.firings()).extracting(Firing::key, Firing::accumulator).containsExactly(tuple("k", sum(1, 1)));
            backend.clearTimers(CHILD, due.timers());
            assertThat(backend.fireDue(CHILD, range(11, 11, Map.of(20L, 11L)), 20, at(20)).firings()).isEmpty();
            // the other child takes j
            assertThat(backend.fireDue("shardId-000000000003", range(10, 10), 9, at(9)).firings()).isEmpty();
            backend.inherit("shardId-000000000003", List.of(SHARD_A), "pk-j"::equals);
            assertThat(backend.fireDue("shardId-000000000003", range(10, 10, Map.of(9L, 10L)), 9, at(9)).firings())
                    .extracting(Firing::key).containsExactly("j");
        }

        @Test
        void afterAMergeTheChildStartsFromTheLowerWatermarkOfItsParents() {
            commit(SHARD_A, 7, 50, 61);
            commit(SHARD_B, 9, 30, 41);
            // the child counts its own batches from zero; its parents keep their totals
            assertThat(backend.inherit(CHILD, List.of(SHARD_A, SHARD_B), pk -> true))
                    .isEqualTo(new ShardCheckpoint(CHILD, null, 30, 41, 0, Figures.ZERO));
            assertThat(backend.readCheckpoint(SHARD_A).totals().records()).isEqualTo(7);
            assertThat(backend.readCheckpoint(SHARD_B).totals().records()).isEqualTo(9);
        }

        @Test
        void aShardWhoseParentsWereNeverCommittedStartsFresh() {
            assertThat(backend.inherit(CHILD, List.of(SHARD_A), pk -> true)).isEqualTo(ShardCheckpoint.initial(CHILD));
        }

        @Test
        void theOwnerFollowsKinesisHashKeyRanges() {
            BigInteger half = BigInteger.TWO.pow(127);
            var low = new dev.eddy.state.ShardLineage.Shard("a", List.of(), BigInteger.ZERO, half.subtract(BigInteger.ONE));
            var high = new dev.eddy.state.ShardLineage.Shard("b", List.of(), half, BigInteger.TWO.pow(128).subtract(BigInteger.ONE));
            for (String partitionKey : List.of("LAX", "SFO", "ORD", "", "k\u00e9y")) {
                assertThat(low.owns(partitionKey)).isNotEqualTo(high.owns(partitionKey));
            }
            // MD5("LAX") = 0x... below or above the half, as its first bit says
            assertThat(dev.eddy.state.ShardLineage.Shard.hashKey("LAX").testBit(127)).isEqualTo(high.owns("LAX"));
        }
    }
}

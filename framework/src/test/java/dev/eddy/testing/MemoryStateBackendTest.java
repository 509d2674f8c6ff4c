package dev.eddy.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.metrics.Figures;
import dev.eddy.metrics.Metric;
import dev.eddy.state.BatchRange;
import dev.eddy.state.Firing;
import dev.eddy.state.KeyLogic;
import dev.eddy.state.KeyState;
import dev.eddy.state.KeyUpdate;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.StateBackend;
import dev.eddy.state.StateConflictException;
import dev.eddy.state.TimerHandle;
import dev.eddy.window.GlobalWindows;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** {@link MemoryStateBackend} against the SPI's rules (docs/state.md), with a key logic that sums numbers. */
class MemoryStateBackendTest {

    private static final String SHARD = "shardId-000000000000";
    private static final String OTHER = "shardId-000000000001";

    /**
     * Sums a key's values: the accumulator is the sum. Each value {@code v} fires the sum so far, tagged with its
     * record, when {@code fireEach}; the state's timer is set by {@code timer} from the sum; a timer at {@code t}
     * fires the sum and moves the timer as {@code next} says.
     */
    static class SumLogic implements KeyLogic {
        boolean fireEach;
        UnaryOperator<Long> timer = sum -> null;
        UnaryOperator<Long> next = at -> null;
        Long processingTimer;
        final List<Long> timerCalls = new ArrayList<>();
        final List<BigInteger> timerTags = new ArrayList<>();

        @Override
        public Outcome apply(String key, KeyState stored, List<SequencedValue> fresh) {
            long sum = stored == null ? 0 : Long.parseLong(stored.accumulator());
            int firings = stored == null ? 0 : stored.firings();
            List<Firing> pending = new ArrayList<>(stored == null ? List.of() : stored.pending());
            for (SequencedValue value : fresh) {
                sum += (Long) value.value();
                if (fireEach) {
                    pending.add(new Firing(key, GlobalWindows.ALL_TIME, firings++, Long.toString(sum),
                            value.sequenceNumber()));
                }
            }
            return new Outcome(new KeyState(Long.toString(sum), firings, pending, timer.apply(sum), false, null,
                    processingTimer), List.of());
        }

        @Override
        public KeyState onTimer(String key, KeyState stored, long timerMs, BigInteger tag) {
            timerCalls.add(timerMs);
            timerTags.add(tag);
            List<Firing> pending = new ArrayList<>(stored.pending());
            pending.add(new Firing(key, GlobalWindows.ALL_TIME, stored.firings(), stored.accumulator(), tag));
            return new KeyState(stored.accumulator(), stored.firings() + 1, pending, next.apply(timerMs), false, null,
                    stored.processingTimerMs());
        }

        @Override
        public KeyState onProcessingTimer(String key, KeyState stored, long timerMs, BigInteger tag) {
            timerCalls.add(timerMs);
            timerTags.add(tag);
            List<Firing> pending = new ArrayList<>(stored.pending());
            pending.add(new Firing(key, GlobalWindows.ALL_TIME, stored.firings(), stored.accumulator(), tag));
            return new KeyState(stored.accumulator(), stored.firings() + 1, pending, stored.timerMs(), false, null,
                    null);
        }
    }

    private static BigInteger seq(long n) {
        return BigInteger.valueOf(n);
    }

    /** A batch of records {@code first..last}, the watermark rising to {@code watermarks[i]} after record i. */
    private static BatchRange range(long first, long last, long... watermarks) {
        TreeMap<Long, BigInteger> steps = new TreeMap<>();
        for (int i = 0; i < watermarks.length; i++) {
            steps.put(watermarks[i], seq(first + i));
        }
        return new BatchRange(seq(first), seq(last), steps);
    }

    /** An update of a key by records {@code first, first + 1, ...} with these values. */
    private static KeyUpdate update(String key, long first, long... values) {
        List<SequencedValue> list = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            list.add(new SequencedValue(seq(first + i), values[i], 0, false));
        }
        return new KeyUpdate(key, list, "pk-" + key);
    }

    private static long sum(MemoryStateBackend backend, String key) {
        return Long.parseLong(backend.stored(key).orElseThrow().state().accumulator());
    }

    @Test
    void valuesAtOrBelowTheSequenceNumberTheShardAppliedAreSkippedPerShard() {
        MemoryStateBackend backend = new MemoryStateBackend();
        SumLogic logic = new SumLogic();
        backend.applyUpdates(SHARD, range(1, 3), List.of(update("a", 1, 1, 2, 4)), logic);
        // a retry with other boundaries: records 2 and 3 were applied, 4 and 5 are new
        backend.applyUpdates(SHARD, range(2, 5), List.of(update("a", 2, 2, 4, 8, 16)), logic);
        assertThat(sum(backend, "a")).isEqualTo(1 + 2 + 4 + 8 + 16);
        // the same sequence numbers from another shard are that shard's own records
        backend.applyUpdates(OTHER, range(1, 1), List.of(update("a", 1, 100)), logic);
        // and replaying everything changes nothing
        backend.applyUpdates(SHARD, range(1, 5), List.of(update("a", 1, 1, 2, 4, 8, 16)), logic);

        MemoryStateBackend.StoredKey stored = backend.stored("a").orElseThrow();
        assertThat(sum(backend, "a")).isEqualTo(131);
        assertThat(stored.sequences()).isEqualTo(Map.of(SHARD, seq(5), OTHER, seq(1)));
        assertThat(stored.version()).as("one write per call that applied something").isEqualTo(3);
    }

    @Test
    void firingsAreReturnedWhileTheirTagIsInTheBatchAndPrunedOnceALaterBatchShowsThemCommitted() {
        MemoryStateBackend backend = new MemoryStateBackend();
        SumLogic logic = new SumLogic();
        logic.fireEach = true;
        StateBackend.Applied first = backend.applyUpdates(SHARD, range(1, 3), List.of(update("a", 1, 1, 2, 4)), logic);
        assertThat(first.firings()).extracting(Firing::accumulator).containsExactly("1", "3", "7");
        assertThat(first.firings()).extracting(Firing::key).containsOnly("a");

        // the crashed batch again: nothing is applied, its firings come back from the key's pending ones
        StateBackend.Applied retry = backend.applyUpdates(SHARD, range(1, 3), List.of(update("a", 1, 1, 2, 4)), logic);
        assertThat(retry.firings()).isEqualTo(first.firings());

        // the next batch returns its own and prunes the committed ones
        StateBackend.Applied next = backend.applyUpdates(SHARD, range(4, 5), List.of(update("a", 4, 8, 16)), logic);
        assertThat(next.firings()).extracting(Firing::accumulator).containsExactly("15", "31");
        assertThat(backend.stored("a").orElseThrow().state().pending()).extracting(Firing::tag)
                .containsExactly(seq(4), seq(5));
    }

    @Test
    void anEventTimeTimerIsDueAtTheWatermarkAndStaleOnceTheStateNamesAnotherTime() {
        MemoryStateBackend backend = new MemoryStateBackend();
        SumLogic logic = new SumLogic();
        logic.timer = sum -> sum * 100;
        backend.applyUpdates(SHARD, range(1, 1), List.of(update("a", 1, 1)), logic); // timer at 100
        assertThat(backend.fireDue(SHARD, range(2, 2, 99), 99, logic).firings()).isEmpty();
        backend.applyUpdates(SHARD, range(2, 2), List.of(update("a", 2, 1)), logic); // timer at 200: 100 is stale
        assertThat(backend.timers(SHARD)).extracting(MemoryStateBackend.Timer::atMs).containsExactly(100L, 200L);

        StateBackend.Due stale = backend.fireDue(SHARD, range(3, 3, 150), 150, logic);
        assertThat(stale.firings()).isEmpty();
        assertThat(logic.timerCalls).isEmpty();
        backend.clearTimers(SHARD, stale.timers());

        StateBackend.Due due = backend.fireDue(SHARD, range(4, 6, 180, 200, 250), 250, logic);
        assertThat(logic.timerCalls).containsExactly(200L);
        // tagged with the record whose watermark reached the timer
        assertThat(logic.timerTags).containsExactly(seq(5));
        assertThat(due.firings()).extracting(Firing::key, Firing::accumulator, Firing::tag)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", "2", seq(5)));
        backend.clearTimers(SHARD, due.timers());
        assertThat(backend.timers(SHARD)).isEmpty();
    }

    @Test
    void aTimerThatMakesTheNextOneDueAtOnceFiresItInTheSameStepAtMostAHundredInARow() {
        MemoryStateBackend backend = new MemoryStateBackend();
        SumLogic logic = new SumLogic();
        logic.timer = sum -> 0L;
        logic.next = at -> at + 1;
        backend.applyUpdates(SHARD, range(1, 1), List.of(update("a", 1, 1)), logic);
        long before = backend.stored("a").orElseThrow().version();

        StateBackend.Due due = backend.fireDue(SHARD, range(2, 2, 1_000), 1_000, logic);
        assertThat(logic.timerCalls).hasSize(MemoryStateBackend.MAX_CASCADE).startsWith(0L, 1L, 2L)
                .endsWith(99L);
        assertThat(due.firings()).hasSize(MemoryStateBackend.MAX_CASCADE);
        assertThat(backend.stored("a").orElseThrow().version()).as("one write").isEqualTo(before + 1);
        backend.clearTimers(SHARD, due.timers());
        // the rest waits for the next call
        assertThat(backend.timers(SHARD)).extracting(MemoryStateBackend.Timer::atMs).containsExactly(100L);
    }

    @Test
    void clearingRemovesTheTimersHandedOutButNotARegistrationMadeSinceAndRefusesForeignHandles() {
        MemoryStateBackend backend = new MemoryStateBackend();
        SumLogic logic = new SumLogic();
        logic.timer = sum -> 100L;
        backend.applyUpdates(SHARD, range(1, 1), List.of(update("a", 1, 1)), logic);
        StateBackend.Due due = backend.fireDue(SHARD, range(2, 2, 100), 100, logic);
        assertThat(due.timers()).hasSize(1);
        // the timer fired and the key asks for the same time again (no next: null) — register it anew by hand
        logic.timer = sum -> 100L;
        backend.applyUpdates(SHARD, range(3, 3), List.of(update("a", 3, 1)), logic);
        backend.clearTimers(SHARD, due.timers());
        assertThat(backend.timers(SHARD)).extracting(MemoryStateBackend.Timer::atMs).containsExactly(100L);

        TimerHandle foreign = new TimerHandle() {
            @Override
            public String toString() {
                return "foreign";
            }
        };
        assertThatThrownBy(() -> backend.clearTimers(SHARD, List.of(foreign)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("foreign")
                .hasMessageContaining("Due.timers()");
    }

    @Test
    void aProcessingTimeTimerIsDueByTheClockAndTaggedWithTheBatchsFirstRecord() {
        MemoryStateBackend backend = new MemoryStateBackend();
        SumLogic logic = new SumLogic();
        logic.processingTimer = 5_000L;
        backend.applyUpdates(SHARD, range(1, 1), List.of(update("a", 1, 7)), logic);
        assertThat(backend.fireDueProcessingTime(SHARD, range(2, 3), 4_999, logic).firings()).isEmpty();
        assertThat(backend.fireDue(SHARD, range(2, 3), Long.MAX_VALUE, logic).firings())
                .as("not an event-time timer").isEmpty();

        StateBackend.Due due = backend.fireDueProcessingTime(SHARD, range(4, 6), 5_000, logic);
        assertThat(due.firings()).extracting(Firing::accumulator, Firing::tag)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("7", seq(4)));
        assertThat(backend.stored("a").orElseThrow().state().processingTimerMs()).isNull();
        backend.clearTimers(SHARD, due.timers());
        assertThat(backend.timers(SHARD)).isEmpty();
    }

    @Test
    void aCheckpointMovesByCompareAndSetOnItsVersion() {
        MemoryStateBackend backend = new MemoryStateBackend();
        ShardCheckpoint initial = backend.readCheckpoint(SHARD);
        assertThat(initial).isEqualTo(ShardCheckpoint.initial(SHARD));
        ShardCheckpoint first = initial.advance(seq(10), 100, 105, Figures.of(Metric.RECORDS, 3));
        backend.commitCheckpoint(initial, first);
        assertThat(backend.readCheckpoint(SHARD)).isEqualTo(first);

        // a zombie that read the initial checkpoint cannot commit over it
        assertThatThrownBy(() -> backend.commitCheckpoint(initial, initial.advance(seq(20), 200, 205)))
                .isInstanceOf(StateConflictException.class).hasMessageContaining("version 0")
                .hasMessageContaining("at version 1");
        assertThatThrownBy(() -> backend.commitCheckpoint(first, new ShardCheckpoint(SHARD, seq(20), 200, 205, 5,
                Figures.ZERO))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("advance by one");

        ShardCheckpoint second = first.advance(seq(20), 200, 205, Figures.of(Metric.RECORDS, 4));
        backend.commitCheckpoint(first, second);
        assertThat(backend.readCheckpoint(SHARD).totals().records()).isEqualTo(7);
        assertThat(backend.readCheckpoint(OTHER).version()).isZero();
    }

    @Test
    void aChildShardContinuesFromItsParentsLowestWatermarkWithTheTimersOfTheKeysItOwns() {
        MemoryStateBackend backend = new MemoryStateBackend();
        SumLogic logic = new SumLogic();
        logic.timer = sum -> 1_000L;
        backend.applyUpdates("p1", range(1, 1), List.of(update("a1", 1, 1), update("b1", 1, 1),
                new KeyUpdate("u", List.of(new SequencedValue(seq(1), 1L, 0, false)))), logic);
        backend.applyUpdates("p2", range(1, 1), List.of(update("a2", 1, 1)), logic);
        ShardCheckpoint p1 = backend.readCheckpoint("p1");
        backend.commitCheckpoint(p1, p1.advance(seq(1), 500, 510));
        ShardCheckpoint p2 = backend.readCheckpoint("p2");
        backend.commitCheckpoint(p2, p2.advance(seq(1), 300, 305));

        ShardCheckpoint child = backend.inherit("child", List.of("p1", "p2", "never"), pk -> pk.startsWith("pk-a"));
        assertThat(child).isEqualTo(new ShardCheckpoint("child", null, 300, 305, 0, Figures.ZERO));
        // keys of partition keys it owns, and the one whose partition key is unknown
        assertThat(backend.timers("child")).extracting(MemoryStateBackend.Timer::key)
                .containsExactlyInAnyOrder("a1", "a2", "u");
        assertThat(backend.inherit("child", List.of("p1", "p2"), pk -> pk.startsWith("pk-a"))).isEqualTo(child);
        assertThat(backend.timers("child")).hasSize(3);

        // the child fires them, once each
        StateBackend.Due due = backend.fireDue("child", range(1, 1, 1_000), 1_000, logic);
        assertThat(due.firings()).extracting(Firing::key).containsExactly("a1", "a2", "u");
        assertThat(backend.inherit("orphan", List.of("never"), pk -> true))
                .isEqualTo(ShardCheckpoint.initial("orphan"));
    }

    @Test
    void doneMarkersLastTheirRetentionByTheClock() {
        MutableClock clock = new MutableClock(Instant.parse("2024-05-01T00:00:00Z"));
        MemoryStateBackend backend = new MemoryStateBackend(clock);
        backend.markDone("p#send", List.of("k1", "k2", "k1"), Duration.ofHours(1));
        assertThat(backend.done("p#send", List.of("k1", "k2", "k3", "k1"))).containsExactlyInAnyOrder("k1", "k2");
        assertThat(backend.done("p#other", List.of("k1"))).isEmpty();

        clock.advance(Duration.ofMinutes(30));
        backend.markDone("p#send", List.of("k2"), Duration.ofHours(1)); // renewed
        clock.advance(Duration.ofMinutes(30));
        assertThat(backend.done("p#send", List.of("k1", "k2"))).containsExactly("k2");
        assertThatThrownBy(() -> backend.markDone("p#send", List.of("k"), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
    }

    @Test
    void droppedFiringsAreKeptPendingButNeverReturned() {
        MemoryStateBackend backend = new MemoryStateBackend(java.time.Clock.systemUTC(),
                MemoryStateBackend.Firings.DROPPED);
        SumLogic logic = new SumLogic();
        logic.fireEach = true;
        logic.timer = sum -> 10L;
        assertThat(backend.applyUpdates(SHARD, range(1, 2), List.of(update("a", 1, 1, 2)), logic).firings())
                .isEmpty();
        assertThat(backend.stored("a").orElseThrow().state().pending()).extracting(Firing::tag)
                .containsExactly(seq(1), seq(2));
        assertThat(backend.fireDue(SHARD, range(1, 2, 10), 10, logic).firings()).isEmpty();
        assertThat(logic.timerCalls).containsExactly(10L);
        assertThat(backend.stored("a").orElseThrow().state().pending()).extracting(Firing::tag)
                .containsExactly(seq(1), seq(2), seq(1));
    }

    @Test
    void aStateOverTheDynamoDbItemLimitIsRefusedWithTheLimitAndTheFix() {
        MemoryStateBackend backend = new MemoryStateBackend();
        KeyLogic huge = new SumLogic() {
            @Override
            public Outcome apply(String key, KeyState stored, List<SequencedValue> fresh) {
                return new Outcome(new KeyState("x".repeat(MemoryStateBackend.MAX_STATE_BYTES + 1), 0, List.of(),
                        null, false), List.of());
            }
        };
        assertThatThrownBy(() -> backend.applyUpdates(SHARD, range(1, 1), List.of(update("a", 1, 1)), huge))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'a'")
                .hasMessageContaining(Integer.toString(MemoryStateBackend.MAX_STATE_BYTES))
                .hasMessageContaining("keep accumulators small");
        assertThat(backend.stored("a")).isEmpty();
    }

    @Test
    void twoUpdatesOfOneKeyInOneCallAreRefused() {
        MemoryStateBackend backend = new MemoryStateBackend();
        assertThatThrownBy(() -> backend.applyUpdates(SHARD, range(1, 2),
                List.of(update("a", 1, 1), update("a", 2, 1)), new SumLogic()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a'");
    }

    @Test
    void usageCountsOneUnitPerStateCheckpointOrMarkerReadOrWritten() {
        MemoryStateBackend backend = new MemoryStateBackend();
        backend.applyUpdates(SHARD, range(1, 1), List.of(update("a", 1, 1), update("b", 1, 1)), new SumLogic());
        ShardCheckpoint read = backend.readCheckpoint(SHARD);
        backend.commitCheckpoint(read, read.advance(seq(1), 0, 0));
        backend.markDone("p#x", List.of("k"), Duration.ofDays(1));
        backend.done("p#x", List.of("k", "absent"));
        assertThat(backend.usage().writeUnits()).isEqualTo(2 + 1 + 1);
        assertThat(backend.usage().readUnits()).isEqualTo(2 + 1 + 1);
    }
}

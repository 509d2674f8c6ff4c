package dev.eddy.state.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.state.KeyLogic;
import dev.eddy.state.KeyState;
import dev.eddy.state.KeyUpdate;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.StateBackend.Applied;
import dev.eddy.state.StateBackend.Due;
import dev.eddy.window.Window;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The capacity a backend counts: what DynamoDB reports, and the failed conditional writes it bills silently. */
class CapacityCountingTest extends BackendFixture {

    @Test
    void writesScaleWithTouchedKeysNotWithValuesOrWindows() {
        assertThat(backend.usage().writeUnits()).isZero();
        // 100 values: key a in two windows, key b in one
        Window later = new Window(10, 20);
        backend.applyUpdates(SHARD_A, range(1, 100), List.of(
                join(update("a", W, 1, 40), update("a", later, 71, 100)),
                update("b", W, 41, 70)), NOT_DUE);
        double afterFirst = backend.usage().writeUnits();
        // every item is far below 1 KB: one WCU per key, 2, and one timer bucket (a and b are due at 9)
        assertThat(afterFirst).isEqualTo(2 * 1.0 + 1.0);
        double readsAfterFirst = backend.usage().readUnits();

        // 100 more values for the same keys and windows: the timers exist, so only the 2 key writes
        backend.applyUpdates(SHARD_A, range(101, 200), List.of(
                join(update("a", W, 101, 150), update("a", later, 161, 200)),
                update("b", W, 151, 160)), NOT_DUE);
        assertThat(backend.usage().writeUnits() - afterFirst).isEqualTo(2.0);
        // one consistent batch read of the 2 stored items (each < 4 KB): 2 RCU
        assertThat(backend.usage().readUnits() - readsAfterFirst).isEqualTo(2.0);
        // the per-record baseline (a conditional put and an update per record) would spend >= 400
        assertThat(backend.usage().writeUnits()).isLessThan(2 * 200 / 20.0);
    }

    @Test
    void aReplayedBatchWritesNothing() {
        List<KeyUpdate> updates = List.of(update("a", W, 1, 50));
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
        backend.applyUpdates(SHARD_A, range(1, 50), List.of(update("a", W, 1, 50)), at(100));
        // no timer: fired and cleaned up in the same conditional write
        assertThat(backend.usage().writeUnits()).isEqualTo(1.0);
    }

    @Test
    void checkpointsAndFiringAreCounted() {
        ShardCheckpoint initial = backend.readCheckpoint(SHARD_A);
        assertThat(backend.usage().readUnits()).isPositive();
        backend.commitCheckpoint(initial, initial.advance(BigInteger.ONE, 0, 0));
        assertThat(backend.usage().writeUnits()).isEqualTo(1.0);
        apply(SHARD_A, NOT_DUE, update("a", W, 1, 1));
        double beforeFiring = backend.usage().writeUnits();
        Due due = fireAll(SHARD_A, 2);
        // the firing is one conditional write of the key's item (no clean-up timer without lateness)
        assertThat(backend.usage().writeUnits() - beforeFiring).isEqualTo(1.0);
        backend.clearTimers(SHARD_A, due.timers());
        assertThat(backend.usage().writeUnits() - beforeFiring).isEqualTo(2.0);
    }

    /**
     * A key whose state is 1,500 two-byte characters and a sum: its item is a little over 3 KB, 4 write units as
     * DynamoDB sizes items (UTF-8), though its text is only about 1,700 characters long.
     */
    static final String PAD = "é".repeat(1500);

    static final KeyLogic PADDED = new KeyLogic() {
        @Override
        public Outcome apply(String key, KeyState stored, List<SequencedValue> fresh) {
            long sum = stored == null ? 0 : Long.parseLong(stored.accumulator().substring(PAD.length() + 1));
            for (SequencedValue value : fresh) {
                sum += ((WindowSums.Element) value.value()).amount();
            }
            return new Outcome(new KeyState(PAD + ";" + sum, 0, List.of(), null, false), List.of());
        }

        @Override
        public KeyState onTimer(String key, KeyState stored, long timerMs, BigInteger tag) {
            return stored;
        }
    };

    @Test
    void aLostConditionalWriteIsCountedAsTheWriteUnitsOfItsItemsSize() {
        apply(SHARD_A, PADDED, update("k", W, 1, 1));
        double before = backend.usage().writeUnits();
        apply(SHARD_A, PADDED, update("k", W, 2, 2));
        double oneWrite = backend.usage().writeUnits() - before;
        assertThat(oneWrite).isEqualTo(4.0);

        try (DynamoDbStateBackend other = new DynamoDbStateBackend(DynamoDbLocal.client(), table)) {
            AtomicInteger calls = new AtomicInteger();
            KeyLogic interrupted = interleaving(PADDED, () -> {
                if (calls.getAndIncrement() == 0) {
                    other.applyUpdates(SHARD_B, range(50, 50), List.of(update("k", W, 50, 50)), PADDED);
                }
            });
            before = backend.usage().writeUnits();
            apply(SHARD_A, interrupted, update("k", W, 3, 3));
        }
        // the lost write (4 units by its item's size, unreported by DynamoDB) and the write that won
        assertThat(backend.usage().writeUnits() - before).isEqualTo(4.0 + oneWrite);
        assertThat(stored("k").accumulator()).endsWith(";" + (value(1) + value(2) + value(3) + value(50)));
    }
}

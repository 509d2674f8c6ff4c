package dev.eddy.state.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.state.FiredWindow;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.StateBackend.Folder;
import dev.eddy.state.StateConflictException;
import dev.eddy.state.WindowUpdate;
import dev.eddy.state.dynamodb.table.StateTable;
import dev.eddy.window.Window;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** The DynamoDB state backend against DynamoDB Local, a fresh table per test. */
@ExtendWith(DynamoDbLocal.class)
class DynamoDbStateBackendTest {

    static final String SHARD_A = "shardId-000000000000";
    static final String SHARD_B = "shardId-000000000001";

    /** Sums Long values; the accumulator is the sum's decimal text, e.g. "12". */
    static final Folder SUM = (stored, values) -> {
        long sum = stored == null ? 0 : Long.parseLong(stored);
        for (SequencedValue v : values) {
            sum += (Long) v.value();
        }
        return Long.toString(sum);
    };

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

    /** The value carried by the record with this sequence number: distinct squares, so a value applied twice or skipped changes the sum. */
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

    static WindowUpdate update(String key, Window window, long fromSeq, long toSeq) {
        List<SequencedValue> values = LongStream.rangeClosed(fromSeq, toSeq)
                .mapToObj(seq -> new SequencedValue(BigInteger.valueOf(seq), value(seq), seq)).toList();
        return new WindowUpdate(key, window, values);
    }

    /** The accumulator as stored, read straight from the table. */
    String storedAccumulator(String key, Window window) {
        Map<String, AttributeValue> item = raw.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                StateTable.PK, AttributeValue.fromS(StateTable.windowPk(key)),
                StateTable.SK, AttributeValue.fromS(StateTable.windowSk(window))))).item();
        return item == null || item.isEmpty() ? null : item.get("acc").s();
    }

    int timerCount(String shardId) {
        return raw.query(b -> b.tableName(table).consistentRead(true).keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(StateTable.timerPk(shardId)))))
                .count();
    }

    /** A folder that records the sequence numbers it is given. */
    static final class Recording implements Folder {
        final List<Long> seen = new ArrayList<>();

        @Override
        public String fold(String stored, List<SequencedValue> values) {
            values.forEach(v -> seen.add(v.sequenceNumber().longValueExact()));
            return SUM.fold(stored, values);
        }
    }

    @Nested
    class Fencing {

        final Window w = new Window(0, 10);

        @Test
        void applyingTheSameUpdatesTwiceChangesNothing() {
            List<WindowUpdate> updates = List.of(update("k", w, 1, 4), update("j", w, 2, 3));
            backend.applyUpdates(SHARD_A, updates, SUM);
            String afterFirst = storedAccumulator("k", w);
            Recording second = new Recording();
            backend.applyUpdates(SHARD_A, updates, second);

            assertThat(afterFirst).isEqualTo(Long.toString(sumOfValues(1, 4)));
            assertThat(storedAccumulator("k", w)).isEqualTo(afterFirst);
            assertThat(storedAccumulator("j", w)).isEqualTo(Long.toString(sumOfValues(2, 3)));
            assertThat(second.seen).isEmpty();
        }

        @Test
        void retryWithOtherBatchBoundariesAppliesOnlyTheNewValues() {
            backend.applyUpdates(SHARD_A, List.of(update("k", w, 1, 5)), SUM);
            Recording retry = new Recording();
            backend.applyUpdates(SHARD_A, List.of(update("k", w, 3, 8)), retry);

            assertThat(retry.seen).containsExactly(6L, 7L, 8L);
            assertThat(storedAccumulator("k", w)).isEqualTo(Long.toString(sumOfValues(1, 8)));
        }

        @Test
        void aRetryOfAnOlderPartAppliesNothing() {
            backend.applyUpdates(SHARD_A, List.of(update("k", w, 1, 8)), SUM);
            backend.applyUpdates(SHARD_A, List.of(update("k", w, 2, 5)), SUM);
            assertThat(storedAccumulator("k", w)).isEqualTo(Long.toString(sumOfValues(1, 8)));
        }

        @Test
        void eachItemIsFencedOnItsOwn() {
            Window other = new Window(10, 20);
            backend.applyUpdates(SHARD_A, List.of(update("k", w, 1, 3)), SUM);
            // a later batch: seq 4..6 go to w, seq 2..6 of another window were never applied to it
            backend.applyUpdates(SHARD_A, List.of(update("k", w, 4, 6), update("k", other, 2, 6)), SUM);
            assertThat(storedAccumulator("k", w)).isEqualTo(Long.toString(sumOfValues(1, 6)));
            assertThat(storedAccumulator("k", other)).isEqualTo(Long.toString(sumOfValues(2, 6)));
        }

        @Test
        void twoShardsWritingTheSameItemKeepSeparateFencing() {
            backend.applyUpdates(SHARD_A, List.of(update("k", w, 100, 105)), SUM);
            // shard B's sequence numbers are lower than A's, yet none of them was applied
            backend.applyUpdates(SHARD_B, List.of(update("k", w, 1, 3)), SUM);
            assertThat(storedAccumulator("k", w)).isEqualTo(Long.toString(sumOfValues(100, 105) + sumOfValues(1, 3)));

            // retries of either shard apply only what that shard has not applied
            backend.applyUpdates(SHARD_B, List.of(update("k", w, 2, 4)), SUM);
            backend.applyUpdates(SHARD_A, List.of(update("k", w, 100, 105)), SUM);
            assertThat(storedAccumulator("k", w))
                    .isEqualTo(Long.toString(sumOfValues(100, 105) + sumOfValues(1, 4)));
        }

        @Test
        void aConcurrentWriterIsReReadAndBothApply() {
            DynamoDbStateBackend other = new DynamoDbStateBackend(DynamoDbLocal.client(), table);
            AtomicInteger calls = new AtomicInteger();
            Folder interleaving = (stored, values) -> {
                if (calls.getAndIncrement() == 0) {
                    // shard B writes the item between this writer's read and its conditional write
                    other.applyUpdates(SHARD_B, List.of(update("k", w, 50, 51)), SUM);
                }
                return SUM.fold(stored, values);
            };
            backend.applyUpdates(SHARD_A, List.of(update("k", w, 1, 2)), SUM);
            backend.applyUpdates(SHARD_A, List.of(update("k", w, 3, 4)), interleaving);
            other.close();

            assertThat(calls).hasValue(2);
            assertThat(storedAccumulator("k", w)).isEqualTo(Long.toString(sumOfValues(1, 4) + sumOfValues(50, 51)));
        }

        @Test
        void aZombieOfTheSameShardDoesNotApplyTwice() {
            DynamoDbStateBackend zombie = new DynamoDbStateBackend(DynamoDbLocal.client(), table);
            AtomicInteger calls = new AtomicInteger();
            Folder interleaving = (stored, values) -> {
                if (calls.getAndIncrement() == 0) {
                    // a duplicate invocation applies the same batch while this one is between read and write
                    zombie.applyUpdates(SHARD_A, List.of(update("k", w, 1, 6)), SUM);
                }
                return SUM.fold(stored, values);
            };
            backend.applyUpdates(SHARD_A, List.of(update("k", w, 1, 6)), interleaving);
            zombie.close();

            assertThat(storedAccumulator("k", w)).isEqualTo(Long.toString(sumOfValues(1, 6)));
        }

        @Test
        void aWriterThatKeepsLosingGivesUpWithStateConflict() {
            DynamoDbStateBackend other = new DynamoDbStateBackend(DynamoDbLocal.client(), table);
            AtomicInteger seq = new AtomicInteger(1000);
            Folder alwaysInterrupted = (stored, values) -> {
                long s = seq.incrementAndGet();
                other.applyUpdates(SHARD_B, List.of(update("k", w, s, s)), SUM);
                return SUM.fold(stored, values);
            };
            backend.applyUpdates(SHARD_A, List.of(update("k", w, 1, 1)), SUM);
            assertThatThrownBy(() -> backend.applyUpdates(SHARD_A, List.of(update("k", w, 2, 2)), alwaysInterrupted))
                    .isInstanceOf(StateConflictException.class)
                    .hasMessageContaining("'k'");
            other.close();
            // nothing of the losing writer was applied; every interrupting write was
            long interrupting = sumOfValues(1001, seq.get());
            assertThat(storedAccumulator("k", w)).isEqualTo(Long.toString(value(1) + interrupting));
            assertThat(seq.get() - 1000).isEqualTo(DynamoDbStateBackend.MAX_ATTEMPTS);
        }

        @Test
        void tooLargeAnAccumulatorIsRefusedWithAClearMessage() {
            Folder huge = (stored, values) -> "\"" + "x".repeat(DynamoDbStateBackend.MAX_ACCUMULATOR_BYTES) + "\"";
            assertThatThrownBy(() -> backend.applyUpdates(SHARD_A, List.of(update("k", w, 1, 1)), huge))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("400 KB");
            assertThat(storedAccumulator("k", w)).isNull();
        }
    }

    @Nested
    class Timers {

        @Test
        void aTimerIsRegisteredOncePerNewWindow() {
            backend.applyUpdates(SHARD_A, List.of(update("k", new Window(0, 10), 1, 2),
                    update("k", new Window(10, 20), 3, 3), update("j", new Window(0, 10), 4, 4)), SUM);
            assertThat(timerCount(SHARD_A)).isEqualTo(3);
            backend.applyUpdates(SHARD_A, List.of(update("k", new Window(0, 10), 5, 6),
                    update("j", new Window(0, 10), 7, 7)), SUM);
            assertThat(timerCount(SHARD_A)).isEqualTo(3);
            backend.applyUpdates(SHARD_A, List.of(update("j", new Window(20, 30), 8, 8)), SUM);
            assertThat(timerCount(SHARD_A)).isEqualTo(4);
            assertThat(timerCount(SHARD_B)).isZero();
        }

        @Test
        void aWindowIsDueExactlyWhenTheWatermarkReachesEndMinusOne() {
            Window w = new Window(100, 110);
            backend.applyUpdates(SHARD_A, List.of(update("k", w, 1, 3)), SUM);
            assertThat(backend.fireDue(SHARD_A, 108)).isEmpty();
            assertThat(backend.fireDue(SHARD_A, 109))
                    .containsExactly(new FiredWindow("k", w, Long.toString(sumOfValues(1, 3)), 0));
        }

        @Test
        void dueWindowsComeInWindowEndOrder() {
            // applied out of order, over several batches
            List<WindowUpdate> updates = List.of(
                    update("c", new Window(20, 30), 1, 1),
                    update("a", new Window(0, 10), 2, 3),
                    update("b", new Window(10, 20), 4, 4),
                    update("a", new Window(20, 30), 5, 7),
                    update("b", new Window(0, 10), 8, 8),
                    update("a", new Window(30, 40), 9, 9),
                    update("b", new Window(25, 35), 10, 11));
            for (WindowUpdate u : updates) {
                backend.applyUpdates(SHARD_A, List.of(u), SUM);
            }
            long watermark = 33;
            List<FiredWindow> expected = updates.stream()
                    .filter(u -> u.window().endMs() - 1 <= watermark)
                    .sorted(Comparator.comparingLong((WindowUpdate u) -> u.window().endMs())
                            .thenComparingLong(u -> u.window().startMs()).thenComparing(WindowUpdate::key))
                    .map(u -> new FiredWindow(u.key(), u.window(), Long.toString(u.values().stream()
                            .mapToLong(v -> (Long) v.value()).sum()), 0))
                    .toList();

            List<FiredWindow> fired = backend.fireDue(SHARD_A, watermark);

            assertThat(fired).containsExactlyElementsOf(expected);
            assertThat(fired).extracting(f -> f.window().endMs()).isSorted();
            assertThat(fired).hasSize(5);
        }

        @Test
        void firedWindowsAreReturnedAgainWithTheSameFiringUntilTheirTimersAreCleared() {
            Window early = new Window(0, 10);
            Window late = new Window(50, 60);
            backend.applyUpdates(SHARD_A, List.of(update("k", early, 1, 2), update("j", early, 3, 3),
                    update("k", late, 4, 4)), SUM);

            List<FiredWindow> first = backend.fireDue(SHARD_A, 20);
            List<FiredWindow> again = backend.fireDue(SHARD_A, 20);
            assertThat(first).containsExactly(
                    new FiredWindow("j", early, Long.toString(value(3)), 0),
                    new FiredWindow("k", early, Long.toString(sumOfValues(1, 2)), 0));
            // re-emission after a crash between firing and delivery: same windows, same firing, same accumulator
            assertThat(again).isEqualTo(first);

            backend.clearTimers(SHARD_A, first);
            assertThat(backend.fireDue(SHARD_A, 20)).isEmpty();
            backend.clearTimers(SHARD_A, first); // idempotent
            assertThat(backend.fireDue(SHARD_A, Long.MAX_VALUE))
                    .containsExactly(new FiredWindow("k", late, Long.toString(value(4)), 0));
        }

        @Test
        void valuesForAFiredWindowAreRefusedAndReturnedNotApplied() {
            Window w = new Window(0, 10);
            backend.applyUpdates(SHARD_A, List.of(update("k", w, 1, 2)), SUM);
            backend.fireDue(SHARD_A, 9);

            // shard B holds the same key (it does not follow the partition key) and lags behind shard A
            List<WindowUpdate> refused = backend.applyUpdates(SHARD_B,
                    List.of(update("k", w, 5, 6), update("k", new Window(10, 20), 7, 7)), SUM);

            assertThat(refused).containsExactly(update("k", w, 5, 6));
            assertThat(backend.fireDue(SHARD_A, 9))
                    .containsExactly(new FiredWindow("k", w, Long.toString(sumOfValues(1, 2)), 0));
            assertThat(backend.fireDue(SHARD_B, Long.MAX_VALUE))
                    .containsExactly(new FiredWindow("k", new Window(10, 20), Long.toString(value(7)), 0));
        }

        @Test
        void firingIsCommittedToTheWindowItem() {
            Window w = new Window(0, 10);
            backend.applyUpdates(SHARD_A, List.of(update("k", w, 1, 1)), SUM);
            backend.fireDue(SHARD_A, 9);
            Map<String, AttributeValue> item = raw.getItem(b -> b.tableName(table).consistentRead(true).key(Map.of(
                    StateTable.PK, AttributeValue.fromS(StateTable.windowPk("k")),
                    StateTable.SK, AttributeValue.fromS(StateTable.windowSk(w))))).item();
            assertThat(item.get("firing").n()).isEqualTo("0");
            assertThat(item).containsKey(StateTable.EXPIRES_AT);
        }

        @Test
        void maxWatermarkFiresEveryWindowUpToTheLargestEnd() {
            List<WindowUpdate> updates = List.of(
                    update("k", new Window(Long.MIN_VALUE, Long.MIN_VALUE + 10), 1, 1),
                    update("k", new Window(0, 10), 2, 2),
                    update("k", new Window(Long.MAX_VALUE - 10, Long.MAX_VALUE), 3, 3),
                    update("j", new Window(1_000_000_000_000L, 1_000_000_086_400L), 4, 4));
            backend.applyUpdates(SHARD_A, updates, SUM);
            assertThat(backend.fireDue(SHARD_A, Long.MAX_VALUE))
                    .extracting(FiredWindow::key, f -> f.window().endMs())
                    .containsExactly(
                            org.assertj.core.groups.Tuple.tuple("k", Long.MIN_VALUE + 10),
                            org.assertj.core.groups.Tuple.tuple("k", 10L),
                            org.assertj.core.groups.Tuple.tuple("j", 1_000_000_086_400L),
                            org.assertj.core.groups.Tuple.tuple("k", Long.MAX_VALUE));
        }

        @Test
        void windowEndingAtLongMaxIsDueOneMillisecondEarlier() {
            Window last = new Window(Long.MAX_VALUE - 10, Long.MAX_VALUE);
            backend.applyUpdates(SHARD_A, List.of(update("k", last, 1, 1)), SUM);
            assertThat(backend.fireDue(SHARD_A, Long.MAX_VALUE - 2)).isEmpty();
            assertThat(backend.fireDue(SHARD_A, Long.MAX_VALUE - 1)).extracting(FiredWindow::window)
                    .containsExactly(last);
        }

        @Test
        void negativeTimeWindowsFireInOrder() {
            backend.applyUpdates(SHARD_A, List.of(
                    update("k", new Window(0, 10), 1, 1),
                    update("k", new Window(-10, 0), 2, 2),
                    update("k", new Window(-30, -20), 3, 3),
                    update("k", new Window(-20, -10), 4, 4)), SUM);
            assertThat(backend.fireDue(SHARD_A, -12)).extracting(FiredWindow::window)
                    .containsExactly(new Window(-30, -20));
            assertThat(backend.fireDue(SHARD_A, -11)).extracting(FiredWindow::window)
                    .containsExactly(new Window(-30, -20), new Window(-20, -10));
            assertThat(backend.fireDue(SHARD_A, -1)).extracting(FiredWindow::window)
                    .containsExactly(new Window(-30, -20), new Window(-20, -10), new Window(-10, 0));
            assertThat(backend.fireDue(SHARD_A, Long.MIN_VALUE)).isEmpty();
        }

        @Test
        void timersBelongToTheShardThatCreatedTheWindow() {
            backend.applyUpdates(SHARD_A, List.of(update("k", new Window(0, 10), 1, 1)), SUM);
            assertThat(backend.fireDue(SHARD_B, Long.MAX_VALUE)).isEmpty();
            assertThat(backend.fireDue(SHARD_A, Long.MAX_VALUE)).hasSize(1);
        }

        @Test
        void moreDueTimersThanOneBatchGetReadsAllFire() {
            // 130 windows: more than one BatchGetItem (100 keys) and several BatchWriteItem deletes (25)
            List<WindowUpdate> updates = new ArrayList<>();
            for (int i = 0; i < 130; i++) {
                updates.add(update("key-" + i, new Window(i * 10L, i * 10L + 10), i + 1, i + 1));
            }
            backend.applyUpdates(SHARD_A, updates, SUM);
            List<FiredWindow> fired = backend.fireDue(SHARD_A, Long.MAX_VALUE);
            assertThat(fired).extracting(FiredWindow::key)
                    .containsExactlyElementsOf(updates.stream().map(WindowUpdate::key).toList());
            assertThat(fired).extracting(FiredWindow::accumulator).containsExactlyElementsOf(
                    updates.stream().map(u -> Long.toString(value(u.values().get(0).sequenceNumber().longValue())))
                            .toList());
            backend.clearTimers(SHARD_A, fired);
            assertThat(timerCount(SHARD_A)).isZero();
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
                    1_700_000_001_000L, 2));
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
        void aNextCheckpointMustBeOneVersionAhead() {
            ShardCheckpoint initial = backend.readCheckpoint(SHARD_A);
            ShardCheckpoint skipping = new ShardCheckpoint(SHARD_A, BigInteger.ONE, 0, 0, 2);
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
    }

    @Nested
    class Capacity {

        @Test
        void writesScaleWithTouchedItemsNotWithValues() {
            assertThat(backend.usage().writeUnits()).isZero();
            // 100 values across 3 (key, window) pairs
            List<WindowUpdate> updates = List.of(
                    update("a", new Window(0, 10), 1, 40),
                    update("b", new Window(0, 10), 41, 70),
                    update("a", new Window(10, 20), 71, 100));
            backend.applyUpdates(SHARD_A, updates, SUM);
            double afterFirst = backend.usage().writeUnits();
            // every item is far below 1 KB: one WCU per window write and per timer write, 3 of each
            assertThat(afterFirst).isEqualTo(3 * 1.0 + 3 * 1.0);
            double readsAfterFirst = backend.usage().readUnits();

            // 100 more values on the same pairs: the timers exist, so only the 3 window writes
            backend.applyUpdates(SHARD_A, List.of(
                    update("a", new Window(0, 10), 101, 150),
                    update("b", new Window(0, 10), 151, 160),
                    update("a", new Window(10, 20), 161, 200)), SUM);
            assertThat(backend.usage().writeUnits() - afterFirst).isEqualTo(3.0);
            // one consistent batch read of the 3 stored items (each < 4 KB): 3 RCU
            assertThat(backend.usage().readUnits() - readsAfterFirst).isEqualTo(3.0);
            // the per-record baseline (a conditional put and an update per record) would spend >= 400
            assertThat(backend.usage().writeUnits()).isLessThan(2 * 200 / 20.0);
        }

        @Test
        void aReplayedBatchWritesNothing() {
            List<WindowUpdate> updates = List.of(update("a", new Window(0, 10), 1, 50));
            backend.applyUpdates(SHARD_A, updates, SUM);
            double before = backend.usage().writeUnits();
            double readsBefore = backend.usage().readUnits();
            backend.applyUpdates(SHARD_A, updates, SUM);
            assertThat(backend.usage().writeUnits()).isEqualTo(before);
            assertThat(backend.usage().readUnits()).isGreaterThan(readsBefore);
        }

        @Test
        void checkpointsAndFiringAreCounted() {
            ShardCheckpoint initial = backend.readCheckpoint(SHARD_A);
            assertThat(backend.usage().readUnits()).isPositive();
            backend.commitCheckpoint(initial, initial.advance(BigInteger.ONE, 0, 0));
            assertThat(backend.usage().writeUnits()).isEqualTo(1.0);
            backend.applyUpdates(SHARD_A, List.of(update("a", new Window(0, 10), 1, 1)), SUM);
            double beforeFiring = backend.usage().writeUnits();
            List<FiredWindow> fired = backend.fireDue(SHARD_A, Long.MAX_VALUE);
            // the firing is one conditional write of the window item
            assertThat(backend.usage().writeUnits() - beforeFiring).isEqualTo(1.0);
            backend.clearTimers(SHARD_A, fired);
            assertThat(backend.usage().writeUnits() - beforeFiring).isEqualTo(2.0);
        }
    }
}

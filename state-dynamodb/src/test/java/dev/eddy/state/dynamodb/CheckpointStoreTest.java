package dev.eddy.state.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.metrics.Figures;
import dev.eddy.metrics.Metric;
import dev.eddy.state.BatchRange;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.StateConflictException;
import dev.eddy.state.dynamodb.fencing.SequenceNumbers;
import dev.eddy.state.dynamodb.table.StateTable;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Shard checkpoints: compare-and-set commits, 129-digit sequence numbers, running totals. */
class CheckpointStoreTest extends BackendFixture {

    static final BigInteger LONGEST_SEQUENCE = new BigInteger("9".repeat(129));

    /** Figures of every checkpointed metric, in {@link Metric#checkpointedMetrics()} order. */
    /** Records, replays, failed, late, windows, results, deadline stops, write units, read units. */
    static Figures figures(double... values) {
        List<Metric> metrics = List.of(Metric.RECORDS, Metric.REPLAYS_SKIPPED, Metric.FAILED_RECORDS,
                Metric.LATE_RECORDS, Metric.WINDOWS_FIRED, Metric.RESULTS_EMITTED, Metric.DEADLINE_STOPS,
                Metric.STATE_WRITE_UNITS, Metric.STATE_READ_UNITS);
        Figures figures = Figures.ZERO;
        for (int i = 0; i < values.length; i++) {
            figures = figures.with(metrics.get(i), values[i]);
        }
        return figures;
    }

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
        assertThat(backend.readCheckpoint(SHARD_A)).isEqualTo(new ShardCheckpoint(SHARD_A, LONGEST_SEQUENCE,
                1_700_000_000_000L, 1_700_000_001_000L, 2, Figures.ZERO));
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
        Figures batch = figures(500, 3, 2, 1, 40, 41, 1, 55.5, 12.5);
        ShardCheckpoint initial = backend.readCheckpoint(SHARD_A);
        ShardCheckpoint first = initial.advance(LONGEST_SEQUENCE.subtract(BigInteger.TEN), 10, 20, batch);
        backend.commitCheckpoint(initial, first);
        // figures of a long-lived shard: the item stays far below 1 KB, so a commit costs one write unit
        Figures large = figures(1L << 52, 1L << 40, 1L << 40, 1L << 40, 1L << 40, 1L << 40, 1L << 40,
                1e12 + 0.5, 1e12 + 0.5);
        ShardCheckpoint second = first.advance(LONGEST_SEQUENCE, 30, 40, large);
        double before = backend.usage().writeUnits();
        backend.commitCheckpoint(first, second);

        assertThat(backend.usage().writeUnits() - before).isEqualTo(1.0);
        ShardCheckpoint read = backend.readCheckpoint(SHARD_A);
        assertThat(read).isEqualTo(second);
        assertThat(read.totals()).isEqualTo(batch.plus(large));
        assertThat(read.totals().records()).isEqualTo(500 + (1L << 52));
        // a losing compare-and-set changes neither the checkpoint nor its totals, and is billed one unit
        before = backend.usage().writeUnits();
        assertThatThrownBy(() -> backend.commitCheckpoint(first, first.advance(BigInteger.ONE, 1, 1, batch)))
                .isInstanceOf(StateConflictException.class);
        assertThat(backend.usage().writeUnits() - before).isEqualTo(1.0);
        assertThat(backend.readCheckpoint(SHARD_A).totals()).isEqualTo(batch.plus(large));
    }

    @Test
    void theTotalsAreStoredUnderTheMetricsKeys() {
        ShardCheckpoint initial = backend.readCheckpoint(SHARD_A);
        backend.commitCheckpoint(initial, initial.advance(BigInteger.ONE, 1, 1, figures(1, 2, 3, 4, 5, 6, 7, 8.5,
                9.25)));
        Map<String, AttributeValue> totals = raw.getItem(b -> b.tableName(table).consistentRead(true)
                .key(StateTable.checkpointItem(SHARD_A).attributes())).item().get("totals").m();
        assertThat(totals).containsOnlyKeys("records", "replaysSkipped", "failedRecords", "lateRecords",
                "windowsFired", "resultsEmitted", "heartbeats", "idleFirings", "deadlineStops", "writeUnits",
                "readUnits");
        assertThat(totals.get("records").n()).isEqualTo("1");
        assertThat(totals.get("deadlineStops").n()).isEqualTo("7");
        assertThat(totals.get("writeUnits").n()).isEqualTo("8.5");
        assertThat(totals.get("readUnits").n()).isEqualTo("9.25");
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
        assertThat(old).isEqualTo(new ShardCheckpoint(SHARD_A, BigInteger.valueOf(77), 100, 111, 4, Figures.ZERO));
        Figures batch = figures(10, 0, 1, 0, 2, 2, 0, 4, 3);
        backend.commitCheckpoint(old, old.advance(BigInteger.valueOf(90), 120, 131, batch));
        assertThat(backend.readCheckpoint(SHARD_A).totals()).isEqualTo(batch);
        assertThat(backend.readCheckpoint(SHARD_A).version()).isEqualTo(5);
    }

    @Test
    void aNextCheckpointMustBeOneVersionAhead() {
        ShardCheckpoint initial = backend.readCheckpoint(SHARD_A);
        ShardCheckpoint skipping = new ShardCheckpoint(SHARD_A, BigInteger.ONE, 0, 0, 2, Figures.ZERO);
        assertThatThrownBy(() -> backend.commitCheckpoint(initial, skipping))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("from version 0 to 2");
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
        ShardCheckpoint c = ShardCheckpoint.initial(SHARD_A).advance(LONGEST_SEQUENCE.subtract(BigInteger.ONE), 5, 10);
        BatchRange drain = BatchRange.drain(c);
        assertThat(drain.first()).isEqualTo(LONGEST_SEQUENCE).isEqualTo(drain.last());
        assertThat(drain.crossing(Long.MIN_VALUE)).isEqualTo(LONGEST_SEQUENCE);
        assertThat(drain.crossing(Long.MAX_VALUE)).isEqualTo(LONGEST_SEQUENCE);
        assertThat(BatchRange.drain(ShardCheckpoint.initial(SHARD_A)).first()).isEqualTo(BigInteger.ZERO);
    }
}

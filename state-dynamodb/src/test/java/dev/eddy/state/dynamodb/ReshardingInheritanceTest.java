package dev.eddy.state.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.eddy.metrics.Figures;
import dev.eddy.metrics.Metric;
import dev.eddy.state.Firing;
import dev.eddy.state.KeyUpdate;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.ShardLineage;
import dev.eddy.state.StateBackend.Due;
import dev.eddy.state.dynamodb.table.StateTable;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** A child shard continues its parents: their watermark, and the timers of the keys it now owns. */
class ReshardingInheritanceTest extends BackendFixture {

    static final String CHILD = "shardId-000000000002";
    static final String OTHER_CHILD = "shardId-000000000003";

    static KeyUpdate keyed(KeyUpdate update, String partitionKey) {
        return new KeyUpdate(update.key(), update.values(), partitionKey);
    }

    /** Commits a checkpoint whose batch counted {@code last} records. */
    void commit(String shard, long last, long watermark, long maxEventTime) {
        ShardCheckpoint c = backend.readCheckpoint(shard);
        backend.commitCheckpoint(c, c.advance(big(last), watermark, maxEventTime, Figures.of(Metric.RECORDS, last)
                .with(Metric.STATE_WRITE_UNITS, 1).with(Metric.STATE_READ_UNITS, 1)));
    }

    @Test
    void aChildTakesItsParentsWatermarkAndTheTimersOfTheKeysItOwns() {
        apply(SHARD_A, NOT_DUE, keyed(update("k", W, 1, 1), "pk-k"), keyed(update("j", W, 2, 2), "pk-j"));
        commit(SHARD_A, 2, 5, 16);

        ShardCheckpoint child = backend.inherit(CHILD, List.of(SHARD_A), "pk-k"::equals);
        assertThat(child).isEqualTo(new ShardCheckpoint(CHILD, null, 5, 16, 0, Figures.ZERO));
        // a retried first batch inherits again: nothing is taken twice
        assertThat(backend.inherit(CHILD, List.of(SHARD_A), "pk-k"::equals)).isEqualTo(child);

        Due due = backend.fireDue(CHILD, range(10, 10, Map.of(9L, 10L)), 9, at(9));
        assertThat(due.firings()).extracting(Firing::key, Firing::accumulator)
                .containsExactly(tuple("k", Long.toString(value(1))));
        backend.clearTimers(CHILD, due.timers());
        assertThat(backend.fireDue(CHILD, range(11, 11, Map.of(20L, 11L)), 20, at(20)).firings()).isEmpty();
        // the other child takes j
        assertThat(backend.fireDue(OTHER_CHILD, range(10, 10), 9, at(9)).firings()).isEmpty();
        backend.inherit(OTHER_CHILD, List.of(SHARD_A), "pk-j"::equals);
        assertThat(backend.fireDue(OTHER_CHILD, range(10, 10, Map.of(9L, 10L)), 9, at(9)).firings())
                .extracting(Firing::key).containsExactly("j");
    }

    @Test
    void theParentsBucketsExpireAfterTheRetentionAndTimersOfAnUnknownPartitionKeyGoToEveryChild() {
        apply(SHARD_A, NOT_DUE, update("k", W, 1, 1));
        commit(SHARD_A, 1, 5, 5);
        long before = java.time.Instant.now().getEpochSecond();
        backend.inherit(CHILD, List.of(SHARD_A), pk -> false);
        backend.inherit(OTHER_CHILD, List.of(SHARD_A), pk -> false);

        List<Map<String, AttributeValue>> parentBuckets = raw.query(b -> b.tableName(table).consistentRead(true)
                .keyConditionExpression("pk = :pk")
                .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(StateTable.timerPk(SHARD_A))))).items();
        assertThat(parentBuckets).singleElement().satisfies(bucket -> assertThat(
                Long.parseLong(bucket.get(StateTable.EXPIRES_AT).n())).isBetween(
                        before + DynamoDbStateBackend.CLEANED_UP_RETENTION.toSeconds(),
                        before + DynamoDbStateBackend.CLEANED_UP_RETENTION.toSeconds() + 60));
        // both children hold k's timer: the first to reach it fires the window, once, and the other finds it stale
        assertThat(backend.fireDue(CHILD, range(10, 10, Map.of(9L, 10L)), 9, at(9)).firings()).hasSize(1);
        assertThat(backend.fireDue(OTHER_CHILD, range(20, 20, Map.of(9L, 20L)), 9, at(9)).firings()).isEmpty();
        assertThat(window("k", W).firings()).isEqualTo(1);
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
    void aChildHasBeenIdleSinceItsParentsLastRecordSoHeartbeatsFireWhatItTookOver() {
        ShardCheckpoint a = backend.readCheckpoint(SHARD_A);
        backend.commitCheckpoint(a, a.advance(big(3), 50, 61).arrived(1_000));
        ShardCheckpoint b = backend.readCheckpoint(SHARD_B);
        backend.commitCheckpoint(b, b.advance(big(4), 30, 41).arrived(2_000));

        assertThat(backend.inherit(CHILD, List.of(SHARD_A, SHARD_B), pk -> true).lastArrivalMs()).isEqualTo(2_000);
    }

    @Test
    void aShardWhoseParentsWereNeverCommittedStartsFresh() {
        assertThat(backend.inherit(CHILD, List.of(SHARD_A), pk -> true)).isEqualTo(ShardCheckpoint.initial(CHILD));
    }

    @Test
    void theOwnerFollowsKinesisHashKeyRanges() {
        BigInteger half = BigInteger.TWO.pow(127);
        var low = new ShardLineage.Shard("a", List.of(), BigInteger.ZERO, half.subtract(BigInteger.ONE));
        var high = new ShardLineage.Shard("b", List.of(), half, BigInteger.TWO.pow(128).subtract(BigInteger.ONE));
        for (String partitionKey : List.of("LAX", "SFO", "ORD", "", "k\u00e9y")) {
            assertThat(low.owns(partitionKey)).isNotEqualTo(high.owns(partitionKey));
        }
        // MD5("LAX") is below or above the half, as its first bit says
        assertThat(ShardLineage.Shard.hashKey("LAX").testBit(127)).isEqualTo(high.owns("LAX"));
    }
}

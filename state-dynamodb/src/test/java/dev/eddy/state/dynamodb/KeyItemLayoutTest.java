package dev.eddy.state.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.state.BatchRange;
import dev.eddy.state.Firing;
import dev.eddy.state.KeyLogic;
import dev.eddy.state.KeyState;
import dev.eddy.state.KeyUpdate;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.StateBackend.Due;
import dev.eddy.state.dynamodb.WindowSums.Element;
import dev.eddy.state.dynamodb.fencing.SequenceNumbers;
import dev.eddy.state.dynamodb.table.ItemKey;
import dev.eddy.state.dynamodb.table.StateTable;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The layout of a key's item ({@code docs/state.md}, "Item types"), read straight from DynamoDB: what this version
 * writes, what it reads of items an earlier version wrote, hashed keys, time to live, the item size limit.
 */
class KeyItemLayoutTest extends BackendFixture {

    static final String ALL_TIME_SK = "00000000000000000000#18446744073709551615";

    Map<String, AttributeValue> item(ItemKey key) {
        Map<String, AttributeValue> item = raw.getItem(b -> b.tableName(table).consistentRead(true)
                .key(key.attributes())).item();
        return item == null || item.isEmpty() ? null : item;
    }

    @Test
    void aKeyItemHoldsItsStateFencingPendingFiringsAndTimer() {
        BigInteger longest = new BigInteger("9".repeat(129));
        BigInteger previous = longest.subtract(BigInteger.ONE);
        backend.applyUpdates(SHARD_A, new BatchRange(previous, longest, new TreeMap<>()), List.of(
                new KeyUpdate("k", List.of(new SequencedValue(previous, new Element(W, 3), 1, false),
                        new SequencedValue(longest, new Element(W, 4), 2, false)))), at(20, 50));

        assertThat(StateTable.stateItem("k")).isEqualTo(new ItemKey("W#k", ALL_TIME_SK));
        Map<String, AttributeValue> item = item(new ItemKey("W#k", ALL_TIME_SK));
        assertThat(item.get("acc").s()).isEqualTo("0,10,1,7,0");
        assertThat(item.get("ver").n()).isEqualTo("1");
        assertThat(item.get("seqs").m()).containsOnlyKeys(SHARD_A);
        assertThat(item.get("seqs").m().get(SHARD_A).s()).isEqualTo(SequenceNumbers.encode(longest));
        assertThat(item.get("fired").n()).isEqualTo("1");
        assertThat(item.get("pending").l()).hasSize(1);
        Map<String, AttributeValue> pending = item.get("pending").l().get(0).m();
        assertThat(pending.get("f").n()).isEqualTo("0");
        assertThat(pending.get("acc").s()).isEqualTo("7");
        assertThat(pending.get("tag").s()).isEqualTo(SequenceNumbers.encode(longest));
        assertThat(pending.get("ws").n()).isEqualTo("0");
        assertThat(pending.get("we").n()).isEqualTo("10");
        assertThat(item.get("timer").n()).isEqualTo("59");
        assertThat(item).doesNotContainKeys(StateTable.EXPIRES_AT, "ptimer", "cleaned", StateTable.KEY);
        // its clean-up timer, in the bucket of the shard and batch that wrote it, sorted by due time
        Map<String, AttributeValue> timer = item(new ItemKey(StateTable.timerPk(SHARD_A),
                StateTable.timerSk(59, SequenceNumbers.encode(previous), 0)));
        assertThat(timer.get("entries").ss()).containsExactly("|-|k");
        assertThat(timer.get("at").n()).isEqualTo("59");
    }

    @Test
    void aCleanedUpKeyExpiresByTimeToLiveAndHasNoTimer() {
        long before = Instant.now().getEpochSecond();
        apply(SHARD_A, at(100), update("k", W, 1, 1));
        Map<String, AttributeValue> item = item(StateTable.stateItem("k"));
        assertThat(item).doesNotContainKey("timer");
        assertThat(item.get("cleaned").bool()).isTrue();
        assertThat(Long.parseLong(item.get(StateTable.EXPIRES_AT).n()))
                .isBetween(before + DynamoDbStateBackend.CLEANED_UP_RETENTION.toSeconds(),
                        before + DynamoDbStateBackend.CLEANED_UP_RETENTION.toSeconds() + 60);
    }

    @Test
    void aStateWithItsOwnExpiryKeepsItAndLiveStateNeverExpires() {
        Instant expiry = Instant.parse("2030-01-01T00:00:00Z");
        KeyLogic expiring = new KeyLogic() {
            @Override
            public Outcome apply(String key, KeyState stored, List<SequencedValue> fresh) {
                return new Outcome(new KeyState("", 0, List.of(), null, false, expiry), List.of());
            }

            @Override
            public KeyState onTimer(String key, KeyState stored, long timerMs, BigInteger tag) {
                return stored;
            }
        };
        apply(SHARD_A, expiring, update("k", W, 1, 1));
        assertThat(item(StateTable.stateItem("k")).get(StateTable.EXPIRES_AT).n())
                .isEqualTo(Long.toString(expiry.getEpochSecond()));
        apply(SHARD_A, NOT_DUE, update("k", W, 2, 2));
        assertThat(item(StateTable.stateItem("k"))).doesNotContainKey(StateTable.EXPIRES_AT);
    }

    /** A table an earlier Eddy wrote: items and timer entries read the same, old window parts included. */
    @Test
    void itemsAndTimersWrittenByAnEarlierVersionReadTheSame() {
        raw.putItem(b -> b.tableName(table).item(Map.of(
                StateTable.PK, AttributeValue.fromS("W#k"),
                StateTable.SK, AttributeValue.fromS(ALL_TIME_SK),
                "acc", AttributeValue.fromS("0,10,0," + (value(1) + value(2)) + ",0"),
                "ver", AttributeValue.fromN("3"),
                "seqs", AttributeValue.fromM(Map.of(SHARD_A, AttributeValue.fromS(SequenceNumbers.encode(big(2))))),
                "fired", AttributeValue.fromN("0"),
                "pending", AttributeValue.fromL(List.of()),
                "timer", AttributeValue.fromN("9"))));
        raw.updateItem(b -> b.tableName(table).key(new ItemKey(StateTable.timerPk(SHARD_A),
                        StateTable.timerSk(9, SequenceNumbers.encode(big(1)), 0)).attributes())
                .updateExpression("ADD entries :e SET #at = :at").expressionAttributeNames(Map.of("#at", "at"))
                .expressionAttributeValues(Map.of(":e", AttributeValue.fromSs(List.of("|-|k", "0,10|-|k")),
                        ":at", AttributeValue.fromN("9"))));

        Recording logic = new Recording(NOT_DUE);
        apply(SHARD_A, logic, update("k", W, 1, 3));
        assertThat(logic.seen).containsExactly(3L);
        assertThat(storedSum("k", W)).isEqualTo(Long.toString(sumOfValues(1, 3)));
        assertThat(item(StateTable.stateItem("k")).get("ver").n()).isEqualTo("4");

        // both entries name k's item: it is written once and fires once
        Recording firing = new Recording(at(9));
        Due due = backend.fireDue(SHARD_A, range(4, 4, Map.of(9L, 4L)), 9, firing);
        assertThat(firing.timers).containsExactly(9L);
        assertThat(due.firings()).containsExactly(firing("k", W, 0, sumOfValues(1, 3), 4));
    }

    @Test
    void aKeyOverTheRawLimitIsStoredUnderItsHashAndKeepsTheKey() {
        String key = "é".repeat(StateTable.MAX_RAW_KEY_BYTES / 2) + "!";
        apply(SHARD_A, NOT_DUE, update(key, W, 1, 2));
        ItemKey hashed = StateTable.stateItem(key);
        assertThat(hashed.pk()).hasSize(2 + 64);
        assertThat(hashed.sk()).isEqualTo(ALL_TIME_SK + "#sha256");
        assertThat(item(hashed).get(StateTable.KEY).s()).isEqualTo(key);
        assertThat(storedSum(key, W)).isEqualTo(Long.toString(sumOfValues(1, 2)));
        assertThat(fireAll(SHARD_A, 3).firings()).extracting(Firing::key).containsExactly(key);
    }

    /** A logic whose state is the given accumulator, with the given pending firings. */
    static KeyLogic writing(String accumulator, List<Firing> pending) {
        return new KeyLogic() {
            @Override
            public Outcome apply(String key, KeyState stored, List<SequencedValue> fresh) {
                return new Outcome(new KeyState(accumulator, pending.size(), pending, null, false), List.of());
            }

            @Override
            public KeyState onTimer(String key, KeyState stored, long timerMs, BigInteger tag) {
                return stored;
            }
        };
    }

    @Test
    void tooLargeAnItemIsRefusedWithAClearMessage() {
        String huge = "\"" + "x".repeat(DynamoDbStateBackend.MAX_ITEM_BYTES) + "\"";
        assertThatThrownBy(() -> apply(SHARD_A, writing(huge, List.of()), update("k", W, 1, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("400 KB")
                .hasMessageContaining("'k'")
                .hasMessageContaining("keep accumulators small");
        assertThat(stored("k")).isNull();
    }

    @Test
    void pendingFiringsCountTowardsTheItemLimit() {
        String half = "\"" + "x".repeat(DynamoDbStateBackend.MAX_ITEM_BYTES / 2 + 10) + "\"";
        assertThatThrownBy(() -> apply(SHARD_A, writing(half, List.of(new Firing("k", W, 0, half, big(1)))),
                update("k", W, 1, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("400 KB");
        assertThat(stored("k")).isNull();
    }

    @Test
    void theItemLimitCountsUtf8BytesAsDynamoDbDoes() {
        // 2 bytes a character: fewer characters than the limit, more bytes
        String accented = "é".repeat(DynamoDbStateBackend.MAX_ITEM_BYTES / 2 + 10);
        assertThatThrownBy(() -> apply(SHARD_A, writing(accented, List.of()), update("k", W, 1, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("400 KB");
        // just under the limit, in bytes, is written
        String fits = "é".repeat(DynamoDbStateBackend.MAX_ITEM_BYTES / 2 - 200);
        apply(SHARD_A, writing(fits, List.of()), update("k", W, 1, 1));
        assertThat(stored("k").accumulator()).isEqualTo(fits);
    }
}

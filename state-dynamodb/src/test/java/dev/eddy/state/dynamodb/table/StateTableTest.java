package dev.eddy.state.dynamodb.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.state.dynamodb.fencing.SequenceNumbers;
import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

class StateTableTest {

    @Property(tries = 2000)
    void timerBucketSortKeysOfAShardSortByTime(@ForAll long timeA, @ForAll long timeB,
            @ForAll @LongRange(min = 0) long batchA, @ForAll @LongRange(min = 0) long batchB,
            @ForAll @IntRange(min = 0, max = 99) int chunkA, @ForAll @IntRange(min = 0, max = 99) int chunkB) {
        String a = StateTable.timerSk(timeA, SequenceNumbers.encode(BigInteger.valueOf(batchA)), chunkA);
        String b = StateTable.timerSk(timeB, SequenceNumbers.encode(BigInteger.valueOf(batchB)), chunkB);
        if (timeA != timeB) {
            assertThat(Integer.signum(a.compareTo(b))).isEqualTo(Long.compare(timeA, timeB));
        } else {
            assertThat(a.equals(b)).isEqualTo(batchA == batchB && chunkA == chunkB);
        }
    }

    @Example
    void aKeysItemIsItsKeyAndAllOfTime() {
        assertThat(StateTable.stateItem("LAX"))
                .isEqualTo(new ItemKey("W#LAX", "00000000000000000000#18446744073709551615"));
        assertThat(StateTable.stateItem("y".repeat(2_000)).sk())
                .isEqualTo("00000000000000000000#18446744073709551615#sha256");
        assertThat(StateTable.checkpointItem("shardId-1")).isEqualTo(new ItemKey("C#shardId-1", "checkpoint"));
    }

    /** Every key has an item of its own: raw keys with any character, and long keys stored under their hash. */
    @Property(tries = 2000)
    void eachKeyHasItsOwnItem(@ForAll("keys") String a, @ForAll("keys") String b) {
        assertThat(StateTable.stateItem(a).equals(StateTable.stateItem(b))).isEqualTo(a.equals(b));
        assertThat(Hashes.utf8Length(StateTable.stateItem(a).pk())).isLessThanOrEqualTo(2_048);
    }

    @Provide
    Arbitrary<String> keys() {
        Arbitrary<String> tail = Arbitraries.strings().withChars('\u0000', '#', 'a', 'é', '😀').ofMaxLength(3);
        Arbitrary<String> head = Arbitraries.of("", "W#", "x".repeat(StateTable.MAX_RAW_KEY_BYTES - 1),
                "é".repeat(StateTable.MAX_RAW_KEY_BYTES / 2), "y".repeat(5_000));
        return net.jqwik.api.Combinators.combine(head, tail).as(String::concat);
    }

    @Property(tries = 1000)
    void utf8LengthIsTheEncodedLength(@ForAll String text) {
        net.jqwik.api.Assume.that(text.chars().noneMatch(c -> Character.isSurrogate((char) c)));
        assertThat(Hashes.utf8Length(text)).isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
    }
}

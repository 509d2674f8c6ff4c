package dev.eddy.state.dynamodb.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.window.Window;
import dev.eddy.state.dynamodb.fencing.SequenceNumbers;
import java.math.BigInteger;
import net.jqwik.api.ForAll;
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

    @Property(tries = 1000)
    void windowSortKeysAreDistinctPerWindow(@ForAll long startA, @ForAll @LongRange(min = 1, max = 5000) long sizeA,
            @ForAll long startB, @ForAll @LongRange(min = 1, max = 5000) long sizeB) {
        if (startA > Long.MAX_VALUE - sizeA || startB > Long.MAX_VALUE - sizeB) {
            return;
        }
        Window a = new Window(startA, startA + sizeA);
        Window b = new Window(startB, startB + sizeB);
        assertThat(StateTable.windowSk(a).equals(StateTable.windowSk(b))).isEqualTo(a.equals(b));
    }
}

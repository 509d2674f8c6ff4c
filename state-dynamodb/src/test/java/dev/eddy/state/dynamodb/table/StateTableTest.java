package dev.eddy.state.dynamodb.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.window.Window;
import java.util.Comparator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class StateTableTest {

    @Property(tries = 2000)
    void timerSortKeysOfAShardSortByTimerTimeThenWindow(
            @ForAll long timeA, @ForAll long timeB,
            @ForAll @LongRange(min = -1_000_000, max = 1_000_000) long startA, @ForAll @LongRange(min = 1, max = 5000) long sizeA,
            @ForAll @LongRange(min = -1_000_000, max = 1_000_000) long startB, @ForAll @LongRange(min = 1, max = 5000) long sizeB,
            @ForAll String keyA, @ForAll String keyB) {
        Window a = new Window(startA, startA + sizeA);
        Window b = new Window(startB, startB + sizeB);
        Comparator<Object[]> byTimeThenWindow = Comparator.<Object[]>comparingLong(x -> (Long) x[0])
                .thenComparingLong(x -> ((Window) x[1]).startMs()).thenComparingLong(x -> ((Window) x[1]).endMs());
        int byTime = Integer.signum(byTimeThenWindow.compare(new Object[] {timeA, a}, new Object[] {timeB, b}));
        int bySortKey = Integer.signum(StateTable.timerSk(keyA, a, timeA).compareTo(StateTable.timerSk(keyB, b, timeB)));
        if (byTime != 0) {
            assertThat(bySortKey).isEqualTo(byTime);
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

package dev.eddy.state.dynamodb.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.window.Window;
import java.util.Comparator;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class StateTableTest {

    private static final Comparator<Window> BY_END_THEN_START =
            Comparator.comparingLong(Window::endMs).thenComparingLong(Window::startMs);

    @Property(tries = 2000)
    void timerSortKeysOfAShardSortByWindowEndThenStart(
            @ForAll @LongRange(min = -1_000_000, max = 1_000_000) long startA, @ForAll @LongRange(min = 1, max = 5000) long sizeA,
            @ForAll @LongRange(min = -1_000_000, max = 1_000_000) long startB, @ForAll @LongRange(min = 1, max = 5000) long sizeB,
            @ForAll String keyA, @ForAll String keyB) {
        Window a = new Window(startA, startA + sizeA);
        Window b = new Window(startB, startB + sizeB);
        int byWindow = Integer.signum(BY_END_THEN_START.compare(a, b));
        int bySortKey = Integer.signum(StateTable.timerSk(keyA, a).compareTo(StateTable.timerSk(keyB, b)));
        if (byWindow != 0) {
            assertThat(bySortKey).isEqualTo(byWindow);
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

package dev.eddy.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;

class TumblingWindowsTest {

    private static final BigInteger LONG_MIN = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

    /** An assigner and a timestamp, with sizes and timestamps drawn from realistic and extreme ranges. */
    record Case(long size, long offset, long ts) {
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Long> sizes = Arbitraries.oneOf(
                Arbitraries.longs().between(1, 100),
                Arbitraries.longs().between(1, Duration.ofDays(400).toMillis()),
                Arbitraries.longs().between(1, Long.MAX_VALUE));
        Arbitrary<Long> timestamps = Arbitraries.oneOf(
                Arbitraries.longs().between(-10_000, 10_000),
                Arbitraries.longs().between(-Duration.ofDays(365 * 200).toMillis(),
                        Duration.ofDays(365 * 200).toMillis()),
                Arbitraries.longs());
        return Combinators.combine(sizes, timestamps, Arbitraries.doubles().between(0, 1))
                .as((size, ts, fraction) -> new Case(size, Math.min(size - 1, (long) (fraction * size)), ts));
    }

    /**
     * Reference model: the window start is the largest number {@code k * size + offset} not above ts, found by
     * floor division in arbitrary precision (no floorMod, no overflow).
     */
    private static BigInteger referenceStart(long size, long offset, long ts) {
        BigInteger shifted = BigInteger.valueOf(ts).subtract(BigInteger.valueOf(offset));
        BigInteger[] qr = shifted.divideAndRemainder(BigInteger.valueOf(size));
        BigInteger k = qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
        return k.multiply(BigInteger.valueOf(size)).add(BigInteger.valueOf(offset));
    }

    @Property(tries = 3000)
    void assignedWindowIsTheReferenceWindow(@ForAll("cases") Case c) {
        TumblingWindows windows = new TumblingWindows(c.size(), c.offset());
        BigInteger start = referenceStart(c.size(), c.offset(), c.ts());
        BigInteger end = start.add(BigInteger.valueOf(c.size()));
        if (start.compareTo(LONG_MIN) < 0 || end.compareTo(LONG_MAX) > 0) {
            // The window cannot be represented in ms since the epoch as a long: a clear error, not a wrong window.
            assertThatThrownBy(() -> windows.assign(c.ts()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(Long.toString(c.ts()));
            return;
        }
        Window[] assigned = windows.assign(c.ts());
        assertThat(assigned).containsExactly(new Window(start.longValueExact(), end.longValueExact()));
    }

    @Property(tries = 3000)
    void timestampLiesInItsHalfOpenWindow(@ForAll("cases") Case c) {
        TumblingWindows windows = new TumblingWindows(c.size(), c.offset());
        Window w;
        try {
            w = windows.assign(c.ts())[0];
        } catch (IllegalArgumentException unrepresentable) {
            return; // pinned by assignedWindowIsTheReferenceWindow
        }
        assertThat(c.ts()).isGreaterThanOrEqualTo(w.startMs()).isLessThan(w.endMs());
        assertThat(w.endMs() - w.startMs()).isEqualTo(c.size());
        assertThat(Math.floorMod(w.startMs(), c.size())).isEqualTo(c.offset());
        assertThat(w.maxTimestamp()).isEqualTo(w.endMs() - 1);
    }

    @Property
    void windowsAreHalfOpenAndAdjacent(@ForAll @LongRange(min = 1, max = 1_000_000) long size,
            @ForAll @LongRange(min = -1_000_000_000_000L, max = 1_000_000_000_000L) long ts) {
        TumblingWindows windows = TumblingWindows.of(Duration.ofMillis(size));
        Window w = windows.assign(ts)[0];
        // the end belongs to the next window, which starts exactly there; the start belongs to this one
        assertThat(windows.assign(w.endMs())).containsExactly(new Window(w.endMs(), w.endMs() + size));
        assertThat(windows.assign(w.startMs())).containsExactly(w);
        assertThat(windows.assign(w.maxTimestamp())).containsExactly(w);
        assertThat(windows.assign(w.startMs() - 1)).containsExactly(new Window(w.startMs() - size, w.startMs()));
    }

    @Example
    void negativeTimestampsBelongToTheWindowBelowZero() {
        TumblingWindows tenMs = TumblingWindows.of(Duration.ofMillis(10));
        assertThat(tenMs.assign(-1)).containsExactly(new Window(-10, 0));
        assertThat(tenMs.assign(-10)).containsExactly(new Window(-10, 0));
        assertThat(tenMs.assign(-11)).containsExactly(new Window(-20, -10));
        assertThat(tenMs.assign(0)).containsExactly(new Window(0, 10));
    }

    @Example
    void offsetShiftsWindowStarts() {
        TumblingWindows days8h = TumblingWindows.of(Duration.ofDays(1)).withOffset(Duration.ofHours(8));
        long day = Duration.ofDays(1).toMillis();
        long eight = Duration.ofHours(8).toMillis();
        assertThat(days8h.assign(0)).containsExactly(new Window(eight - day, eight));
        assertThat(days8h.assign(eight)).containsExactly(new Window(eight, eight + day));
        assertThat(days8h.assign(-1)).containsExactly(new Window(eight - day, eight));
    }

    @Example
    void extremeTimestampsGetTheirWindowWhenItFitsInALong() {
        TumblingWindows tenMs = new TumblingWindows(10, 5);
        // Long.MIN_VALUE + 3 = ...805 ≡ 5 (mod 10): it starts a window
        assertThat(tenMs.assign(Long.MIN_VALUE + 3))
                .containsExactly(new Window(Long.MIN_VALUE + 3, Long.MIN_VALUE + 13));
        assertThatThrownBy(() -> tenMs.assign(Long.MAX_VALUE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Example
    void sizeMustBePositive() {
        assertThatThrownBy(() -> new TumblingWindows(0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("size must be positive");
        assertThatThrownBy(() -> new TumblingWindows(-5, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-5");
        assertThatThrownBy(() -> TumblingWindows.of(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TumblingWindows.of(Duration.ofNanos(999_999)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Example
    void offsetMustLieInZeroToSize() {
        assertThatThrownBy(() -> new TumblingWindows(10, 10))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offset");
        assertThatThrownBy(() -> new TumblingWindows(10, -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> TumblingWindows.of(Duration.ofHours(1)).withOffset(Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new TumblingWindows(10, 9).offsetMs()).isEqualTo(9);
    }

    @Example
    void windowEndMustFollowItsStart() {
        assertThatThrownBy(() -> new Window(5, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Window(5, 4)).isInstanceOf(IllegalArgumentException.class);
    }
}

package dev.eddy.window;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SlidingWindowsTest {

    record Case(long size, long slide, long offset, long ts) {
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Long> slides = Arbitraries.oneOf(Arbitraries.longs().between(1, 50),
                Arbitraries.longs().between(1, Duration.ofDays(2).toMillis()));
        Arbitrary<Long> timestamps = Arbitraries.oneOf(Arbitraries.longs().between(-5_000, 5_000),
                Arbitraries.longs().between(-Duration.ofDays(365 * 100).toMillis(),
                        Duration.ofDays(365 * 100).toMillis()));
        return Combinators.combine(slides, Arbitraries.integers().between(1, 100), Arbitraries.longs().between(0, 49),
                        Arbitraries.doubles().between(0, 1), timestamps)
                .as((slide, windows, extra, fraction, ts) -> {
                    long size = Math.max(slide, slide * windows - Math.min(extra, slide - 1));
                    return new Case(size, slide, Math.min(slide - 1, (long) (fraction * slide)), ts);
                });
    }

    /**
     * Reference model: every window start k * slide + offset, for k between two floor divisions in arbitrary
     * precision, kept when [start, start + size) holds ts; newest start first.
     */
    private static List<Window> reference(Case c) {
        BigInteger slide = BigInteger.valueOf(c.slide());
        BigInteger offset = BigInteger.valueOf(c.offset());
        BigInteger ts = BigInteger.valueOf(c.ts());
        BigInteger low = floorDiv(ts.subtract(BigInteger.valueOf(c.size())).subtract(offset), slide);
        BigInteger high = floorDiv(ts.subtract(offset), slide);
        List<Window> windows = new ArrayList<>();
        for (BigInteger k = high; k.compareTo(low) >= 0; k = k.subtract(BigInteger.ONE)) {
            BigInteger start = k.multiply(slide).add(offset);
            BigInteger end = start.add(BigInteger.valueOf(c.size()));
            if (start.compareTo(ts) <= 0 && ts.compareTo(end) < 0) {
                windows.add(new Window(start.longValueExact(), end.longValueExact()));
            }
        }
        return windows;
    }

    private static BigInteger floorDiv(BigInteger a, BigInteger b) {
        BigInteger[] qr = a.divideAndRemainder(b);
        return qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
    }

    @Property(tries = 2000)
    void assignedWindowsAreExactlyTheWindowsThatHoldTheTimestamp(@ForAll("cases") Case c) {
        SlidingWindows windows = new SlidingWindows(c.size(), c.slide(), c.offset());

        assertThat(windows.assign(c.ts())).containsExactlyElementsOf(reference(c));
    }

    @Property(tries = 1000)
    void anElementBelongsToSizeOverSlideWindowsRoundedUpOrDown(@ForAll("cases") Case c) {
        int n = new SlidingWindows(c.size(), c.slide(), c.offset()).assign(c.ts()).length;

        assertThat(n).isBetween((int) (c.size() / c.slide()), (int) ((c.size() + c.slide() - 1) / c.slide()));
    }

    @Property(tries = 500)
    void aSlideEqualToTheSizeGivesTheTumblingWindow(@ForAll("cases") Case c) {
        long size = c.slide();
        assertThat(new SlidingWindows(size, size, c.offset()).assign(c.ts()))
                .containsExactly(new TumblingWindows(size, c.offset()).assign(c.ts()));
    }

    @Example
    void threeHourWindowsSlidingByOneHour() {
        long hour = Duration.ofHours(1).toMillis();
        Window[] windows = SlidingWindows.of(Duration.ofHours(3), Duration.ofHours(1)).assign(5 * hour + 30 * 60_000);

        assertThat(windows).containsExactly(new Window(5 * hour, 8 * hour), new Window(4 * hour, 7 * hour),
                new Window(3 * hour, 6 * hour));
    }

    @Example
    void negativeTimestampsBelongToWindowsBeforeTheEpoch() {
        assertThat(SlidingWindows.of(Duration.ofMillis(10), Duration.ofMillis(5)).assign(-1))
                .containsExactly(new Window(-5, 5), new Window(-10, 0));
    }

    @Example
    void invalidShapesAreRejectedWithTheirReason() {
        assertThatThrownBy(() -> SlidingWindows.of(Duration.ofMinutes(1), Duration.ofMinutes(2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("would belong to none");
        assertThatThrownBy(() -> SlidingWindows.of(Duration.ofDays(1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than 100 windows");
        assertThatThrownBy(() -> new SlidingWindows(10, 0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SlidingWindows(10, 5, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset");
    }
}

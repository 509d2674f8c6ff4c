package dev.eddy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class WatermarksTest {

    @Property(tries = 2000)
    void boundedIsMaxMinusBoundMinusOneSaturatingAtLongMin(@ForAll long maxTimestamp,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long bound) {
        BigInteger exact = BigInteger.valueOf(maxTimestamp).subtract(BigInteger.valueOf(bound))
                .subtract(BigInteger.ONE);
        long expected = exact.max(BigInteger.valueOf(Long.MIN_VALUE)).longValueExact();
        assertThat(Watermarks.bounded(maxTimestamp, bound)).isEqualTo(expected);
    }

    @Property
    void watermarkIsMonotoneInTheMaxTimestamp(@ForAll long a, @ForAll long b,
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long bound) {
        long lo = Math.min(a, b);
        long hi = Math.max(a, b);
        assertThat(Watermarks.bounded(lo, bound)).isLessThanOrEqualTo(Watermarks.bounded(hi, bound));
    }

    @Example
    void watermarkOfTheFlinkExample() {
        // Flink: BoundedOutOfOrdernessWatermarks emits maxTimestamp - outOfOrderness - 1
        assertThat(Watermarks.bounded(10_000, 2_000)).isEqualTo(7_999);
        assertThat(Watermarks.bounded(0, 0)).isEqualTo(-1);
    }

    @Example
    void noRecordMeansLongMin() {
        assertThat(Watermarks.bounded(Long.MIN_VALUE, 0)).isEqualTo(Long.MIN_VALUE);
        assertThat(Watermarks.bounded(Long.MIN_VALUE, 10)).isEqualTo(Long.MIN_VALUE);
    }

    @Example
    void saturatesInsteadOfOverflowing() {
        assertThat(Watermarks.bounded(Long.MIN_VALUE + 5, 10)).isEqualTo(Long.MIN_VALUE);
        assertThat(Watermarks.bounded(Long.MIN_VALUE + 11, 10)).isEqualTo(Long.MIN_VALUE);
        assertThat(Watermarks.bounded(Long.MIN_VALUE + 12, 10)).isEqualTo(Long.MIN_VALUE + 1);
        assertThat(Watermarks.bounded(-1, Long.MAX_VALUE)).isEqualTo(Long.MIN_VALUE);
        assertThat(Watermarks.bounded(0, Long.MAX_VALUE)).isEqualTo(Long.MIN_VALUE);
        assertThat(Watermarks.bounded(Long.MAX_VALUE, Long.MAX_VALUE)).isEqualTo(-1);
        assertThat(Watermarks.bounded(Long.MAX_VALUE, 0)).isEqualTo(Long.MAX_VALUE - 1);
    }
}

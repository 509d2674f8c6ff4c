package dev.eddy.emulator.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.emulator.bench.IteratorAges.Span;
import dev.eddy.emulator.bench.IteratorAges.Verdict;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/** The soak's verdict on synthetic iterator-age series: one invocation every 100 ms for 3 minutes. */
class IteratorAgesTest {

    private static final long RUN_MS = 180_000;

    private static IteratorAges series(LongUnaryOperator ageAt) {
        IteratorAges ages = new IteratorAges();
        for (long at = 0; at < RUN_MS; at += 100) {
            ages.add(at, ageAt.applyAsLong(at));
        }
        return ages;
    }

    private static Verdict verdict(IteratorAges ages) {
        Span[] thirds = ages.thirds(RUN_MS);
        return IteratorAges.verdict(thirds[0], thirds[1]);
    }

    @Test
    void aFlatSeriesHeldEvenWithSlowInvocationsInTheLastThird() {
        IteratorAges flat = series(at -> 150 + at % 700 / 10);

        assertThat(verdict(flat)).isEqualTo(Verdict.HELD);
        IteratorAges spiky = series(at -> at > 150_000 && at % 5_000 == 0 ? 8_000 : 150);
        assertThat(spiky.thirds(RUN_MS)[1].maxMs()).isEqualTo(8_000);
        assertThat(verdict(spiky)).as("the median, not the max, decides").isEqualTo(Verdict.HELD);
    }

    @Test
    void aGrowingSeriesGrewOnceTheMedianRisesByMoreThanTheTolerance() {
        // a function 2 % short of the rate: the backlog's age grows by 20 ms each second
        assertThat(verdict(series(at -> 200 + at / 50))).isEqualTo(Verdict.GREW);
        // within 1 s: held
        assertThat(verdict(series(at -> 200 + at / 200))).isEqualTo(Verdict.HELD);
        // a slow start is no licence to grow further: 3 s to 3.9 s held, to 4.5 s grew; a backlog worked off held
        assertThat(verdict(series(at -> at < 120_000 ? 3_000 : 3_900))).isEqualTo(Verdict.HELD);
        assertThat(verdict(series(at -> at < 120_000 ? 3_000 : 4_500))).isEqualTo(Verdict.GREW);
        assertThat(verdict(series(at -> at < 120_000 ? 7_000 : 150))).isEqualTo(Verdict.HELD);
    }

    @Test
    void noInvocationInTheLastThirdIsALagThatGrew() {
        IteratorAges stalled = new IteratorAges();
        for (long at = 0; at < 100_000; at += 100) {
            stalled.add(at, 150);
        }

        assertThat(verdict(stalled)).isEqualTo(Verdict.GREW);
    }

    @Test
    void intervalsAndThirdsCoverTheRunWithTheirMedianAndMax() {
        IteratorAges ages = new IteratorAges();
        ages.add(0, 300);
        ages.add(4_000, 100);
        ages.add(9_999, 200);
        ages.add(10_000, 50);
        ages.add(15_500, 999); // after the run: in no span

        assertThat(ages.intervals(10_000, 15_000)).containsExactly(
                new Span(0, 10_000, 3, 200, 300), new Span(10_000, 15_000, 1, 50, 50));
        assertThat(ages.intervals(10_000, 15_000).get(1).label()).isEqualTo("0:10-0:15");
        assertThat(ages.thirds(15_000)).containsExactly(new Span(0, 5_000, 2, 100, 300),
                new Span(10_000, 15_000, 1, 50, 50));
    }
}

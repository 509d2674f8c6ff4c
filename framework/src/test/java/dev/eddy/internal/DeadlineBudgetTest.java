package dev.eddy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.eddy.config.EddySettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link DeadlineBudget}: chunk sizes and stops, driven by explicit remaining times (a fake clock). */
class DeadlineBudgetTest {

    @Test
    void unlimitedTimeRunsEverythingInOneChunkEvenWhenCold() {
        DeadlineBudget budget = new DeadlineBudget();
        assertThat(budget.nextChunk(10_000, DeadlineBudget.UNLIMITED)).isEqualTo(10_000);
        budget.measured(100, 10_000); // 100 ms per record: still no limit
        assertThat(budget.nextChunk(10_000, DeadlineBudget.UNLIMITED)).isEqualTo(10_000);
    }

    @Test
    void aColdBudgetTakesAtMostAThousandRecords() {
        DeadlineBudget budget = new DeadlineBudget();
        assertThat(budget.msPerRecord()).isNegative();
        assertThat(budget.nextChunk(2_500, 60_000)).isEqualTo(1_000);
        assertThat(budget.nextChunk(700, 60_000)).isEqualTo(700);
    }

    @Test
    void aColdBudgetStillKeepsTheReserve() {
        DeadlineBudget budget = new DeadlineBudget(1_000);
        assertThat(budget.nextChunk(2_500, 999)).isZero();
        assertThat(budget.nextChunk(2_500, 0)).isZero();
        assertThat(budget.nextChunk(2_500, 1_000)).isEqualTo(1_000);
    }

    @Test
    void withAMeasurementTheWholeBatchRunsWhenItFits() {
        DeadlineBudget budget = new DeadlineBudget(1_000);
        budget.measured(1_000, 2_000); // 2 ms per record
        // 5,000 records need 10,000 ms, plus the reserve
        assertThat(budget.nextChunk(5_000, 11_000)).isEqualTo(5_000);
        assertThat(budget.nextChunk(5_000, 60_000)).isEqualTo(5_000);
    }

    @Test
    void whenTheBatchDoesNotFitTheChunkIsWhatFits() {
        DeadlineBudget budget = new DeadlineBudget(1_000);
        budget.measured(1_000, 2_000); // 2 ms per record
        assertThat(budget.nextChunk(5_000, 10_999)).isEqualTo(4_999);
        assertThat(budget.nextChunk(5_000, 5_000)).isEqualTo(2_000);
        // 100 records need 200 ms: the smallest chunk still fits at 1,200 ms
        assertThat(budget.nextChunk(5_000, 1_200)).isEqualTo(100);
    }

    @Test
    void chunksBelowAHundredRecordsAreNeverChosenUnlessThatIsAllThatIsLeft() {
        DeadlineBudget budget = new DeadlineBudget(1_000);
        budget.measured(1_000, 2_000); // 2 ms per record
        // 99 records would fit: too small a chunk, stop
        assertThat(budget.nextChunk(5_000, 1_199)).isZero();
        assertThat(budget.nextChunk(5_000, 1_000)).isZero();
        // 40 records left need 80 ms: they run
        assertThat(budget.nextChunk(40, 1_080)).isEqualTo(40);
        assertThat(budget.nextChunk(40, 1_079)).isZero();
    }

    @Test
    void theEstimateIsAnExponentiallyWeightedAverageOfMillisecondsPerRecord() {
        DeadlineBudget budget = new DeadlineBudget();
        budget.measured(1_000, 1_000); // first sample: 1 ms per record
        assertThat(budget.msPerRecord()).isEqualTo(1.0);
        budget.measured(500, 2_500); // 5 ms per record
        assertThat(budget.msPerRecord()).isCloseTo(0.3 * 5 + 0.7 * 1, within(1e-9));
        budget.measured(0, 100); // nothing measured
        budget.measured(10, -5); // a clock that went back: ignored
        assertThat(budget.msPerRecord()).isCloseTo(2.2, within(1e-9));
    }

    @Test
    void aFreeMeasurementLetsTheWholeBatchRunIfTheReserveRemains() {
        DeadlineBudget budget = new DeadlineBudget(1_000);
        budget.measured(100, 0);
        assertThat(budget.nextChunk(10_000, 1_000)).isEqualTo(10_000);
        assertThat(budget.nextChunk(10_000, 999)).isZero();
    }

    @Test
    void theReserveIsConfigurable() {
        DeadlineBudget none = new DeadlineBudget(0);
        none.measured(100, 100); // 1 ms per record
        assertThat(none.nextChunk(1_000, 1_000)).isEqualTo(1_000);
        DeadlineBudget large = new DeadlineBudget(5_000);
        large.measured(100, 100);
        assertThat(large.nextChunk(1_000, 5_999)).isEqualTo(999);
        assertThat(large.nextChunk(1_000, 5_099)).isZero();
        assertThatThrownBy(() -> new DeadlineBudget(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> none.nextChunk(0, 1_000)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theReserveSettingDefaultsToOneSecondAndRejectsNonsense() {
        assertThat(EddySettings.of(name -> null).deadlineReserveMs()).isEqualTo(1_000);
        assertThat(EddySettings.of(Map.of(EddySettings.DEADLINE_RESERVE_MS, " 2500 ")::get).deadlineReserveMs())
                .isEqualTo(2_500);
        assertThat(EddySettings.of(Map.of(EddySettings.DEADLINE_RESERVE_MS, "0")::get).deadlineReserveMs())
                .isZero();
        for (String bad : new String[] {"-1", "1.5", "1s", "lots"}) {
            assertThatThrownBy(() -> EddySettings.of(Map.of(EddySettings.DEADLINE_RESERVE_MS, bad)::get)
                    .deadlineReserveMs()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(EddySettings.DEADLINE_RESERVE_MS).hasMessageContaining(bad);
        }
    }
}

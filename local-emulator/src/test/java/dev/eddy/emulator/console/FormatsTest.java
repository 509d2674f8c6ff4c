package dev.eddy.emulator.console;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@link Formats}: figures as {@code ./eddy} prints them. */
class FormatsTest {

    @Test
    void numbersKeepDecimalsOnlyWhereTheyCarryInformation() {
        assertThat(Formats.number(1_234_567.89)).isEqualTo("1,234,568");
        assertThat(Formats.number(100)).isEqualTo("100");
        assertThat(Formats.number(12.345)).isEqualTo("12.3");
        assertThat(Formats.number(1.2345)).isEqualTo("1.23");
        assertThat(Formats.number(-12.345)).isEqualTo("-12.3");
    }

    @Test
    void capacityUnitsAreWholeOrOneDecimal() {
        assertThat(Formats.units(1024)).isEqualTo("1,024");
        assertThat(Formats.units(2.5)).isEqualTo("2.5");
        assertThat(Formats.units(0)).isEqualTo("0");
    }

    @Test
    void durationsAreSecondsUnderAMinuteThenHoursOrDays() {
        assertThat(Formats.duration(4_250)).isEqualTo("4.3 s");
        assertThat(Formats.duration(3_723_000)).isEqualTo("1h 2min 3s");
        assertThat(Formats.duration(2 * 86_400_000L + 3 * 3_600_000L + 4 * 60_000L)).isEqualTo("2d 3h 4min");
        assertThat(Formats.duration(-61_000)).isEqualTo("-1min 1s");
        assertThat(Formats.duration(119_000)).isEqualTo("1min 59s");
        assertThat(Formats.duration(Long.MIN_VALUE)).startsWith("-");
    }
}

package dev.eddy.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimesTest {

    private static final String PATTERN = "yyyy/MM/dd HH:mm";

    @Test
    void readsTheFlightDatasetFormatAsUtc() {
        assertThat(Times.utc("2001/01/14 21:55", PATTERN)).isEqualTo(Instant.parse("2001-01-14T21:55:00Z"));
        assertThat(Times.utc("1969/12/31 23:59", PATTERN)).isEqualTo(Instant.ofEpochMilli(-60_000));
        assertThat(Times.utc("1970/01/01 00:00", PATTERN)).isEqualTo(Instant.EPOCH);
    }

    @Property(tries = 300)
    void anyValidDateTimeReadsAsThatUtcInstant(@ForAll @IntRange(min = 1900, max = 2100) int year,
            @ForAll @IntRange(min = 1, max = 12) int month, @ForAll @IntRange(min = 1, max = 28) int day,
            @ForAll @IntRange(min = 0, max = 23) int hour, @ForAll @IntRange(min = 0, max = 59) int minute) {
        String text = String.format("%04d/%02d/%02d %02d:%02d", year, month, day, hour, minute);
        long expectedSeconds = LocalDateTime.of(year, month, day, hour, minute).toEpochSecond(ZoneOffset.UTC);
        assertThat(Times.utc(text, PATTERN)).isEqualTo(Instant.ofEpochSecond(expectedSeconds));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2001-01-14 21:55", "2001/01/14", "2001/13/01 10:00", "2001/01/14 21:55:00", "",
        "yesterday", "2001/02/30 10:00", "2001/02/29 10:00", "2001/04/31 00:00", "2001/01/01 24:00"})
    void textThatIsNotAValidDateTimeIsRejectedQuotingIt(String text) {
        assertThatThrownBy(() -> Times.utc(text, PATTERN))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'")
                .hasMessageContaining(PATTERN);
    }

    @Test
    void leapDayOfALeapYearIsValid() {
        assertThat(Times.utc("2000/02/29 12:00", PATTERN)).isEqualTo(Instant.parse("2000-02-29T12:00:00Z"));
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "2001-01-14 21:55|uuuu-MM-dd HH:mm",
        "2001/01/14 21:55 AD|yyyy/MM/dd HH:mm G",
        "2001-01-14T21:55:00|yyyy-MM-dd'T'HH:mm:ss",
        "14.01.2001 21:55:00.000|dd.MM.yyyy HH:mm:ss.SSS"})
    void otherPatternStylesReadTheSameInstant(String text, String pattern) {
        assertThat(Times.utc(text, pattern)).isEqualTo(Instant.parse("2001-01-14T21:55:00Z"));
    }

    @Test
    void nullTextIsRejected() {
        assertThatThrownBy(() -> Times.utc(null, PATTERN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'null'");
    }
}

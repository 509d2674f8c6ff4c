package dev.eddy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.BigRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class DecimalsTest {

    @Property
    void readsWhatTheJdksParserReads(@ForAll @IntRange(min = 1, max = 129) int digits,
            @ForAll @BigRange(min = "0", max = "1000000000000000000") BigInteger seed) {
        // a number of exactly `digits` digits (any leading digit), spread over the chunk boundaries
        String text = seed.toString().repeat(129).substring(0, digits);
        assertThat(Decimals.parse(text)).isEqualTo(new BigInteger(text));
    }

    @Test
    void readsKinesisSequenceNumbersAndChunkBoundaries() {
        for (String text : new String[] {"0", "7", "999999999999999999", "1000000000000000000",
                "49590338271490256608559692538361571095921575989136588898", "9".repeat(129), "1" + "0".repeat(36)}) {
            assertThat(Decimals.parse(text)).as(text).isEqualTo(new BigInteger(text));
        }
    }

    @Test
    void refusesWhatIsNotDecimalDigits() {
        for (String text : new String[] {"", "-1", "+1", "12a4", "١٢٣", " 1"}) {
            assertThatThrownBy(() -> Decimals.parse(text)).as(text).isInstanceOf(NumberFormatException.class);
        }
    }
}

package dev.eddy.state.dynamodb.fencing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class SequenceNumbersTest {

    /** Kinesis sequence numbers: {@code 0|([1-9]\d{0,128})}, drawn with every length from 1 to 129 digits. */
    @Provide
    Arbitrary<BigInteger> sequenceNumbers() {
        Arbitrary<String> digits = Arbitraries.integers().between(0, 128).flatMap(rest ->
                Arbitraries.strings().withCharRange('0', '9').ofLength(rest)
                        .flatMap(tail -> Arbitraries.chars().range('1', '9').map(head -> head + tail)));
        return Arbitraries.oneOf(digits.map(BigInteger::new), Arbitraries.of(BigInteger.ZERO, BigInteger.ONE,
                BigInteger.TEN.pow(129).subtract(BigInteger.ONE), BigInteger.TEN.pow(128)));
    }

    @Property(tries = 2000)
    void paddedStringsSortAsTheNumbersDo(@ForAll("sequenceNumbers") BigInteger a,
            @ForAll("sequenceNumbers") BigInteger b) {
        int strings = Integer.signum(SequenceNumbers.pad(a).compareTo(SequenceNumbers.pad(b)));
        assertThat(strings).isEqualTo(a.compareTo(b));
    }

    @Property(tries = 2000)
    void neighboursSortInOrder(@ForAll("sequenceNumbers") BigInteger a) {
        BigInteger next = a.add(BigInteger.ONE);
        if (next.toString().length() <= SequenceNumbers.WIDTH) {
            assertThat(SequenceNumbers.pad(a)).isLessThan(SequenceNumbers.pad(next));
        }
    }

    @Property(tries = 2000)
    void padThenParseRoundTrips(@ForAll("sequenceNumbers") BigInteger a) {
        String padded = SequenceNumbers.pad(a);
        assertThat(padded).hasSize(129).containsOnlyDigits();
        assertThat(SequenceNumbers.parse(padded)).isEqualTo(a);
    }

    @Example
    void realKinesisSequenceNumberRoundTrips() {
        BigInteger seq = new BigInteger("49590338271490256608559692538361571095921575989136588898");
        assertThat(SequenceNumbers.parse(SequenceNumbers.pad(seq))).isEqualTo(seq);
        assertThat(SequenceNumbers.pad(seq)).startsWith("0".repeat(129 - 56)).endsWith(seq.toString());
    }

    @Example
    void negativeOrTooLongIsRejected() {
        assertThatThrownBy(() -> SequenceNumbers.pad(BigInteger.valueOf(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> SequenceNumbers.pad(BigInteger.TEN.pow(129)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

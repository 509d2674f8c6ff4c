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
    void storedStringsSortAsTheNumbersDo(@ForAll("sequenceNumbers") BigInteger a,
            @ForAll("sequenceNumbers") BigInteger b) {
        int strings = Integer.signum(SequenceNumbers.encode(a).compareTo(SequenceNumbers.encode(b)));
        assertThat(strings).isEqualTo(a.compareTo(b));
    }

    @Property(tries = 2000)
    void neighboursSortInOrder(@ForAll("sequenceNumbers") BigInteger a) {
        BigInteger next = a.add(BigInteger.ONE);
        if (next.toString().length() <= SequenceNumbers.MAX_DIGITS) {
            assertThat(SequenceNumbers.encode(a)).isLessThan(SequenceNumbers.encode(next));
        }
    }

    @Property(tries = 2000)
    void encodeThenParseRoundTrips(@ForAll("sequenceNumbers") BigInteger a) {
        String stored = SequenceNumbers.encode(a);
        assertThat(stored).hasSize(a.toString().length() + 3).containsOnlyDigits();
        assertThat(SequenceNumbers.parse(stored)).isEqualTo(a);
    }

    @Example
    void realKinesisSequenceNumberRoundTrips() {
        BigInteger seq = new BigInteger("49590338271490256608559692538361571095921575989136588898");
        assertThat(SequenceNumbers.parse(SequenceNumbers.encode(seq))).isEqualTo(seq);
        assertThat(SequenceNumbers.encode(seq)).isEqualTo("056" + seq);
    }

    @Example
    void negativeOrTooLongIsRejected() {
        assertThatThrownBy(() -> SequenceNumbers.encode(BigInteger.valueOf(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> SequenceNumbers.encode(BigInteger.TEN.pow(129)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SequenceNumbers.parse("0561")).isInstanceOf(IllegalArgumentException.class);
    }
}

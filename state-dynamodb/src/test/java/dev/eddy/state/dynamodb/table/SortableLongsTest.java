package dev.eddy.state.dynamodb.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class SortableLongsTest {

    @Property(tries = 3000)
    void encodedStringsSortAsTheLongsDo(@ForAll long a, @ForAll long b) {
        int strings = Integer.signum(SortableLongs.encode(a).compareTo(SortableLongs.encode(b)));
        assertThat(strings).isEqualTo(Long.compare(a, b));
    }

    @Property(tries = 3000)
    void encodingIsTwentyDigitsAndRoundTrips(@ForAll long value) {
        String encoded = SortableLongs.encode(value);
        assertThat(encoded).hasSize(20).containsOnlyDigits();
        assertThat(SortableLongs.decode(encoded)).isEqualTo(value);
    }

    @Example
    void sortedEncodingsAreSortedLongsAcrossZeroAndTheExtremes() {
        long[] values = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -86_400_000L, -1, 0, 1, 86_400_000L,
            Long.MAX_VALUE - 1, Long.MAX_VALUE};
        List<String> encoded = Arrays.stream(values).mapToObj(SortableLongs::encode).toList();
        assertThat(encoded).isSorted().doesNotHaveDuplicates();
        assertThat(SortableLongs.encode(Long.MIN_VALUE)).isEqualTo("00000000000000000000");
        assertThat(SortableLongs.encode(Long.MAX_VALUE)).isEqualTo("18446744073709551615");
    }
}

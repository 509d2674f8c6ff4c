package dev.eddy.state.dynamodb.timers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

class TimerEntryTest {

    @Property(tries = 2000)
    void anyKeyAndPartitionKeyRoundTrip(@ForAll String key, @ForAll String partitionKey,
            @ForAll boolean knownPartitionKey) {
        TimerEntry entry = new TimerEntry(key, knownPartitionKey ? partitionKey : null);
        assertThat(TimerEntry.decode(entry.encode())).isEqualTo(entry);
    }

    @Example
    void anEntryIsShortWithAnEmptyWindowPart() {
        assertThat(new TimerEntry("LAX", "LAX").encode()).isEqualTo("|3|LAXLAX");
        assertThat(new TimerEntry("k|1", null).encode()).isEqualTo("|-|k|1");
        assertThat(new TimerEntry("", "").encode()).isEqualTo("|0|");
    }

    /** Versions that could keep one item per (key, window) wrote the window before the first bar. */
    @Example
    void anEntryWithAWindowPartStillDecodesToItsKey() {
        assertThat(TimerEntry.decode("0,10|-|k|1")).isEqualTo(new TimerEntry("k|1", null));
        assertThat(TimerEntry.decode("-9223372036854775808,10|3|LAXLAX")).isEqualTo(new TimerEntry("LAX", "LAX"));
    }

    @Example
    void garbageIsRejected() {
        assertThatThrownBy(() -> TimerEntry.decode("nothing")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'nothing' is not a timer entry");
        assertThatThrownBy(() -> TimerEntry.decode("|x|k")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TimerEntry.decode("|9|k")).isInstanceOf(IllegalArgumentException.class);
    }
}

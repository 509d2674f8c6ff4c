package dev.eddy.state.dynamodb.timers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.window.Window;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;

class TimerEntryTest {

    @Property(tries = 2000)
    void anyKeyPartitionKeyAndWindowRoundTrip(@ForAll String key, @ForAll String partitionKey,
            @ForAll long start, @ForAll @LongRange(min = 1, max = 1_000_000) long size, @ForAll boolean allTime,
            @ForAll boolean knownPartitionKey) {
        if (!allTime && start > Long.MAX_VALUE - size) {
            return;
        }
        Window window = allTime ? new Window(Long.MIN_VALUE, Long.MAX_VALUE) : new Window(start, start + size);
        TimerEntry entry = new TimerEntry(key, window, knownPartitionKey ? partitionKey : null);
        assertThat(TimerEntry.decode(entry.encode())).isEqualTo(entry);
    }

    @Example
    void aKeyLevelEntryIsShort() {
        assertThat(new TimerEntry("LAX", new Window(Long.MIN_VALUE, Long.MAX_VALUE), "LAX").encode())
                .isEqualTo("|3|LAXLAX");
        assertThat(new TimerEntry("k|1", new Window(0, 10), null).encode()).isEqualTo("0,10|-|k|1");
    }

    @Example
    void garbageIsRejected() {
        assertThatThrownBy(() -> TimerEntry.decode("nothing")).isInstanceOf(IllegalArgumentException.class);
    }
}

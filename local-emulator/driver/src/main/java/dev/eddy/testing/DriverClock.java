package dev.eddy.testing;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The driver's clock: moves only when told ({@code EddyTestDriver#advanceTime}). */
final class DriverClock extends Clock {
    volatile Instant now;

    DriverClock(Instant start) {
        this.now = start;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        DriverClock self = this;
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return zone;
            }

            @Override
            public Clock withZone(ZoneId other) {
                return self.withZone(other);
            }

            @Override
            public Instant instant() {
                return self.now;
            }
        };
    }

    @Override
    public Instant instant() {
        return now;
    }
}

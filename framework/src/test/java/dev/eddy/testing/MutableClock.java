package dev.eddy.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A wall clock that stands still until a test moves it: for processing-time triggers, state time to live and
 * done-marker retention. UTC. Thread-safe.
 */
public final class MutableClock extends Clock {

    private volatile Instant now;

    /** @param start the time it shows until moved */
    public MutableClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    /**
     * @param duration how far to move it; may be negative (a clock that jumps back)
     * @return this clock
     */
    public synchronized MutableClock advance(Duration duration) {
        now = now.plus(duration);
        return this;
    }

    /** @param time the time it shows from now on */
    public void set(Instant time) {
        now = Objects.requireNonNull(time, "time");
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** @throws UnsupportedOperationException always: this clock is UTC */
    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a MutableClock shows UTC only, not " + zone
                + ": convert its instant() instead");
    }
}

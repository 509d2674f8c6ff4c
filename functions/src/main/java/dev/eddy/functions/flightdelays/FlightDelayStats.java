package dev.eddy.functions.flightdelays;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.eddy.pipeline.Windowed;
import java.time.Instant;

/**
 * One airport's day, as written to the sinks (one JSON object a line).
 *
 * @param id deterministic result id: the same firing always has the same id
 * @param origin origin airport
 * @param windowStart start of the UTC day (inclusive)
 * @param windowEnd end of the UTC day (exclusive)
 * @param flights flights that departed that day
 * @param avgDelayMinutes mean departure delay, minutes
 * @param maxDelayMinutes largest departure delay, minutes
 * @param onTimeRatio share of flights with a delay of at most 15 minutes, 0–1
 * @param firing 0 for the on-time result; greater for a late update
 */
public record FlightDelayStats(String id, String origin, Instant windowStart, Instant windowEnd, long flights,
        double avgDelayMinutes, int maxDelayMinutes, double onTimeRatio, int firing) {

    /**
     * @param day one airport's fired day
     * @return its statistics
     */
    public static FlightDelayStats of(Windowed<DelayStats> day) {
        DelayStats s = day.value();
        return new FlightDelayStats(day.id(), day.key(), day.window().start(), day.window().end(), s.flights(),
                (double) s.totalDelayMinutes() / s.flights(), s.maxDelayMinutes(), (double) s.onTime() / s.flights(),
                day.firing());
    }

    /**
     * @return whether the day deserves an alert: at least 10 flights and an average delay of at least 30 minutes
     */
    @JsonIgnore
    public boolean isAlert() {
        return flights >= DelayStats.ALERT_MIN_FLIGHTS && avgDelayMinutes >= DelayStats.ALERT_MIN_AVG_DELAY_MINUTES;
    }
}

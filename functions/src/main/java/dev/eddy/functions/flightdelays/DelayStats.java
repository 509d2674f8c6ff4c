package dev.eddy.functions.flightdelays;

import dev.eddy.aggregate.Aggregator;
import dev.eddy.functions.flightdelays.FlightDelays.Flight;

/**
 * The accumulator of one airport's day: stored in DynamoDB as JSON between invocations.
 *
 * @param flights flights counted
 * @param totalDelayMinutes sum of delays, minutes
 * @param maxDelayMinutes largest delay, minutes ({@link Integer#MIN_VALUE} when empty)
 * @param onTime flights with a delay of at most {@value #ON_TIME_MAX_DELAY_MINUTES} minutes
 */
public record DelayStats(long flights, long totalDelayMinutes, int maxDelayMinutes, long onTime) {

    /** A flight is on time when its delay is at most this many minutes (the US DOT's rule). */
    public static final int ON_TIME_MAX_DELAY_MINUTES = 15;
    /** An alert needs at least this many flights in the day. */
    public static final int ALERT_MIN_FLIGHTS = 10;
    /** An alert needs at least this average delay, minutes. */
    public static final int ALERT_MIN_AVG_DELAY_MINUTES = 30;

    /** No flights. */
    public static final DelayStats EMPTY = new DelayStats(0, 0, Integer.MIN_VALUE, 0);

    /** Counts flights, delays and on-time flights of a window. */
    public static final Aggregator<Flight, DelayStats, DelayStats> AGGREGATOR =
            Aggregator.of(DelayStats.class, () -> EMPTY, DelayStats::add, DelayStats::merge, s -> s);

    /**
     * @param flight one more flight
     * @return the stats with it
     */
    public DelayStats add(Flight flight) {
        return new DelayStats(flights + 1, totalDelayMinutes + flight.delay(),
                Math.max(maxDelayMinutes, flight.delay()),
                onTime + (flight.delay() <= ON_TIME_MAX_DELAY_MINUTES ? 1 : 0));
    }

    /**
     * @param other stats of other flights of the same airport and day
     * @return the combined stats
     */
    public DelayStats merge(DelayStats other) {
        return new DelayStats(flights + other.flights, totalDelayMinutes + other.totalDelayMinutes,
                Math.max(maxDelayMinutes, other.maxDelayMinutes), onTime + other.onTime);
    }
}

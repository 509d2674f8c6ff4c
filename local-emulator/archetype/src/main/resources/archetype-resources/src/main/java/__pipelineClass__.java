package ${package};

import dev.eddy.aggregate.Aggregator;
import dev.eddy.codec.Json;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.PipelineDefinition;
import dev.eddy.pipeline.Windowed;
import dev.eddy.sink.Firehose;
import dev.eddy.time.Times;
import dev.eddy.window.TumblingWindows;
import java.time.Duration;
import java.time.Instant;

/**
 * Flights per route and day: for each route (origin to destination) and UTC day, how many flights departed and how
 * many of them left late.
 *
 * <p>Input: one flight a record on the Kinesis stream {@code ${pipeline}-flights}, as in sample/flights.jsonl:
 * {@code {"date": "2001/01/14 21:55", "delay": 0, "distance": 480, "origin": "SAN", "destination": "SMF"}}, the
 * date read as UTC; records may arrive up to 10 minutes out of order. Keyed by route; tumbling windows of one UTC
 * day. Output: one {@link RouteDay} per route and day, to the Firehose delivery stream {@code ${pipeline}-per-day}.
 * A record that is not such a flight goes to the failure destination with the reason; a flight for a day that has
 * already closed goes to the late-data output.
 */
public final class ${pipelineClass} implements PipelineDefinition {

    /** The pipeline's name: its function is eddy-${pipeline}, its state table eddy-${pipeline}-state. */
    public static final String NAME = "${pipeline}";

    /** A flight is late when it departs more than this many minutes after its scheduled time (the US DOT's rule). */
    public static final int LATE_AFTER_MINUTES = 15;

    /**
     * One flight.
     *
     * @param date departure, {@code yyyy/MM/dd HH:mm}, UTC
     * @param delay departure delay, minutes (negative: early)
     * @param distance miles
     * @param origin origin airport (IATA code)
     * @param destination destination airport (IATA code)
     */
    public record Flight(String date, int delay, int distance, String origin, String destination) {

        /** @return the route, e.g. {@code SAN-SMF}: the key, and the partition key a producer gives the record */
        public String route() {
            return origin + "-" + destination;
        }
    }

    /**
     * The running counts of one route's day, kept in DynamoDB between invocations.
     *
     * @param flights flights counted
     * @param late flights that left more than {@code LATE_AFTER_MINUTES} minutes late
     */
    public record Counts(long flights, long late) {

        /** Counts a window's flights. */
        public static final Aggregator<Flight, Counts, Counts> AGGREGATOR = Aggregator.of(Counts.class,
                () -> new Counts(0, 0), Counts::add, Counts::merge, counts -> counts);

        Counts add(Flight flight) {
            return new Counts(flights + 1, late + (flight.delay() > LATE_AFTER_MINUTES ? 1 : 0));
        }

        Counts merge(Counts other) {
            return new Counts(flights + other.flights, late + other.late);
        }
    }

    /**
     * One route's day, as written to the sink (one JSON object a line).
     *
     * @param id the result's id: the same firing always has the same id, so a consumer can drop repeats
     * @param route the route, e.g. {@code SAN-SMF}
     * @param day the start of the UTC day
     * @param flights flights that departed that day
     * @param late of them, flights that left late
     * @param firing 0 for the on-time result; greater for an update after late data
     */
    public record RouteDay(String id, String route, Instant day, long flights, long late, int firing) {

        static RouteDay of(Windowed<Counts> day) {
            return new RouteDay(day.id(), day.key(), day.window().start(), day.value().flights(),
                    day.value().late(), day.firing());
        }
    }

    @Override
    public Pipeline define() {
        return Pipeline.named(NAME)
                .from(KinesisSource.stream("${pipeline}-flights").decode(Json.of(Flight.class)))
                .withEventTime(f -> Times.utc(f.date(), "yyyy/MM/dd HH:mm"), Duration.ofMinutes(10))
                .keyBy(Flight::route)
                .window(TumblingWindows.of(Duration.ofDays(1)))
                .aggregate(Counts.AGGREGATOR)
                .map(RouteDay::of)
                .to(Firehose.deliveryStream("${pipeline}-per-day"))
                .build();
    }
}

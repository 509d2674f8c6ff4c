package dev.eddy.functions.flightdelays;

import dev.eddy.codec.Json;
import dev.eddy.pipeline.KeyedStream;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.PipelineDefinition;
import dev.eddy.sink.Firehose;
import dev.eddy.sink.Sns;
import dev.eddy.time.Times;
import dev.eddy.window.TumblingWindows;
import java.time.Duration;

/**
 * Daily delay statistics per origin airport, from US flights (vega-datasets' {@code flights-*.json}).
 *
 * <p>Input: one flight a record, {@code {"date": "2001/01/14 21:55", "delay": 0, "distance": 480,
 * "origin": "SAN", "destination": "SMF"}}, the date read as UTC. Keyed by origin; tumbling windows of one UTC
 * day; records may arrive up to 10 minutes out of order. Every firing goes to the Firehose delivery stream
 * {@code flight-delay-stats}; a day with at least {@value DelayStats#ALERT_MIN_FLIGHTS} flights and an average
 * delay of at least {@value DelayStats#ALERT_MIN_AVG_DELAY_MINUTES} minutes also goes to the SNS topic
 * {@code flight-delay-alerts}.
 */
public final class FlightDelays implements PipelineDefinition {

    /**
     * One flight, as vega-datasets has it.
     *
     * @param date departure, {@code yyyy/MM/dd HH:mm}, UTC
     * @param delay departure delay, minutes (negative: early)
     * @param distance miles
     * @param origin origin airport (IATA code)
     * @param destination destination airport (IATA code)
     */
    public record Flight(String date, int delay, int distance, String origin, String destination) {
    }

    @Override
    public Pipeline define() {
        return flightsByOrigin("flight-delays", "flights")
                .window(TumblingWindows.of(Duration.ofDays(1)))
                .aggregate(DelayStats.AGGREGATOR)
                .map(FlightDelayStats::of)
                .to(Firehose.deliveryStream("flight-delay-stats"))
                .branch(stats -> stats.filter(FlightDelayStats::isAlert).to(Sns.topic("flight-delay-alerts")))
                .build();
    }

    /**
     * The flights of a stream, by departure time (UTC, up to 10 minutes out of order) and keyed by origin: the
     * start of every flight-delay pipeline.
     *
     * @param pipeline pipeline name
     * @param stream Kinesis stream name
     * @return the keyed flights
     */
    static KeyedStream<Flight> flightsByOrigin(String pipeline, String stream) {
        return Pipeline.named(pipeline)
                .from(KinesisSource.stream(stream).withBatchSize(500).decode(Json.of(Flight.class)))
                .withEventTime(f -> Times.utc(f.date(), "yyyy/MM/dd HH:mm"), Duration.ofMinutes(10))
                .keyBy(Flight::origin);
    }
}

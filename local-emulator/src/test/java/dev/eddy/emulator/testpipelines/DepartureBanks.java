package dev.eddy.emulator.testpipelines;

import dev.eddy.codec.Json;
import dev.eddy.functions.flightdelays.FlightDelays.Flight;
import dev.eddy.handler.EddyHandler;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.PipelineDefinition;
import dev.eddy.sink.Firehose;
import dev.eddy.time.Times;
import dev.eddy.window.SessionWindows;
import java.time.Duration;
import java.time.Instant;

/**
 * Test pipeline: departure banks per origin airport — sessions of departures separated by at least 30 minutes
 * without one, with their flight count.
 */
public final class DepartureBanks implements PipelineDefinition {

    /** One bank. */
    public record Bank(String origin, Instant start, Instant end, long flights, int firing) {
    }

    @Override
    public Pipeline define() {
        return Pipeline.named("departure-banks")
                .from(KinesisSource.stream("flights-banks").withBatchSize(250).decode(Json.of(Flight.class)))
                .withEventTime(f -> Times.utc(f.date(), "yyyy/MM/dd HH:mm"), Duration.ofMinutes(10))
                .keyBy(Flight::origin)
                .window(SessionWindows.withGap(Duration.ofMinutes(30)))
                .count()
                .map(w -> new Bank(w.key(), w.window().start(), w.window().end(), w.value(), w.firing()))
                .to(Firehose.deliveryStream("departure-banks"))
                .build();
    }

    /** Its handler. */
    public static final class Handler extends EddyHandler {
        /** Creates it. */
        public Handler() {
            super(new DepartureBanks());
        }
    }
}

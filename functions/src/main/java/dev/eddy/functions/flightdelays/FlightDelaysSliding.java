package dev.eddy.functions.flightdelays;

import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.PipelineDefinition;
import dev.eddy.sink.Firehose;
import dev.eddy.window.SlidingWindows;
import java.time.Duration;

/**
 * Delay statistics per origin airport over the last 3 hours, every hour: 3-hour windows sliding by 1 hour, so
 * each flight counts in three windows. Same input and output shape as {@link FlightDelays}; results go to the
 * Firehose delivery stream {@code flight-delay-stats-sliding}.
 */
public final class FlightDelaysSliding implements PipelineDefinition {

    @Override
    public Pipeline define() {
        return FlightDelays.flightsByOrigin("flight-delays-sliding", "flights-sliding")
                .window(SlidingWindows.of(Duration.ofHours(3), Duration.ofHours(1)))
                .aggregate(DelayStats.AGGREGATOR)
                .map(FlightDelayStats::of)
                .to(Firehose.deliveryStream("flight-delay-stats-sliding"))
                .build();
    }
}

package dev.eddy.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.eddy.functions.flightdelays.DelayStats;
import dev.eddy.functions.flightdelays.FlightDelayStats;
import dev.eddy.pipeline.Windowed;
import dev.eddy.window.Window;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;
import dev.eddy.functions.flightdelays.FlightDelays.Flight;
import dev.eddy.functions.flightdelays.ReplayedFlights;
import dev.eddy.time.Times;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The flight-delays job in Apache Flink, for the ratio Eddy/Flink: a bounded source of the same JSON records,
 * decoded with Jackson into the same {@link Flight} record, event time from the same date parser with
 * {@code WatermarkStrategy.forBoundedOutOfOrderness} of 10 minutes, {@code keyBy} origin, {@code
 * TumblingEventTimeWindows} of one day, {@code aggregate} with the same {@link DelayStats} accumulator and a window
 * function that makes the same {@link FlightDelayStats} result, written as JSON bytes (what Eddy hands its sinks) to
 * a {@code DiscardingSink}. Results carry no id: Flink's exactly-once rests on its checkpoints, not on result ids. Local environment, parallelism 1 (the source and decoding run in one task, the window
 * operator in another, after keyBy's exchange). One operation is one whole job over {@code records} records; the
 * time includes starting the job on the local mini-cluster.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class FlinkJobBenchmark {

    /** The flights file (vega-datasets' {@code flights-*.json}). */
    @Param("node_modules/vega-datasets/data/flights-20k.json")
    public String flights;

    /** Records in the job, replicated from the file with shifted dates. */
    @Param("1000000")
    public int records;

    /** The records, where the job's source reads them (a local job runs in this JVM). */
    private static volatile byte[][] input;

    /** Builds the records once. */
    @Setup(Level.Trial)
    public void load() {
        input = ReplayedFlights.replicated(Path.of(flights), records).toArray(byte[][]::new);
    }

    /**
     * @throws Exception if the job fails
     */
    @Benchmark
    public void job() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1);
        env.fromSequence(0, input.length - 1)
                .map(new Decode())
                .assignTimestampsAndWatermarks(WatermarkStrategy.<Flight>forBoundedOutOfOrderness(Duration.ofMinutes(10))
                        .withTimestampAssigner((flight, previous) -> eventTime(flight)))
                .keyBy(new ByOrigin())
                .window(TumblingEventTimeWindows.of(Duration.ofDays(1)))
                .aggregate(new Stats(), new AsJson())
                .sinkTo(new DiscardingSink<>());
        env.execute("flight-delays");
    }

    private static long eventTime(Flight flight) {
        return Times.utc(flight.date(), "yyyy/MM/dd HH:mm").toEpochMilli();
    }

    /** Record index → flight, as Eddy's {@code Json.of(Flight.class)} decodes it. */
    static final class Decode implements MapFunction<Long, Flight> {
        private static final ObjectMapper JSON = new ObjectMapper();

        @Override
        public Flight map(Long index) {
            try {
                return JSON.readValue(input[index.intValue()], Flight.class);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static final class ByOrigin implements KeySelector<Flight, String> {
        @Override
        public String getKey(Flight flight) {
            return flight.origin();
        }
    }

    /** {@link DelayStats#AGGREGATOR} as Flink's aggregate function. */
    static final class Stats implements AggregateFunction<Flight, DelayStats, DelayStats> {
        @Override
        public DelayStats createAccumulator() {
            return DelayStats.EMPTY;
        }

        @Override
        public DelayStats add(Flight flight, DelayStats stats) {
            return stats.add(flight);
        }

        @Override
        public DelayStats getResult(DelayStats stats) {
            return stats;
        }

        @Override
        public DelayStats merge(DelayStats a, DelayStats b) {
            return a.merge(b);
        }
    }

    /** One airport's day as the flight-delays pipeline emits it, in JSON. */
    static final class AsJson extends ProcessWindowFunction<DelayStats, byte[], String, TimeWindow> {
        private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

        @Override
        public void process(String origin, Context context, Iterable<DelayStats> stats, Collector<byte[]> out)
                throws IOException {
            Window window = new Window(context.window().getStart(), context.window().getEnd());
            out.collect(JSON.writeValueAsBytes(FlightDelayStats.of(new Windowed<>(origin, window,
                    stats.iterator().next(), 0, null))));
        }
    }
}

package dev.eddy.pipeline;

import dev.eddy.internal.Plan;
import dev.eddy.sink.SinkRef;
import dev.eddy.window.WindowAssigner;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

/**
 * A named, immutable pipeline: a Kinesis source, stateless steps, event time, a key, windows, an aggregate,
 * and the sinks its results go to.
 *
 * <pre>{@code
 * Pipeline.named("flight-delays")
 *     .from(KinesisSource.stream("flights").decode(Json.of(Flight.class)))
 *     .withEventTime(f -> Times.utc(f.date(), "yyyy/MM/dd HH:mm"), Duration.ofMinutes(10))
 *     .keyBy(Flight::origin)
 *     .window(TumblingWindows.of(Duration.ofDays(1)))
 *     .aggregate(DelayStats.AGGREGATOR)
 *     .map(FlightDelayStats::of)
 *     .to(Firehose.deliveryStream("flight-delay-stats"))
 *     .build();
 * }</pre>
 */
public final class Pipeline {

    private final Plan plan;

    Pipeline(Plan plan) {
        this.plan = plan;
    }

    /**
     * Starts a pipeline definition.
     *
     * @param name 1–48 characters of lower-case letters, digits and '-', starting with a letter; it names the
     *     state table, the function and the result ids, so it must stay stable once deployed
     * @return the builder
     * @throws IllegalArgumentException if the name breaks that rule
     */
    public static Builder named(String name) {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-z][a-z0-9-]{0,47}")) {
            throw new IllegalArgumentException("pipeline name '" + name
                    + "' must be 1-48 characters of a-z, 0-9 and '-', starting with a letter");
        }
        return new Builder(name);
    }

    /** @return the pipeline name */
    public String name() {
        return plan.name();
    }

    /** @return the Kinesis source */
    public KinesisSource<?> source() {
        return plan.source();
    }

    /** @return the watermark's out-of-orderness bound (zero with arrival time) */
    public Duration outOfOrderness() {
        return Duration.ofMillis(plan.outOfOrdernessMs());
    }

    /** @return the window assigner, or {@code null} for a keyed process */
    public WindowAssigner windows() {
        return plan.windows();
    }

    /** @return every distinct sink the pipeline writes to (results, then late data), in definition order */
    public List<SinkRef> sinks() {
        LinkedHashSet<SinkRef> sinks = new LinkedHashSet<>();
        plan.bindings().forEach(b -> sinks.add(b.sink()));
        if (plan.lateDataSink() != null) {
            sinks.add(plan.lateDataSink());
        }
        return List.copyOf(sinks);
    }

    /** @return what happens to a record that cannot be processed */
    public RecordErrorPolicy onRecordError() {
        return plan.onRecordError();
    }

    /**
     * The executable plan. For Eddy's runtime (handler, emulator); not a user API and subject to change.
     *
     * @return the plan
     */
    public Plan plan() {
        return plan;
    }

    /** The first step of a definition: names the source. */
    public static final class Builder {
        private final String name;
        private RecordErrorPolicy onRecordError = RecordErrorPolicy.FAILURE_DESTINATION;

        Builder(String name) {
            this.name = name;
        }

        /**
         * Sets what happens to a record that cannot be processed; the default is
         * {@link RecordErrorPolicy#FAILURE_DESTINATION}.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder onRecordError(RecordErrorPolicy policy) {
            this.onRecordError = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * @param source the Kinesis stream and decoder
         * @param <T> the decoded type
         * @return the stream of decoded records
         */
        public <T> RecordStream<T> from(KinesisSource<T> source) {
            PlanBuilder plan = new PlanBuilder(name, Objects.requireNonNull(source, "source"));
            plan.onRecordError = onRecordError;
            return new RecordStream<>(plan, dev.eddy.internal.Op.IDENTITY);
        }
    }
}

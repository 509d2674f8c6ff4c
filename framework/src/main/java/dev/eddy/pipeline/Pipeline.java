package dev.eddy.pipeline;

import dev.eddy.pipeline.internal.Plan;
import dev.eddy.sink.SinkRef;
import dev.eddy.sink.Sqs;
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
    private final KinesisSource<?> source;
    private final RecordErrorPolicy onRecordError;

    Pipeline(Plan plan, KinesisSource<?> source, RecordErrorPolicy onRecordError) {
        this.plan = plan;
        this.source = source;
        this.onRecordError = onRecordError;
        dev.eddy.pipeline.internal.PlanRegistry.register(this, plan);
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
        return source;
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
        return onRecordError;
    }

    /**
     * @return where records that cannot be processed, results a sink refuses and (unless the pipeline names a sink
     *     for it) late data go: the one set with {@link Builder#failureDestination}, else the SQS queue
     *     {@code eddy-<pipeline>-failures}
     */
    public SinkRef failureDestination() {
        return plan.failureDestination();
    }

    /**
     * @param pipeline a pipeline name
     * @return the failure destination of a pipeline that sets none: the SQS queue {@code eddy-<pipeline>-failures}
     */
    public static Sqs defaultFailureDestination(String pipeline) {
        return Sqs.queue("eddy-" + pipeline + "-failures");
    }

    /**
     * The key a record's first element gets: the partition key a producer should give the record, so that every
     * record of a key reaches the shard that owns the key's state.
     *
     * @param data a record's data, as a producer puts it
     * @return the key, or empty if the record does not decode, the steps drop it, a step throws, or the key breaks
     *     {@link RecordStream#keyBy}'s rule
     */
    public java.util.Optional<String> keyOf(byte[] data) {
        return plan.keyOf(data);
    }

    /** The first step of a definition: names the source. */
    public static final class Builder {
        private final String name;
        private RecordErrorPolicy onRecordError = RecordErrorPolicy.FAILURE_DESTINATION;
        private SinkRef failureDestination;

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
         * Sets the failure destination: where a record that cannot be decoded or processed goes (under
         * {@link RecordErrorPolicy#FAILURE_DESTINATION}), with the record's data (base64), shard, sequence number,
         * error type and message; where a result goes that its sink refuses for good (over the sink's size limit),
         * with the reason; and late data when the pipeline names no sink for it. The default is the SQS queue
         * {@code eddy-<pipeline>-failures} ({@link Pipeline#defaultFailureDestination}). Local runs write it to a
         * file whatever it is. The records' shapes are in {@code docs/sinks.md}.
         *
         * @param destination an SQS queue (the usual choice), SNS topic, Firehose delivery stream (to land in S3) or
         *     Kinesis stream
         * @return this builder
         */
        public Builder failureDestination(SinkRef destination) {
            this.failureDestination = Objects.requireNonNull(destination, "destination");
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
            plan.failureDestination = failureDestination != null ? failureDestination
                    : defaultFailureDestination(name);
            return new RecordStream<>(plan, dev.eddy.pipeline.internal.Op.IDENTITY, EventTime.ARRIVAL);
        }
    }
}

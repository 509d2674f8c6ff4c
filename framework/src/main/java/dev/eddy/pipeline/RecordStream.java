package dev.eddy.pipeline;

import dev.eddy.pipeline.internal.Op;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Records of one source before keying: stateless steps and event time.
 *
 * <p>A step whose function throws sends the record to the failure destination with the exception's message;
 * the shard goes on.
 *
 * @param <T> element type
 */
public final class RecordStream<T> {
    private final PlanBuilder plan;
    private final Op steps;
    private final EventTime eventTime;

    RecordStream(PlanBuilder plan, Op steps, EventTime eventTime) {
        this.plan = plan;
        this.steps = steps;
        this.eventTime = eventTime;
    }

    /**
     * Keeps the elements that match.
     *
     * @param predicate the test
     * @return the filtered stream
     */
    public RecordStream<T> filter(Predicate<? super T> predicate) {
        return new RecordStream<>(plan, steps.then(Op.filter(predicate)), eventTime);
    }

    /**
     * Transforms each element.
     *
     * @param mapper the function; must not return {@code null}
     * @param <R> the new element type
     * @return the mapped stream
     */
    public <R> RecordStream<R> map(Function<? super T, ? extends R> mapper) {
        return new RecordStream<>(plan, steps.then(Op.map(mapper)), eventTime);
    }

    /**
     * Turns each element into zero or more; they share its event time.
     *
     * @param mapper the function
     * @param <R> the new element type
     * @return the flattened stream
     */
    @SuppressWarnings("unchecked")
    public <R> RecordStream<R> flatMap(Function<? super T, ? extends Iterable<? extends R>> mapper) {
        Objects.requireNonNull(mapper, "mapper");
        return new RecordStream<>(plan, steps.then((in, ctx, out) -> {
            for (R value : mapper.apply((T) in)) {
                out.emit(Objects.requireNonNull(value, "flatMap returned a null element"));
            }
        }), eventTime);
    }

    /**
     * Sets event time and the watermark bound. The watermark of a shard is
     * {@code maxEventTimeSeen − outOfOrderness − 1} ms, advanced record by record (Flink's
     * {@code WatermarkStrategy.forBoundedOutOfOrderness}, punctuated); a record whose window the watermark has
     * passed is late. Without this call, event time is the record's {@code approximateArrivalTimestamp}
     * (ingestion time) and the bound is zero.
     *
     * @param extractor the element's event time
     * @param outOfOrderness how far behind the newest event time an element may arrive and still be on time;
     *     zero or positive
     * @return the stream with event time
     * @throws IllegalArgumentException if the bound is negative
     * @throws IllegalStateException if event time was set already
     */
    @SuppressWarnings("unchecked")
    public RecordStream<T> withEventTime(Function<? super T, Instant> extractor, Duration outOfOrderness) {
        Objects.requireNonNull(extractor, "extractor");
        Objects.requireNonNull(outOfOrderness, "outOfOrderness");
        if (outOfOrderness.isNegative()) {
            throw new IllegalArgumentException("out-of-orderness must not be negative, was " + outOfOrderness);
        }
        if (eventTime.fromRecords()) {
            throw new IllegalStateException("event time is already set for pipeline '" + plan.name + "'");
        }
        return new RecordStream<>(plan, steps.then((in, ctx, out) -> {
            Instant time = Objects.requireNonNull(extractor.apply((T) in), "event time extractor returned null");
            ctx.timestampMs = time.toEpochMilli();
            out.emit(in);
        }), new EventTime(true, outOfOrderness.toMillis()));
    }

    /**
     * Keys the stream. The key must follow the records' partition key, so that all records of a key reach one
     * shard: keyed state belongs to the shard that owns the key.
     *
     * <p>A key is any Unicode text up to {@value InvalidKeyException#MAX_KEY_BYTES} UTF-8 bytes and is kept as
     * it is (U+0000, separators and control characters included). An element whose key breaks that rule
     * ({@code null}, an unpaired surrogate, too long) makes its record fail with {@link InvalidKeyException}: it goes
     * to the failure destination with the reason.
     *
     * @param key the key of an element
     * @return the keyed stream
     */
    public KeyedStream<T> keyBy(Function<? super T, String> key) {
        Objects.requireNonNull(key, "key");
        return new KeyedStream<>(plan, steps, eventTime, element -> InvalidKeyException.check(key.apply(element)));
    }
}

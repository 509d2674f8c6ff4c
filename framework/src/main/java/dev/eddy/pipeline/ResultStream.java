package dev.eddy.pipeline;

import dev.eddy.sink.SideEffect;
import dev.eddy.pipeline.internal.Op;
import dev.eddy.pipeline.internal.Plan;
import dev.eddy.sink.SinkRef;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Window results on their way to sinks and side effects. Each result keeps the deterministic id of the firing it
 * comes from.
 *
 * @param <T> element type
 */
public final class ResultStream<T> {

    /** How long {@code forEachOnce} keeps a done-marker unless told: 7 days, Kinesis' longest extended retention. */
    public static final Duration DEFAULT_ONCE_RETENTION = Duration.ofDays(7);

    private final PlanBuilder plan;
    private final Op steps;

    ResultStream(PlanBuilder plan, Op steps) {
        this.plan = plan;
        this.steps = steps;
    }

    /**
     * @param predicate keeps the results that match
     * @return the filtered stream
     */
    public ResultStream<T> filter(Predicate<? super T> predicate) {
        return new ResultStream<>(plan, steps.then(Op.filter(predicate)));
    }

    /**
     * @param mapper transforms each result; must not return {@code null}. The output is written as JSON.
     * @param <R> the new type
     * @return the mapped stream
     */
    public <R> ResultStream<R> map(Function<? super T, ? extends R> mapper) {
        return new ResultStream<>(plan, steps.then(Op.map(mapper)));
    }

    /**
     * Sends every result of this stream to a sink, as JSON.
     *
     * @param sink the destination
     * @return this stream, to add more sinks or branches
     */
    public ResultStream<T> to(SinkRef sink) {
        plan.bindings.add(new Plan.Binding(steps, Objects.requireNonNull(sink, "sink")));
        return this;
    }

    /**
     * Calls a side effect once per result, with the result's deterministic id — derived from (pipeline, key, window
     * start, window end, firing), the id sinks get — as its idempotency key. Done-markers are kept for
     * {@link #DEFAULT_ONCE_RETENTION}. See {@link #forEachOnce(String, Function, Duration, SideEffect)}.
     *
     * @param name names this side effect in the pipeline; 1–64 characters of {@code A-Z a-z 0-9 _ . -}
     * @param effect the side effect
     * @return this stream, to add more sinks, side effects or branches
     * @throws IllegalArgumentException if the name breaks that rule or is taken
     */
    public ResultStream<T> forEachOnce(String name, SideEffect<? super T> effect) {
        return once(name, null, DEFAULT_ONCE_RETENTION, effect);
    }

    /**
     * As {@link #forEachOnce(String, SideEffect)}, keeping done-markers for {@code retention}.
     *
     * @param name names this side effect in the pipeline; 1–64 characters of {@code A-Z a-z 0-9 _ . -}
     * @param retention how long a key stays done; at least one second
     * @param effect the side effect
     * @return this stream
     * @throws IllegalArgumentException if the name breaks that rule or is taken, or the retention is too short
     */
    public ResultStream<T> forEachOnce(String name, Duration retention, SideEffect<? super T> effect) {
        return once(name, null, retention, effect);
    }

    /**
     * Calls a side effect once per idempotency key, e.g. once per key of the pipeline:
     * {@code forEachOnce("welcome", w -> w.key(), (w, idempotencyKey) -> mailer.send(w.key(), idempotencyKey))}.
     * Done-markers are kept for {@link #DEFAULT_ONCE_RETENTION}.
     *
     * @param name names this side effect in the pipeline; 1–64 characters of {@code A-Z a-z 0-9 _ . -}
     * @param idempotencyKey the key of a result; results with equal keys cause one call, with the first of them
     * @param effect the side effect
     * @return this stream
     * @throws IllegalArgumentException if the name breaks that rule or is taken
     */
    public ResultStream<T> forEachOnce(String name, Function<? super T, String> idempotencyKey,
            SideEffect<? super T> effect) {
        return once(name, Objects.requireNonNull(idempotencyKey, "idempotencyKey"), DEFAULT_ONCE_RETENTION, effect);
    }

    /**
     * Calls a side effect — the user's own call to an external service — once per idempotency key, beside the
     * sinks. Per batch, at the point where results go to sinks and before the shard's checkpoint is committed: the
     * results' keys are collected (equal keys once, with the first result); one strongly consistent read per 100
     * keys finds those marked done; {@code effect} is called for the others, in result order; the successful ones
     * are marked done, one write per 25 (about 1 write unit per call). A key marked done is not called again until
     * its marker expires after {@code retention}.
     *
     * <p>The calls are <b>at least once</b>: a crash between a call and its marker (a Lambda timeout, a failed
     * marker write) repeats that call when the batch is retried, with the same idempotency key. They are <b>exactly
     * once when the external service deduplicates by the key</b>, which is why {@code effect} receives it. A call
     * that throws fails the batch ({@link dev.eddy.sink.SideEffectException}) after the successful calls before it are marked:
     * the event source mapping retries the batch, and the retry calls only what is not marked yet.
     *
     * <p>The retention should outlive redelivery: Kinesis keeps records for 24 hours by default and up to 7 days
     * with extended retention, hence the 7-day default. With a key per pipeline key, the retention is also how long
     * "once per key" lasts.
     *
     * <p>Compared with per-record idempotency (Powertools' {@code @Idempotent}: a conditional put of an
     * {@code INPROGRESS} record and an update to {@code COMPLETED}, 2 writes and 2 round trips per call), this costs
     * about 1 write per call and one round trip per 100 reads and per 25 writes. The state backend must support it
     * (the DynamoDB backend does: items {@code I#<pipeline>#<name>#<key>}).
     *
     * @param name names this side effect in the pipeline; 1–64 characters of {@code A-Z a-z 0-9 _ . -}. It scopes
     *     the done-markers, so renaming it calls every key again
     * @param idempotencyKey the key of a result; results with equal keys cause one call, with the first of them.
     *     Must not return {@code null}
     * @param retention how long a key stays done; at least one second
     * @param effect the side effect
     * @return this stream
     * @throws IllegalArgumentException if the name breaks that rule or is taken, or the retention is too short
     */
    public ResultStream<T> forEachOnce(String name, Function<? super T, String> idempotencyKey, Duration retention,
            SideEffect<? super T> effect) {
        return once(name, Objects.requireNonNull(idempotencyKey, "idempotencyKey"), retention, effect);
    }

    @SuppressWarnings("unchecked")
    private ResultStream<T> once(String name, Function<? super T, String> idempotencyKey, Duration retention,
            SideEffect<? super T> effect) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(retention, "retention");
        Objects.requireNonNull(effect, "effect");
        if (!name.matches("[A-Za-z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("forEachOnce name '" + name
                    + "' must be 1-64 characters of A-Z, a-z, 0-9, '_', '.' and '-'");
        }
        if (retention.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new IllegalArgumentException("forEachOnce '" + name + "': retention " + retention
                    + " is shorter than one second; keep done-markers at least as long as records can be redelivered"
                    + " (the stream's retention period)");
        }
        plan.once(new Plan.OnceBinding(steps, name, (Function<Object, String>) idempotencyKey,
                (SideEffect<Object>) effect, retention.toMillis()));
        return this;
    }

    /**
     * Defines a side branch that sees the same results, e.g. {@code s -> s.filter(isAlert).to(topic)}.
     *
     * @param branch receives this stream
     * @return this stream
     */
    public ResultStream<T> branch(Consumer<ResultStream<T>> branch) {
        Objects.requireNonNull(branch, "branch").accept(this);
        return this;
    }

    /**
     * Finishes the definition.
     *
     * @return the pipeline
     * @throws IllegalStateException if no sink was named
     */
    public Pipeline build() {
        return new Pipeline(plan.build(), plan.source, plan.onRecordError);
    }
}

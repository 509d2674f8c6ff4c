package dev.eddy.internal;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.codec.internal.Jsons;
import dev.eddy.metrics.Figures;
import dev.eddy.metrics.Metric;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.internal.Plan;
import dev.eddy.internal.Plans;
import dev.eddy.sink.SinkFactory;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.ShardLineage;
import dev.eddy.state.SkippedRange;
import dev.eddy.state.StateBackend;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pipeline over one shard's batches: the path of one batch (docs/architecture.md). Internal;
 * {@code EddyHandler} owns one per execution environment.
 *
 * <p>A batch runs as one or more {@link ShardCycle cycles}, each complete (read, apply, fire, emit, commit). Under a
 * deadline ({@link #process(KinesisEvent, LongSupplier)}) a {@link DeadlineBudget} sizes the cycles and says when to
 * stop. Figures are kept by a {@link MetricsLedger}: a commit adds its cycle's figures to the shard's checkpoint
 * totals, so they count once.
 */
public final class BatchProcessor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchProcessor.class);

    private final Plan plan;
    private final StateBackend state;
    private final Emitter emitter;
    private final MetricsLedger ledger;
    private final ShardCycle cycle;
    private final DeadlineBudget budget;

    /**
     * @param pipeline the pipeline
     * @param state its state backend, owned by this processor from now on (closed with it)
     * @param sinks where results and side outputs go
     */
    public BatchProcessor(Pipeline pipeline, StateBackend state, SinkFactory sinks) {
        this(pipeline, state, sinks, Clock.systemUTC());
    }

    /**
     * @param pipeline the pipeline
     * @param state its state backend, owned by this processor from now on
     * @param sinks where results and side outputs go
     * @param clock processing time: keyed processes' state time to live, processing-time triggers
     */
    public BatchProcessor(Pipeline pipeline, StateBackend state, SinkFactory sinks, Clock clock) {
        this(pipeline, state, sinks, clock, new DeadlineBudget());
    }

    /**
     * @param pipeline the pipeline
     * @param state its state backend, owned by this processor from now on
     * @param sinks where results and side outputs go
     * @param clock processing time: keyed processes' state time to live, processing-time triggers
     * @param budget sizes the cycles of a batch under a deadline and keeps their measured cost; this processor
     *     owns it from now on
     */
    public BatchProcessor(Pipeline pipeline, StateBackend state, SinkFactory sinks, Clock clock,
            DeadlineBudget budget) {
        this.plan = Plans.of(pipeline);
        this.state = Objects.requireNonNull(state, "state");
        this.budget = Objects.requireNonNull(budget, "budget");
        ObjectMapper json = Jsons.strictMapper();
        this.emitter = new Emitter(plan, sinks, json);
        this.ledger = new MetricsLedger(state);
        this.cycle = new ShardCycle(plan, state, emitter, ledger, json, clock);
        pipeline.source().idleness().ifPresent(cycle::idleness);
    }

    /**
     * Overrides the pipeline's watermark idleness ({@code KinesisSource#withIdleness}; docs/windows.md,
     * "Idleness"), as a local run's {@code --idleness} does.
     *
     * @param idleness how long a shard goes without records before its watermark follows heartbeats' wall-clock
     *     time; zero for none
     * @return this processor
     */
    public BatchProcessor withIdleness(java.time.Duration idleness) {
        cycle.idleness(idleness);
        return this;
    }

    /**
     * Makes a shard's first batch continue its parents after a reshard: their watermark and their timers of the
     * keys it owns ({@link StateBackend#inherit}). Without it, every shard starts fresh.
     *
     * @param lineage where shards' parents are found
     * @return this processor
     */
    public BatchProcessor withShardLineage(ShardLineage lineage) {
        cycle.lineage(lineage);
        return this;
    }

    /** @return figures of committed batches so far, with the sink retries and the backend's capacity use */
    public synchronized Figures metrics() {
        return ledger.figures(emitter.sinkRetries());
    }

    /**
     * Processes one batch of one shard with no deadline: in one cycle, as {@link #process(KinesisEvent, LongSupplier)}
     * with unlimited time.
     *
     * @param event the event, as Lambda delivers it
     * @return no failures on success; otherwise one batch item failure at the first uncommitted record
     * @throws IllegalArgumentException if the batch mixes shards
     */
    public synchronized StreamsEventResponse process(KinesisEvent event) {
        return process(event, () -> DeadlineBudget.UNLIMITED);
    }

    /**
     * Processes one batch of one shard, stopping before a deadline. The rule follows Lambda's timeout behaviour:
     * an invocation that runs past the function's timeout is stopped and the event source mapping retries the whole
     * batch (in a reset execution environment). So the batch runs as consecutive cycles, each complete and
     * committing its own checkpoint, and before each the time left is compared with the cycle's estimated cost
     * (milliseconds per record measured on earlier cycles, see {@link DeadlineBudget}) plus the reserve. When it
     * does not fit, processing stops and the response holds one batch item failure at the cycle's first record: the
     * records before it are committed, and the event source mapping retries from there. If not even the first cycle
     * fits, the failure is at the batch's first record. Running out of time never throws.
     *
     * <p>Exactly-once is unchanged: a cycle is a batch like any other, and a batch's results do not depend on where
     * it is cut.
     *
     * @param event the event, as Lambda delivers it
     * @param remainingMillis time left before the deadline, in milliseconds, asked before each cycle and after it
     *     (Lambda's {@code Context::getRemainingTimeInMillis}); {@link DeadlineBudget#UNLIMITED} for no deadline,
     *     which runs the batch in one cycle. A supplier that throws means no deadline is known: the batch runs in
     *     one cycle, as without a context
     * @return no failures on success; otherwise one batch item failure at the first uncommitted record
     * @throws IllegalArgumentException if the batch mixes shards
     */
    public synchronized StreamsEventResponse process(KinesisEvent event, LongSupplier remainingMillis) {
        Objects.requireNonNull(remainingMillis, "remainingMillis");
        List<KinesisEvent.KinesisEventRecord> records = event.getRecords() == null ? List.of() : event.getRecords();
        if (records.isEmpty()) {
            ledger.count(Figures.of(Metric.INVOCATIONS, 1));
            return response(null);
        }
        String shardId = ShardIds.of(records.get(0));
        for (KinesisEvent.KinesisEventRecord record : records) {
            if (!shardId.equals(ShardIds.of(record))) {
                throw new IllegalArgumentException("a batch holds records of " + shardId + " and "
                        + ShardIds.of(record) + "; the event source mapping sends one shard per batch");
            }
        }
        ledger.capacityOfNoShard(); // used outside any batch (priming)
        try {
            return processShard(shardId, records, remainingMillis);
        } finally {
            ledger.capacityOf(shardId);
        }
    }

    /** {@link #process(KinesisEvent, LongSupplier)} of a batch known to be of one shard. */
    private StreamsEventResponse processShard(String shardId, List<KinesisEvent.KinesisEventRecord> records,
            LongSupplier remainingMillis) {
        long remaining = remaining(remainingMillis);
        String retryFrom = null;
        for (int from = 0; from < records.size() && retryFrom == null; ) {
            int size = budget.nextChunk(records.size() - from, remaining);
            if (size == 0) {
                String stopAt = records.get(from).getKinesis().getSequenceNumber();
                LOG.warn("pipeline {} shard {}: stopping before the Lambda deadline with {} ms left (reserve {} ms,"
                        + " estimated cost {} ms per record); {} of {} records not processed, the event source"
                        + " mapping retries from sequence number {}", plan.name(), shardId, remaining,
                        budget.reserveMs(), budget.msPerRecord() < 0 ? "unknown"
                                : String.format(Locale.ROOT, "%.3f", budget.msPerRecord()),
                        records.size() - from, records.size(), stopAt);
                ledger.count(Figures.of(Metric.INVOCATIONS, 1));
                ledger.uncommitted(shardId, Figures.of(Metric.DEADLINE_STOPS, 1));
                cycle.stopped("stopped before the Lambda deadline with " + remaining + " ms left (reserve "
                        + budget.reserveMs() + " ms)");
                return response(stopAt);
            }
            ShardCycle.Outcome outcome = cycle.run(shardId, records.subList(from, from + size));
            if (outcome.failed()) {
                ledger.count(Figures.of(Metric.INVOCATIONS, 1).with(Metric.FAILED_BATCHES, 1));
                return response(outcome.retryFrom());
            }
            long after = remaining(remainingMillis);
            // a cycle cut short by a record to retry took less than its size: no measurement
            if (outcome.retryFrom() == null && remaining != DeadlineBudget.UNLIMITED
                    && after != DeadlineBudget.UNLIMITED) {
                budget.measured(size, remaining - after);
            }
            remaining = after;
            retryFrom = outcome.retryFrom();
            from += size;
        }
        ledger.count(Figures.of(Metric.INVOCATIONS, 1));
        return response(retryFrom);
    }

    /**
     * @return the time left, ms, never negative; {@link DeadlineBudget#UNLIMITED} if the supplier fails: an unknown
     *     deadline is treated as none (stopping at once would stall the shard), and Lambda's timeout still applies
     */
    private long remaining(LongSupplier remainingMillis) {
        try {
            return Math.max(0, remainingMillis.getAsLong());
        } catch (RuntimeException e) {
            LOG.warn("pipeline {}: the remaining time could not be read, so no deadline is known and the batch runs"
                    + " in one cycle: {}", plan.name(), e.toString());
            return DeadlineBudget.UNLIMITED;
        }
    }

    /** @return success, or one batch item failure: the event source mapping retries from that record */
    private static StreamsEventResponse response(String retryFrom) {
        List<StreamsEventResponse.BatchItemFailure> failed = new ArrayList<>();
        if (retryFrom != null) {
            failed.add(new StreamsEventResponse.BatchItemFailure(retryFrom));
        }
        return new StreamsEventResponse(failed);
    }

    /**
     * @param nowMs the wall clock, ms
     * @return {@code nowMs} minus the watermark of the last committed batch, ms; {@code null} before a watermark
     *     exists or after end of input
     */
    public Long watermarkLagMs(long nowMs) {
        long watermark = cycle.lastWatermarkMs();
        return watermark == Long.MIN_VALUE || watermark == Long.MAX_VALUE ? null : nowMs - watermark;
    }

    /**
     * @return why the latest batch that failed or stopped early did (an error's message, or the deadline), one
     *     line; empty while every batch finished
     */
    public Optional<String> lastFailure() {
        return cycle.lastFailure();
    }

    /** @return sink entries sent again after partial failures, since this processor was created */
    public long sinkRetries() {
        return emitter.sinkRetries();
    }

    /**
     * Warms this processor up without touching any shard's state: reads the checkpoint of a shard that does not
     * exist (a consistent {@code GetItem} with the DynamoDB backend) and writes a result as JSON. For SnapStart's
     * snapshot ({@code EddyHandler#prime}).
     */
    public synchronized void prime() {
        state.readCheckpoint("shardId-eddy-priming");
        emitter.toJson(Map.of("primed", true));
    }

    /**
     * End of input for one shard: advances its watermark to +∞ so that every window fires, as Flink does at
     * the end of a bounded source. Used by local runs over a file and by tests, never by Lambda.
     *
     * @param shardId the shard
     * @return the number of windows fired
     */
    public synchronized int drain(String shardId) {
        ledger.capacityOfNoShard();
        try {
            return cycle.drain(shardId);
        } finally {
            ledger.capacityOf(shardId);
        }
    }

    /**
     * Re-drives records of one shard that the event source mapping skipped, in one cycle, as the shard's
     * {@link dev.eddy.state.RedriveLane redrive lane} (docs/deploy.md, "Re-driving skipped records"). Used by
     * {@code eddy redrive}, never by Lambda.
     *
     * @param event consecutive records of one skipped range, of one shard
     * @param skip the range as the shard's checkpoint recorded it ({@link ShardCheckpoint#skipped()}), or
     *     {@code null} if it did not
     * @param from the range's first sequence number: names the lane, the same on every re-drive of the range
     * @return no failures on success; otherwise one batch item failure at the first record not committed
     * @throws IllegalArgumentException if the records are not of one shard
     */
    public synchronized StreamsEventResponse redrive(KinesisEvent event, SkippedRange skip, BigInteger from) {
        List<KinesisEvent.KinesisEventRecord> records = event.getRecords() == null ? List.of() : event.getRecords();
        if (records.isEmpty()) {
            return response(null);
        }
        String shardId = ShardIds.of(records.get(0));
        for (KinesisEvent.KinesisEventRecord record : records) {
            if (!shardId.equals(ShardIds.of(record))) {
                throw new IllegalArgumentException("a redrive holds records of " + shardId + " and "
                        + ShardIds.of(record) + "; re-drive one shard's range at a time");
            }
        }
        ledger.capacityOfNoShard();
        try {
            ShardCycle.Outcome outcome = cycle.redrive(shardId, skip, from, records);
            return response(outcome.retryFrom());
        } finally {
            ledger.capacityOf(shardId);
        }
    }

    /** Closes the state backend and stops the sink threads; the sink factory's clients are its owner's. */
    @Override
    public synchronized void close() {
        emitter.close();
        cycle.close();
        state.close();
    }
}

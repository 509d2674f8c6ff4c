package dev.eddy.internal;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.handler.HandlerMetrics;
import dev.eddy.pipeline.RecordErrorPolicy;
import dev.eddy.sink.SinkFactory;
import dev.eddy.sink.SinkRecord;
import dev.eddy.sink.SinkRef;
import dev.eddy.sink.SinkWriter;
import dev.eddy.state.BatchRange;
import dev.eddy.state.CapacityUsage;
import dev.eddy.state.Firing;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.ShardLineage;
import dev.eddy.state.StateBackend;
import dev.eddy.state.WindowUpdate;
import dev.eddy.window.GlobalWindows;
import dev.eddy.window.SessionWindows;
import dev.eddy.window.Window;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one pipeline over one shard's batches: the path of DESIGN §1. Internal; {@code EddyHandler} owns one.
 *
 * <p>Per batch: skip records the checkpoint covers; decode and run the stateless steps record by record;
 * judge each element late or not against the watermark of the records before it, then advance the watermark;
 * pre-aggregate per (key, window); apply to state with fenced conditional writes; fire due windows; emit;
 * clear timers; commit the checkpoint. Any failure after decoding fails the batch from its first uncommitted
 * record, so the event source mapping retries it and fencing makes the retry exact. The checkpoint carries the
 * shard's running totals ({@link ShardCheckpoint.Totals}): a commit adds its batch's figures, so they count once.
 *
 * <p>Under a deadline ({@link #process(KinesisEvent, LongSupplier)}) a batch runs as consecutive chunks, each one
 * such complete cycle with its own checkpoint commit; a {@link DeadlineBudget} sizes them and says when to stop.
 */
public final class BatchProcessor {

    private static final Logger LOG = LoggerFactory.getLogger(BatchProcessor.class);
    private static final HandlerMetrics INVOCATION = new HandlerMetrics(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    private static final HandlerMetrics DEADLINE_STOP = new HandlerMetrics(0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0);

    private final Plan plan;
    private final StateBackend state;
    private final SinkWriter failures;
    private final SinkWriter late;
    private final SinkFlush flush;
    /** The writers that count retried entries, each once (late data may share the failure destination's). */
    private final List<dev.eddy.sink.internal.BatchingWriter> batchingWriters;
    private final Map<SinkRef, SinkWriter> writers = new LinkedHashMap<>();
    private final ObjectMapper json = Jsons.strictMapper();
    private final java.time.Clock clock;
    /** Whether windows merge (sessions): lateness is then decided after merging, by the window logic. */
    private final boolean merging;
    /** Whether the pipeline has processing-time timers to look for at each batch. */
    private final boolean processingTimers;
    private final DeadlineBudget budget;
    /** Where a new shard's parents are found; {@code null}: shards start fresh. */
    private volatile ShardLineage lineage;
    private HandlerMetrics metrics = HandlerMetrics.ZERO;
    /**
     * Per shard, figures counted here that no committed checkpoint holds yet: replays of cycles with nothing new to
     * commit, deadline stops, and capacity used since the shard's last commit (that commit's own write, failed
     * attempts). The shard's next commit adds them to its {@link ShardCheckpoint#totals()}.
     */
    private final Map<String, HandlerMetrics> uncommitted = new java.util.HashMap<>();
    /** The backend's capacity use when it was last attributed to a shard. */
    private CapacityUsage attributed = CapacityUsage.NONE;
    /** Why the latest batch that did not finish stopped, one line; {@code null} while none did. */
    private volatile String lastFailure;
    /** The watermark of the last committed batch, ms; {@link Long#MIN_VALUE} before the first. */
    private volatile long lastWatermarkMs = Long.MIN_VALUE;

    /**
     * @param plan the pipeline
     * @param state its state backend
     * @param sinks where results and side outputs go
     */
    public BatchProcessor(Plan plan, StateBackend state, SinkFactory sinks) {
        this(plan, state, sinks, java.time.Clock.systemUTC());
    }

    /**
     * @param plan the pipeline
     * @param state its state backend
     * @param sinks where results and side outputs go
     * @param clock processing time, for the state time to live of keyed processes
     */
    public BatchProcessor(Plan plan, StateBackend state, SinkFactory sinks, java.time.Clock clock) {
        this(plan, state, sinks, clock, new DeadlineBudget());
    }

    /**
     * @param plan the pipeline
     * @param state its state backend
     * @param sinks where results and side outputs go
     * @param clock processing time, for the state time to live of keyed processes
     * @param budget sizes the chunks of a batch under a deadline and keeps their measured cost; this processor
     *     owns it from now on
     */
    public BatchProcessor(Plan plan, StateBackend state, SinkFactory sinks, java.time.Clock clock,
            DeadlineBudget budget) {
        this.plan = plan;
        this.clock = clock;
        this.budget = Objects.requireNonNull(budget, "budget");
        this.merging = plan.windows() instanceof SessionWindows;
        this.processingTimers = plan.windows() instanceof GlobalWindows global && global.intervalMs() > 0;
        this.state = state;
        this.failures = sinks.failures(plan.name(), plan.failureDestination());
        for (Plan.Binding binding : plan.bindings()) {
            writers.computeIfAbsent(binding.sink(), sinks::open);
        }
        this.late = plan.lateDataSink() == null ? sinks.lateData(plan.name(), plan.failureDestination())
                : writers.computeIfAbsent(plan.lateDataSink(), sinks::open);
        this.flush = new SinkFlush(plan, failures, json);
        java.util.Set<SinkWriter> all = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        all.addAll(writers.values());
        all.add(failures);
        all.add(late);
        this.batchingWriters = all.stream().filter(dev.eddy.sink.internal.BatchingWriter.class::isInstance)
                .map(dev.eddy.sink.internal.BatchingWriter.class::cast).toList();
    }

    /**
     * Makes a shard's first batch continue its parents after a reshard: their watermark and their timers of the
     * keys it owns ({@link StateBackend#inherit}). Without it, every shard starts fresh.
     *
     * @param lineage where shards' parents are found
     * @return this processor
     */
    public BatchProcessor withShardLineage(ShardLineage lineage) {
        this.lineage = lineage;
        return this;
    }

    /** @return figures of committed batches so far, with the sink retries and the backend's capacity use */
    public synchronized HandlerMetrics metrics() {
        var usage = state.usage();
        return new HandlerMetrics(metrics.invocations(), metrics.records(), metrics.replaysSkipped(),
                metrics.failedRecords(), metrics.lateRecords(), metrics.windowsFired(), metrics.resultsEmitted(),
                sinkRetries(), metrics.deadlineStops(), usage.writeUnits(), usage.readUnits());
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
     * batch (in a reset execution environment). So the batch runs as consecutive chunks, each a complete cycle
     * that commits its own checkpoint, and before each chunk the time left is compared with the chunk's estimated
     * cost (milliseconds per record measured on earlier chunks, see {@link DeadlineBudget}) plus the reserve. When
     * it does not fit, processing stops and the response holds one batch item failure at the chunk's first record:
     * the records before it are committed, and the event source mapping retries from there. If not even the first
     * chunk fits, the failure is at the batch's first record. Running out of time never throws.
     *
     * <p>Exactly-once is unchanged: a chunk is a batch like any other, and a batch's results do not depend on
     * where it is cut.
     *
     * @param event the event, as Lambda delivers it
     * @param remainingMillis time left before the deadline, in milliseconds, asked before each chunk and after it
     *     (Lambda's {@code Context::getRemainingTimeInMillis}); {@link DeadlineBudget#UNLIMITED} for no deadline,
     *     which runs the batch in one chunk
     * @return no failures on success; otherwise one batch item failure at the first uncommitted record
     * @throws IllegalArgumentException if the batch mixes shards
     */
    public synchronized StreamsEventResponse process(KinesisEvent event, LongSupplier remainingMillis) {
        Objects.requireNonNull(remainingMillis, "remainingMillis");
        List<KinesisEvent.KinesisEventRecord> records = event.getRecords() == null ? List.of() : event.getRecords();
        if (records.isEmpty()) {
            count(INVOCATION);
            return new StreamsEventResponse(new ArrayList<>());
        }
        String shardId = shardOf(records.get(0));
        for (KinesisEvent.KinesisEventRecord record : records) {
            if (!shardId.equals(shardOf(record))) {
                throw new IllegalArgumentException("a batch holds records of " + shardId + " and "
                        + shardOf(record) + "; the event source mapping sends one shard per batch");
            }
        }
        capacityUsed(); // used outside any batch (priming): no shard's
        try {
            return processShard(shardId, records, remainingMillis);
        } finally {
            countUncommitted(shardId, capacityUsed());
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
                                : String.format(java.util.Locale.ROOT, "%.3f", budget.msPerRecord()),
                        records.size() - from, records.size(), stopAt);
                count(INVOCATION);
                countUncommitted(shardId, DEADLINE_STOP);
                lastFailure = "stopped before the Lambda deadline with " + remaining + " ms left (reserve "
                        + budget.reserveMs() + " ms)";
                return response(stopAt);
            }
            Outcome outcome = cycle(shardId, records.subList(from, from + size), from > 0);
            if (outcome.failed()) {
                return response(outcome.retryFrom());
            }
            long after = remaining(remainingMillis);
            // a chunk cut short by a record to retry took less than its size: no measurement
            if (outcome.retryFrom() == null && remaining != DeadlineBudget.UNLIMITED
                    && after != DeadlineBudget.UNLIMITED) {
                budget.measured(size, remaining - after);
            }
            remaining = after;
            retryFrom = outcome.retryFrom();
            from += size;
        }
        count(INVOCATION);
        return response(retryFrom);
    }

    /** A shard never committed: if it is a child of a reshard, it continues its parents. */
    private ShardCheckpoint inherit(String shardId, String streamArn, ShardCheckpoint initial) {
        if (streamArn == null) {
            return initial;
        }
        Optional<ShardLineage.Shard> shard = lineage.describe(streamArn, shardId);
        if (shard.isEmpty() || shard.get().parents().isEmpty()) {
            return initial;
        }
        ShardCheckpoint inherited = state.inherit(shardId, shard.get().parents(), shard.get()::owns);
        LOG.info("pipeline {} shard {}: continues {} after a reshard, from watermark {}", plan.name(), shardId,
                shard.get().parents(), inherited.watermarkMs());
        return inherited;
    }

    /** @return the time left, ms, never negative; a supplier that fails counts as no time left */
    private long remaining(LongSupplier remainingMillis) {
        try {
            return Math.max(0, remainingMillis.getAsLong());
        } catch (RuntimeException e) {
            LOG.warn("pipeline {}: the remaining time could not be read, assuming none: {}", plan.name(),
                    e.toString());
            return 0;
        }
    }

    /**
     * How one cycle ended.
     *
     * @param retryFrom where the event source mapping must retry from, or {@code null} if every record of the
     *     chunk was committed
     * @param failed whether the cycle failed (nothing of it committed): the batch stops at {@code retryFrom}
     */
    private record Outcome(String retryFrom, boolean failed) {
    }

    /**
     * One complete cycle over consecutive records of one shard: read the checkpoint, apply, fire, emit, clear
     * timers, commit. Counts its figures, but not an invocation.
     *
     * @param later whether earlier chunks of the batch were committed
     */
    private Outcome cycle(String shardId, List<KinesisEvent.KinesisEventRecord> records, boolean later) {
        String firstUncommitted = null;
        String retryFrom = null;
        try {
            ShardCheckpoint checkpoint = state.readCheckpoint(shardId);
            if (checkpoint.version() == 0 && lineage != null) {
                checkpoint = inherit(shardId, records.get(0).getEventSourceARN(), checkpoint);
            }
            Batch batch = new Batch(shardId, checkpoint);
            for (KinesisEvent.KinesisEventRecord record : records) {
                BigInteger sequence = Decimals.parse(record.getKinesis().getSequenceNumber());
                if (checkpoint.covers(sequence)) {
                    batch.replaysSkipped++;
                    continue;
                }
                if (firstUncommitted == null) {
                    firstUncommitted = record.getKinesis().getSequenceNumber();
                }
                if (!batch.add(record, sequence)) {
                    retryFrom = record.getKinesis().getSequenceNumber();
                    break;
                }
            }
            if (batch.last == null) {
                countUncommitted(shardId, new HandlerMetrics(0, 0, batch.replaysSkipped, 0, 0, 0, 0, 0, 0, 0, 0));
                return new Outcome(retryFrom, false);
            }
            BatchRange range = new BatchRange(new BigInteger(firstUncommitted), batch.last, batch.watermarkSteps);
            BatchLogic logic = logic(batch.watermark);
            StateBackend.Applied applied = state.applyUpdates(shardId, range, batch.updates(), logic);
            applied.refused().forEach(batch::refused);
            StateBackend.Due due = state.fireDue(shardId, range, batch.watermark, logic);
            if (processingTimers) {
                StateBackend.Due byClock = state.fireDueProcessingTime(shardId, range, clock.millis(), logic);
                due = new StateBackend.Due(distinct(due.firings(), byClock.firings()),
                        concat(due.timers(), byClock.timers()));
            }
            List<Firing> firings = distinct(applied.firings(), due.firings());
            long emitted = emit(firings, logic, batch.late, batch.failed);
            state.clearTimers(shardId, due.timers());
            commit(checkpoint, batch.last, batch.watermark, batch.maxEventTime, new HandlerMetrics(0, batch.records,
                    batch.replaysSkipped, batch.failed.size(), batch.late.size(), firings.size(), emitted, 0, 0, 0, 0));
            lastWatermarkMs = batch.watermark;
            return new Outcome(retryFrom, false);
        } catch (RuntimeException e) {
            if (firstUncommitted == null) {
                // failed before taking a record (the checkpoint read, a new shard's lineage): retry all of it
                firstUncommitted = records.get(0).getKinesis().getSequenceNumber();
            }
            LOG.error("pipeline {} shard {}: batch failed from sequence number {}; the event source mapping"
                    + " will retry it: {}", plan.name(), shardId, firstUncommitted, e.toString(), e);
            lastFailure = e.getMessage() == null ? e.toString() : e.getMessage().replace('\n', ' ');
            return new Outcome(firstUncommitted, true);
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
        long watermark = lastWatermarkMs;
        return watermark == Long.MIN_VALUE || watermark == Long.MAX_VALUE ? null : nowMs - watermark;
    }

    /**
     * @return why the latest batch that failed or stopped early did (an error's message, or the deadline), one
     *     line; empty while every batch finished
     */
    public Optional<String> lastFailure() {
        return Optional.ofNullable(lastFailure);
    }

    /** @return sink entries sent again after partial failures, since this processor was created */
    public long sinkRetries() {
        long retries = 0;
        for (dev.eddy.sink.internal.BatchingWriter writer : batchingWriters) {
            retries += writer.retriedEntries();
        }
        return retries;
    }

    /**
     * Warms this processor up without touching any shard's state: reads the checkpoint of a shard that does not
     * exist (a consistent {@code GetItem} with the DynamoDB backend) and writes a result as JSON. For SnapStart's
     * snapshot ({@code EddyHandler#prime}).
     */
    public synchronized void prime() {
        state.readCheckpoint("shardId-eddy-priming");
        toJson(java.util.Map.of("primed", true));
    }

    /**
     * End of input for one shard: advances its watermark to +∞ so that every window fires, as Flink does at
     * the end of a bounded source. Used by local runs over a file and by tests, never by Lambda.
     *
     * @param shardId the shard
     * @return the number of windows fired
     */
    public synchronized int drain(String shardId) {
        capacityUsed();
        try {
            ShardCheckpoint checkpoint = state.readCheckpoint(shardId);
            BatchLogic logic = logic(Long.MAX_VALUE);
            StateBackend.Due due = state.fireDue(shardId, BatchRange.drain(checkpoint), Long.MAX_VALUE, logic);
            List<Firing> firings = distinct(due.firings(), List.of());
            long emitted = emit(firings, logic, List.of(), List.of());
            state.clearTimers(shardId, due.timers());
            commit(checkpoint, null, Long.MAX_VALUE, checkpoint.maxEventTimeMs(),
                    new HandlerMetrics(0, 0, 0, 0, 0, firings.size(), emitted, 0, 0, 0, 0));
            return firings.size();
        } finally {
            countUncommitted(shardId, capacityUsed());
        }
    }

    /**
     * Commits a shard's checkpoint, with its totals grown by the cycle's figures, the shard's uncommitted ones and
     * the capacity used since they were taken, all in the one conditional write that moves the checkpoint; then
     * counts the cycle.
     *
     * @param cycle the cycle's figures, to count once committed
     * @throws dev.eddy.state.StateConflictException if another invocation moved the checkpoint: nothing counted
     */
    private void commit(ShardCheckpoint checkpoint, BigInteger last, long watermark, long maxEventTime,
            HandlerMetrics cycle) {
        String shardId = checkpoint.shardId();
        countUncommitted(shardId, capacityUsed());
        HandlerMetrics m = uncommitted.get(shardId).plus(cycle);
        state.commitCheckpoint(checkpoint, checkpoint.advance(last, watermark, maxEventTime,
                new ShardCheckpoint.Totals(m.records(), m.replaysSkipped(), m.failedRecords(), m.lateRecords(),
                        m.windowsFired(), m.resultsEmitted(), m.deadlineStops(), m.writeUnits(), m.readUnits())));
        uncommitted.remove(shardId);
        count(cycle);
    }

    /** Counts figures no commit holds; the shard's next commit adds them to its totals. */
    private void countUncommitted(String shardId, HandlerMetrics figures) {
        count(figures);
        uncommitted.merge(shardId, figures, HandlerMetrics::plus);
    }

    /** @return the capacity the backend used since the last call, as figures of nothing else */
    private HandlerMetrics capacityUsed() {
        CapacityUsage now = state.usage();
        HandlerMetrics used = new HandlerMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0,
                now.writeUnits() - attributed.writeUnits(), now.readUnits() - attributed.readUnits());
        attributed = now;
        return used;
    }

    private static List<Object> concat(List<Object> a, List<Object> b) {
        List<Object> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The firings of both lists, each (key, window, firing) once: a window can be reached by values and timer. */
    private static List<Firing> distinct(List<Firing> a, List<Firing> b) {
        Map<List<Object>, Firing> unique = new LinkedHashMap<>();
        for (List<Firing> list : List.of(a, b)) {
            for (Firing f : list) {
                unique.putIfAbsent(List.of(f.key(), f.window(), f.firing()), f);
            }
        }
        return List.copyOf(unique.values());
    }

    /** Counts figures; {@link #metrics()} takes capacity units from the backend and sink retries from the writers. */
    private void count(HandlerMetrics batch) {
        metrics = metrics.plus(batch);
    }

    /** @return the logic of a batch that ends at this watermark */
    private BatchLogic logic(long watermarkMs) {
        if (plan.process() != null) {
            return new ProcessLogic(plan, watermarkMs, json, clock);
        }
        if (plan.windows() instanceof GlobalWindows) {
            return new GlobalTriggerLogic(plan, json, clock);
        }
        return new KeyWindowsLogic(plan, watermarkMs, json, clock);
    }

    /**
     * Emits the firings' results, in order of window end, and the batch's side outputs: every sink flushed once (in
     * parallel), results a sink refuses and failed records to the failure destination, then the {@code forEachOnce}
     * side effects.
     *
     * @return results emitted
     * @throws dev.eddy.sink.SinkException if a sink could not deliver: the batch fails and is retried
     */
    private long emit(List<Firing> firings, BatchLogic logic, List<SinkRecord> late, List<SinkRecord> failed) {
        // in event-time order of the windows, as Flink's timer service fires them (stable: keys keep their order
        // within one time), so that a pipeline reading these results sees event time advance
        List<Firing> ordered = new ArrayList<>(firings);
        ordered.sort(java.util.Comparator.comparingLong(f -> f.window().maxTimestamp()));
        Map<SinkRef, List<SinkRecord>> out = new LinkedHashMap<>();
        OnceEffects once = new OnceEffects(plan);
        RecordContext ctx = new RecordContext();
        boolean timeWindows = plan.windows() != null && !(plan.windows() instanceof GlobalWindows);
        // the windows' bounds as text, once per window: many keys' firings share a window
        Map<Window, String[]> bounds = new java.util.HashMap<>();
        for (Firing window : ordered) {
            String id = ResultIds.ofFiring(plan.name(), window.key(), window.window(), window.firing());
            Object windowed = logic.emitted(window, id);
            ctx.timestampMs = window.window().maxTimestamp();
            Map<String, Object> attributes = new LinkedHashMap<>();
            attributes.put("id", id);
            attributes.put("pipeline", plan.name());
            attributes.put("key", window.key());
            if (timeWindows) {
                String[] text = bounds.computeIfAbsent(window.window(),
                        w -> new String[] {w.start().toString(), w.end().toString()});
                attributes.put("windowStart", text[0]);
                attributes.put("windowEnd", text[1]);
                attributes.put("firing", window.firing());
            }
            for (Plan.Binding binding : plan.bindings()) {
                List<SinkRecord> records = out.computeIfAbsent(binding.sink(), k -> new ArrayList<>());
                binding.steps().apply(windowed, ctx, value ->
                        records.add(new SinkRecord(id, window.key(), toJson(value), attributes)));
            }
            once.add(windowed, ctx, id);
        }
        List<SinkFlush.Delivery> deliveries = new ArrayList<>();
        long emitted = 0;
        for (Map.Entry<SinkRef, List<SinkRecord>> entry : out.entrySet()) {
            deliveries.add(new SinkFlush.Delivery(entry.getKey().describe(), writers.get(entry.getKey()),
                    entry.getValue()));
            emitted += entry.getValue().size();
        }
        deliveries.add(new SinkFlush.Delivery("late data", this.late, late));
        flush.deliver(deliveries, failed);
        // forEachOnce side effects: after the sinks, before the checkpoint; a failure fails the batch
        once.run(state);
        return emitted;
    }

    private byte[] toJson(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("result of pipeline " + plan.name() + " cannot be written as JSON", e);
        }
    }

    static String shardOf(KinesisEvent.KinesisEventRecord record) {
        String eventId = Objects.requireNonNull(record.getEventID(), "record without eventID");
        int colon = eventId.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("eventID '" + eventId + "' is not shardId:sequenceNumber");
        }
        return eventId.substring(0, colon);
    }

    private static byte[] bytes(ByteBuffer data) {
        ByteBuffer copy = data.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    /** One batch's work in memory: pre-aggregation input, side outputs, watermark. */
    private final class Batch {
        final String shardId;
        /** Per key, its elements in order: a key's state is one item, so one update per key. */
        final Map<String, List<SequencedValue>> updates = new LinkedHashMap<>();
        /** Per key, the partition key of its latest record: where the key lives after a reshard. */
        final Map<String, String> partitionKeys = new java.util.HashMap<>();
        final java.util.NavigableMap<Long, BigInteger> watermarkSteps = new java.util.TreeMap<>();
        final List<SinkRecord> failed = new ArrayList<>();
        final List<SinkRecord> late = new ArrayList<>();
        final List<Object[]> elements = new ArrayList<>();
        final RecordContext ctx = new RecordContext();
        long watermark;
        long maxEventTime;
        BigInteger last;
        long records;
        long replaysSkipped;

        Batch(String shardId, ShardCheckpoint checkpoint) {
            this.shardId = shardId;
            this.watermark = checkpoint.watermarkMs();
            this.maxEventTime = checkpoint.maxEventTimeMs();
        }

        /**
         * Adds one record.
         *
         * @return {@code false} if the record failed under {@link RecordErrorPolicy#RETRY}: the batch stops before it
         */
        boolean add(KinesisEvent.KinesisEventRecord record, BigInteger sequence) {
            KinesisEvent.Record kinesis = record.getKinesis();
            byte[] data = bytes(kinesis.getData());
            elements.clear();
            try {
                Object value = plan.source().decoder().decode(data);
                ctx.timestampMs = kinesis.getApproximateArrivalTimestamp().getTime();
                plan.preWindow().apply(value, ctx, element -> elements.add(new Object[] {
                    element, ctx.timestampMs,
                    plan.key().apply(element),
                    plan.process() != null ? ProcessLogic.ALL_TIME_ONLY : plan.windows().assign(ctx.timestampMs)}));
            } catch (RuntimeException e) {
                if (plan.onRecordError() == RecordErrorPolicy.RETRY) {
                    LOG.warn("pipeline {} shard {}: record {} failed and will be retried: {}", plan.name(), shardId,
                            kinesis.getSequenceNumber(), e.toString());
                    return false;
                }
                last = sequence;
                records++;
                failed.add(failure(record, data, e));
                return true;
            }
            last = sequence;
            records++;
            int index = 0;
            for (Object[] element : elements) {
                long timestamp = (Long) element[1];
                String key = (String) element[2];
                // a window past its allowed lateness takes no more elements: late data; sessions decide after
                // merging, in the window logic
                boolean joinsAWindow = false;
                for (Window window : (Window[]) element[3]) {
                    if (!merging && KeyWindowsLogic.cleanupTime(window, plan.allowedLatenessMs()) <= watermark) {
                        late.add(lateRecord(ResultIds.ofRecord(plan.name(), shardId, kinesis.getSequenceNumber(),
                                index++), kinesis.getSequenceNumber(), element[0], key, timestamp, window));
                    } else {
                        joinsAWindow = true;
                    }
                }
                if (joinsAWindow) {
                    // a key's state is one item: the window logic assigns the element to its windows again
                    updates.computeIfAbsent(key, k -> new ArrayList<>())
                            .add(new SequencedValue(sequence, element[0], timestamp, false, watermark));
                    partitionKeys.put(key, kinesis.getPartitionKey());
                }
                maxEventTime = Math.max(maxEventTime, timestamp);
                long before = watermark;
                watermark = Math.max(watermark, Watermarks.bounded(maxEventTime, plan.outOfOrdernessMs()));
                if (watermark > before) {
                    watermarkSteps.put(watermark, sequence);
                }
            }
            return true;
        }

        /** Values for windows that had fired already (a key seen on two shards) go to the late output too. */
        void refused(WindowUpdate update) {
            int index = 0;
            for (SequencedValue value : update.values()) {
                String sequence = value.sequenceNumber().toString();
                // a key's item names no window: report the element's own
                Window window = plan.windows() != null ? plan.windows().assign(value.timestampMs())[0]
                        : update.window();
                late.add(lateRecord(ResultIds.ofRecord(plan.name(), shardId, sequence, 0) + "@refused:"
                        + window.startMs() + ":" + index++, sequence, value.value(), update.key(),
                        value.timestampMs(), window));
            }
        }

        List<WindowUpdate> updates() {
            List<WindowUpdate> list = new ArrayList<>(updates.size());
            updates.forEach((key, values) -> list.add(new WindowUpdate(key, ProcessLogic.ALL_TIME, values,
                    partitionKeys.get(key))));
            return list;
        }

        private SinkRecord failure(KinesisEvent.KinesisEventRecord record, byte[] data, RuntimeException error) {
            KinesisEvent.Record kinesis = record.getKinesis();
            ObjectNode node = json.createObjectNode()
                    .put("id", ResultIds.ofRecord(plan.name(), shardId, kinesis.getSequenceNumber(), 0))
                    .put("type", "poison")
                    .put("pipeline", plan.name())
                    .put("shardId", shardId)
                    .put("sequenceNumber", kinesis.getSequenceNumber())
                    .put("partitionKey", kinesis.getPartitionKey())
                    .put("approximateArrivalTimestamp",
                            kinesis.getApproximateArrivalTimestamp().toInstant().toString())
                    .put("errorType", error.getClass().getName())
                    .put("errorMessage", String.valueOf(error.getMessage()))
                    .put("data", Base64.getEncoder().encodeToString(data));
            return SinkFlush.sideRecord(node, kinesis.getPartitionKey(), plan.name(), toJson(node));
        }

        private SinkRecord lateRecord(String id, String sequenceNumber, Object element, String key, long timestamp,
                Window window) {
            ObjectNode node = json.createObjectNode()
                    .put("id", id)
                    .put("type", "late")
                    .put("pipeline", plan.name())
                    .put("shardId", shardId)
                    .put("sequenceNumber", sequenceNumber)
                    .put("key", key)
                    .put("eventTime", Instant.ofEpochMilli(timestamp).toString())
                    .put("windowStart", window.start().toString())
                    .put("windowEnd", window.end().toString())
                    .put("watermark", Instant.ofEpochMilli(watermark).toString());
            node.set("element", json.valueToTree(element));
            return SinkFlush.sideRecord(node, key, plan.name(), toJson(node));
        }
    }
}

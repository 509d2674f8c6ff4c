package dev.eddy.testing;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.metrics.Figures;
import dev.eddy.internal.BatchProcessor;
import dev.eddy.codec.internal.Jsons;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.PipelineDefinition;
import dev.eddy.sink.MemorySinkFactory;
import dev.eddy.sink.SinkRecord;
import dev.eddy.sink.SinkRef;
import dev.eddy.state.ShardLineage;
import dev.eddy.state.dynamodb.DynamoDbStateBackend;
import dev.eddy.state.dynamodb.local.DynamoDbLocal;
import dev.eddy.testing.internal.BatchResponses;
import dev.eddy.testing.internal.RetryAttempts;
import dev.eddy.state.dynamodb.table.StateTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs a pipeline in a unit test, as Kafka Streams' {@code TopologyTestDriver} runs a topology: records in,
 * batches delivered as Lambda's Kinesis event source mapping would, results read back from in-memory sinks. It is
 * the real thing on the inside — the batch path {@code EddyHandler} runs ({@link BatchProcessor}) and the DynamoDB
 * state backend ({@link DynamoDbStateBackend}) on DynamoDB Local, in this JVM, with no process or port — and
 * deterministic: a controlled clock, fixed sequence numbers, Kinesis's routing of partition keys.
 *
 * <pre>{@code
 * try (var driver = EddyTestDriver.of(new FlightDelays())) {
 *     driver.put("DTW", new Flight("2001/01/01 00:47", 66, 500, "DTW", "LAS"));
 *     driver.put("DTW", new Flight("2001/01/01 09:10", -5, 500, "DTW", "LAS"));
 *     driver.drain();                                    // end of input: every window fires
 *     assertThat(driver.output("flight-delay-stats", FlightDelayStats.class))
 *             .singleElement().extracting(FlightDelayStats::flights).isEqualTo(2L);
 * }
 * }</pre>
 *
 * <h2>Input</h2>
 *
 * {@link #put(String, Object)} appends a record to the shard that owns its partition key: the MD5 of the key as
 * a 128-bit number, in the shard's hash key range, the ranges splitting {@code [0, 2^128)} evenly as Kinesis's
 * {@code CreateStream} does. Shards are {@code shardId-000000000000}, {@code shardId-000000000001}, …; each gives its
 * records increasing 56-digit sequence numbers. Events are shaped as Lambda delivers them: {@code eventID =
 * shardId:sequenceNumber}, {@code eventSourceARN = arn:aws:kinesis:us-east-1:000000000000:stream/<stream>}, the
 * data as bytes (what the runtime makes of Lambda's base64), {@code approximateArrivalTimestamp} in milliseconds.
 * A key whose records reach two shards is refused at {@code put}: keyed state belongs to the shard that owns the
 * key, so a pipeline's key must follow the partition key.
 *
 * <h2>Delivery</h2>
 *
 * Nothing is processed until {@link #flush()} or {@link #drain()}. {@code flush} delivers each shard's pending
 * records in batches of the pipeline's batch size ({@code KinesisSource#withBatchSize}) and honours the handler's
 * batch item failures as the event source mapping does: the records below the lowest failed sequence number are
 * done, the rest are delivered again; every attempt that leaves records undone counts as a retry of the batch, at most
 * the pipeline's {@code maxRetryAttempts} ({@link Builder#maxRetries}); then, where the event source mapping would
 * send the batch to its on-failure destination and move on, the driver throws an {@link AssertionError}: in a test,
 * that is a failure. The local event source mapping of {@code ./eddy run} applies the same rules.
 * {@code drain} is the end of a bounded input: every window fires (the watermark goes to +∞, as Flink does at the
 * end of a bounded source); later records are late.
 *
 * <h2>Time</h2>
 *
 * The clock starts at {@link #DEFAULT_START} (or {@link Builder#startTime}) and moves only by
 * {@link #advanceTime(Duration)}. It is the wall clock of the processor and of the state backend (processing-time
 * triggers, state time to live, done-markers of {@code forEachOnce}) and the arrival time of records put without
 * one (the event time of pipelines without {@code withEventTime}). As on Lambda, a function runs only when records
 * arrive: a processing-time pane that falls due fires at its shard's next batch.
 *
 * <h2>Output</h2>
 *
 * Each sink of the pipeline keeps what was delivered to it, in order, repeats included: sinks are at least once,
 * and a retried batch sends its results again with the same {@code id} ({@code docs/sinks.md}). The failure
 * destination's records ({@code poison} and {@code undeliverable}, shaped as {@code docs/sinks.md} says) are in
 * {@link #failures()}; late data, when the pipeline names no sink for it ({@code lateDataTo}), is in
 * {@link #lateData()} — kept apart, as local file runs keep it, where Lambda sends it to the failure destination.
 * The in-memory sinks take records of any size, so no result is {@code undeliverable} here.
 *
 * <h2>Faults</h2>
 *
 * {@link #duplicateNextBatch()} invokes the next batch twice, {@link #redeliverLastBatch()} makes the event source
 * mapping read the last batch again, and {@link #failSink(String, int)} makes a sink throw: the state's fencing and
 * checkpoint must keep every result counted once — the exactly-once promise, which tests can now state.
 *
 * <p>One driver per test; close it (try-with-resources). Not thread-safe. Each driver has its own DynamoDB Local
 * with an empty table; on a 2-core machine the first in a JVM starts in 1.5–2.5 s (DynamoDB Local's classes and
 * native library), later ones in 20–80 ms.
 */
public final class EddyTestDriver implements AutoCloseable {

    /** Where the clock starts unless {@link Builder#startTime} says otherwise: 2024-01-01T00:00:00Z. */
    public static final Instant DEFAULT_START = Instant.parse("2024-01-01T00:00:00Z");
    /** Region of the events' ARNs. */
    public static final String REGION = DriverStream.REGION;
    /** Account of the events' ARNs. */
    public static final String ACCOUNT = DriverStream.ACCOUNT;


    private final Pipeline pipeline;
    private final int batchSize;
    private final int maxRetries;
    /** Whether the event source mapping would retry a failing batch until it succeeds (the pipeline's default). */
    private final boolean blocks;
    private final DriverClock clock;
    private final DynamoDbLocal dynamoDb;
    private final DynamoDbStateBackend state;
    private final MemorySinkFactory sinks = new MemorySinkFactory();
    private final BatchProcessor processor;

    /**
     * Failed deliveries of one batch after which a test fails when the pipeline retries until success (its
     * default): on Lambda the shard would be blocked.
     */
    public static final int BLOCKED_RETRIES = 10;
    private final DriverStream stream;
    private final ObjectMapper json = Jsons.strictMapper();
    private int duplicates;
    private DriverStream.Shard lastShard;
    private List<KinesisEvent.KinesisEventRecord> lastBatch = List.of();
    private boolean closed;

    private EddyTestDriver(Builder builder) {
        this.pipeline = Objects.requireNonNull(builder.definition.define(),
                () -> builder.definition.getClass().getName() + ".define() returned null");
        this.batchSize = builder.batchSize > 0 ? builder.batchSize : pipeline.source().batchSize();
        int pipelineRetries = pipeline.source().maxRetryAttempts();
        this.blocks = builder.maxRetries < 0 && pipelineRetries < 0;
        this.maxRetries = builder.maxRetries >= 0 ? builder.maxRetries
                : pipelineRetries >= 0 ? pipelineRetries : BLOCKED_RETRIES;
        this.clock = new DriverClock(builder.startTime);
        this.stream = new DriverStream(pipeline, builder.shards > 0 ? builder.shards : pipeline.source().shards());
        String table = "eddy-" + pipeline.name() + "-state";
        this.dynamoDb = DynamoDbLocal.embedded();
        try {
            StateTable.create(dynamoDb.client(), table);
            this.state = new DynamoDbStateBackend(dynamoDb.client(), table, clock);
            this.processor = new BatchProcessor(pipeline, state, sinks, clock);
        } catch (RuntimeException e) {
            dynamoDb.close();
            throw e;
        }
    }

    /**
     * A driver with the pipeline's own settings: its shard count ({@code KinesisSource#withShards}, 4 by
     * default), batch size ({@code KinesisSource#withBatchSize}, 100 by default) and retries of a failing batch
     * ({@code KinesisSource#withMaxRetryAttempts}; where the pipeline retries until success, its default, the
     * driver gives up after {@value #BLOCKED_RETRIES}: a test does not wait forever).
     *
     * @param definition the pipeline
     * @return a running driver; close it
     * @throws IllegalStateException if DynamoDB Local does not start
     */
    public static EddyTestDriver of(PipelineDefinition definition) {
        return builder(definition).build();
    }

    /**
     * @param definition the pipeline
     * @return a builder of a driver for it
     */
    public static Builder builder(PipelineDefinition definition) {
        return new Builder(Objects.requireNonNull(definition, "definition"));
    }

    // ---------------------------------------------------------------- input

    /**
     * Puts a record that arrives now ({@link #now()}).
     *
     * @param partitionKey the Kinesis partition key: 1–256 characters; the pipeline's key, for keyed state to work
     * @param value the record's data: a {@code byte[]} as is, a {@code String} as its UTF-8 bytes (so bad input is
     *     easy to write), anything else as JSON written by the framework's Jackson mapper (instants as ISO-8601)
     * @throws IllegalArgumentException if the partition key is empty or longer than 256 characters, the record is
     *     over Kinesis's 1 MiB, or the record's key already reached another shard
     */
    public void put(String partitionKey, Object value) {
        put(partitionKey, value, clock.instant());
    }

    /**
     * Puts a record with its arrival time ({@code approximateArrivalTimestamp}, truncated to milliseconds): the
     * event time of a pipeline without {@code withEventTime}.
     *
     * @param partitionKey as for {@link #put(String, Object)}
     * @param value as for {@link #put(String, Object)}
     * @param arrival when Kinesis received it
     * @throws IllegalArgumentException as {@link #put(String, Object)}
     */
    public void put(String partitionKey, Object value, Instant arrival) {
        requireOpen();
        Objects.requireNonNull(partitionKey, "partitionKey");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(arrival, "arrival");
        stream.put(partitionKey, bytes(value), arrival);
    }

    /**
     * @param partitionKey a partition key
     * @return the shard its records go to, e.g. {@code shardId-000000000002}
     */
    public String shardOf(String partitionKey) {
        return stream.shardFor(Objects.requireNonNull(partitionKey, "partitionKey")).id();
    }

    // ---------------------------------------------------------------- delivery

    /**
     * Delivers every shard's pending records, shard after shard, in batches of the batch size, as the event
     * source mapping does: after a batch item failure, again from the lowest failed sequence number (a
     * {@code null}, empty or unknown identifier, or an exception, fails the whole batch).
     *
     * @throws AssertionError if a batch leaves records undone more than {@link Builder#maxRetries} times
     */
    public void flush() {
        requireOpen();
        for (DriverStream.Shard shard : stream.shards()) {
            RetryAttempts attempts = new RetryAttempts(maxRetries);
            RuntimeException lastError = null;
            while (!shard.pending.isEmpty()) {
                List<KinesisEvent.KinesisEventRecord> batch =
                        List.copyOf(shard.pending.subList(0, Math.min(batchSize, shard.pending.size())));
                lastShard = shard;
                lastBatch = batch;
                Outcome outcome = invoke(batch);
                if (duplicates > 0) {
                    duplicates--;
                    outcome = invoke(batch); // the mapping acts on the later response
                }
                lastError = outcome.error() != null ? outcome.error() : lastError;
                shard.pending.subList(0, outcome.done()).clear();
                if (outcome.done() == batch.size()) {
                    attempts.succeeded();
                    continue;
                }
                if (attempts.failed()) {
                    throw new AssertionError(shard.id() + ": the batch from sequence number "
                            + sequenceNumber(shard.pending.get(0)) + " failed " + attempts.attempts() + " times"
                            + " (maxRetries " + maxRetries + "), where the event source mapping would "
                            + (blocks ? "keep retrying it and the shard would be blocked (the pipeline retries until"
                                    + " success)" : "give it to its on-failure destination and skip it")
                            + ". The cause is logged by "
                            + BatchProcessor.class.getName()
                            + ": a sink failing more often than that (failSink), a record that keeps failing under"
                            + " RecordErrorPolicy.RETRY, or a state error", lastError);
                }
            }
        }
    }

    /**
     * The end of a bounded input: {@link #flush()}, then the watermark of every shard that got records goes to
     * +∞ so that every window fires once ({@code BatchProcessor#drain}), retried like a batch when a sink fails.
     * Global windows' pending panes do not fire (as in Flink). Records put afterwards are late.
     *
     * @throws AssertionError if a batch or a shard's drain fails more than {@link Builder#maxRetries} times in a
     *     row
     */
    public void drain() {
        flush();
        for (DriverStream.Shard shard : stream.shards()) {
            if (!shard.used) {
                continue; // Lambda never invokes for a shard without records: nothing of it is in state
            }
            for (int attempt = 0; ; attempt++) {
                try {
                    processor.drain(shard.id());
                    break;
                } catch (RuntimeException e) {
                    if (attempt >= maxRetries) {
                        throw new AssertionError(shard.id() + ": the end-of-input drain failed " + (attempt + 1)
                                + " times (maxRetries " + maxRetries + "): " + e.getMessage(), e);
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- time

    /**
     * Moves the clock forward, with the heartbeats the deployed schedule would put meanwhile: at every multiple of
     * the source's heartbeat rate ({@code KinesisSource#heartbeat()}, 1 minute by default) in {@code (now, now +
     * duration]}, one heartbeat of that time into every shard that has had records (the latest
     * {@value #MAX_HEARTBEATS} beats of a long jump). Nothing runs by itself: {@link #flush()} delivers them, and
     * then due processing-time panes, keyed-process timers and clean-up fire, and with idleness
     * ({@code KinesisSource#withIdleness}) a quiet shard's watermark follows the heartbeats' time
     * (docs/windows.md, "Idleness").
     *
     * @param duration how far, zero or more
     * @throws IllegalArgumentException if negative
     */
    public void advanceTime(Duration duration) {
        requireOpen();
        if (Objects.requireNonNull(duration, "duration").isNegative()) {
            throw new IllegalArgumentException("time only moves forward, not by " + duration);
        }
        long from = clock.now.toEpochMilli();
        clock.now = clock.now.plus(duration);
        long rate = pipeline.source().heartbeat().toMillis();
        if (rate == 0) {
            return;
        }
        long to = clock.now.toEpochMilli();
        long first = Math.max(Math.floorDiv(from, rate) + 1, Math.floorDiv(to, rate) - MAX_HEARTBEATS + 1) * rate;
        for (long beat = first; beat <= to; beat += rate) {
            stream.heartbeat(beat);
        }
    }

    /** Most heartbeats one {@link #advanceTime} puts per shard: the latest, for a long jump. */
    public static final int MAX_HEARTBEATS = 1_000;

    /** @return the driver's clock: the processing time, and the arrival time of records put without one */
    public Instant now() {
        return clock.now;
    }

    // ---------------------------------------------------------------- output

    /**
     * What a sink of the pipeline received so far, in delivery order, repeats of a retried batch included (same
     * {@code id}). Call {@link #flush()} or {@link #drain()} first.
     *
     * @param sink the sink's name ({@code "flight-delay-stats"}), or {@code kind:name}
     *     ({@code "firehose:flight-delay-stats"}) when two sinks share a name
     * @return the records' JSON
     * @throws IllegalArgumentException if the pipeline has no such sink
     */
    public List<JsonNode> output(String sink) {
        return parse(sinks.delivered(resolve(sink, false)));
    }

    /**
     * {@link #output(String)} read as {@code type} by the framework's Jackson mapper (unknown fields ignored,
     * instants from ISO-8601).
     *
     * @param sink as for {@link #output(String)}
     * @param type a record or bean type of the results
     * @param <T> that type
     * @return the records, in delivery order
     * @throws IllegalArgumentException if the pipeline has no such sink, or a record does not read as {@code type}
     */
    public <T> List<T> output(String sink, Class<T> type) {
        Objects.requireNonNull(type, "type");
        List<T> values = new ArrayList<>();
        for (JsonNode node : output(sink)) {
            try {
                values.add(json.treeToValue(node, type));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("a record of sink '" + sink + "' is not a " + type.getName()
                        + ": " + e.getOriginalMessage() + " in " + node, e);
            }
        }
        return values;
    }

    /**
     * The failure destination's records so far: {@code "type": "poison"} (a record that did not decode or whose
     * steps threw, with its {@code data} in base64, {@code errorType} and {@code errorMessage}) and
     * {@code "undeliverable"}; see {@code docs/sinks.md}.
     *
     * @return the records' JSON, in order
     */
    public List<JsonNode> failures() {
        return parse(sinks.delivered(MemorySinkFactory.FAILURES));
    }

    /**
     * Late data so far, {@code "type": "late"}: records later than their window's allowed lateness, with the
     * element, key, event time, window and watermark. Empty when the pipeline sends late data to a sink of its own
     * ({@code lateDataTo}): read that sink with {@link #output(String)}.
     *
     * @return the records' JSON, in order
     */
    public List<JsonNode> lateData() {
        return parse(sinks.delivered(MemorySinkFactory.LATE));
    }

    /**
     * @return the processor's figures so far: invocations, records, replays skipped, failed and late records,
     *     windows fired, results emitted, sink retries, deadline stops, DynamoDB write and read units
     */
    public Figures metrics() {
        return processor.metrics();
    }

    // ---------------------------------------------------------------- faults

    /**
     * Invokes the next batch twice in a row with the same records (a duplicate invocation); the event source
     * mapping acts on the second response. Calls add up: {@code n} calls duplicate the next {@code n} batches.
     */
    public void duplicateNextBatch() {
        requireOpen();
        duplicates++;
    }

    /**
     * Makes the event source mapping read the last batch delivered again, as after a lost checkpoint: its records
     * go back to the front of their shard's pending records and the next {@link #flush()} delivers them again,
     * with whatever was put since. Does nothing before the first batch.
     */
    public void redeliverLastBatch() {
        requireOpen();
        if (lastShard != null) {
            List<KinesisEvent.KinesisEventRecord> again = new ArrayList<>(lastBatch);
            again.removeIf(lastShard.pending::contains);
            lastShard.pending.addAll(0, again);
        }
    }

    /**
     * Makes the next {@code times} deliveries to a sink fail with {@code SinkException}, as an outage would: the
     * batch then fails at its first uncommitted record and the driver delivers it again, so the sink gets its
     * results once it works, and the pipeline's other sinks may get some twice (same ids). A delivery is a write of
     * at least one record; batches without results for the sink do not count.
     *
     * @param sink a sink's name (or {@code kind:name}), or the failure destination's
     * @param times deliveries to fail, at least 1
     * @throws IllegalArgumentException if the pipeline has no such sink, or {@code times} is below 1
     */
    public void failSink(String sink, int times) {
        requireOpen();
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, was " + times);
        }
        sinks.failNext(resolve(sink, true), times);
    }

    /** Stops the processor's state backend and DynamoDB Local; the driver is unusable afterwards. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            dynamoDb.close(); // first: closing the client first would leave DynamoDB Local's threads running
        } finally {
            state.close();
        }
    }

    // ---------------------------------------------------------------- internals

    /**
     * How one invocation ended.
     *
     * @param done records of the batch done: all of it on success, else those below the first failed one
     * @param error what the invocation threw, or {@code null}
     */
    private record Outcome(int done, RuntimeException error) {
    }

    private Outcome invoke(List<KinesisEvent.KinesisEventRecord> batch) {
        KinesisEvent event = new KinesisEvent();
        event.setRecords(new ArrayList<>(batch));
        StreamsEventResponse response;
        try {
            response = processor.process(event);
        } catch (RuntimeException e) {
            return new Outcome(0, e); // a function error: the whole batch again
        }
        List<String> failures = response == null || response.getBatchItemFailures() == null ? List.of()
                : response.getBatchItemFailures().stream()
                        .map(StreamsEventResponse.BatchItemFailure::getItemIdentifier).toList();
        return new Outcome(BatchResponses.judge(batch.stream().map(EddyTestDriver::sequenceNumber).toList(),
                failures).done(), null);
    }

    private static String sequenceNumber(KinesisEvent.KinesisEventRecord record) {
        return record.getKinesis().getSequenceNumber();
    }


    /**
     * @param sink a name or {@code kind:name}
     * @param failureDestination whether the failure destination's name counts too
     * @return the in-memory destination
     */
    private String resolve(String sink, boolean failureDestination) {
        requireOpen();
        Objects.requireNonNull(sink, "sink");
        List<SinkRef> matches = pipeline.sinks().stream()
                .filter(ref -> ref.describe().equals(sink) || ref.name().equals(sink)).toList();
        if (matches.size() == 1) {
            return matches.get(0).describe();
        }
        if (matches.size() > 1) {
            throw new IllegalArgumentException("pipeline " + pipeline.name() + " has several sinks named '" + sink
                    + "': say which, as one of " + matches.stream().map(SinkRef::describe).toList());
        }
        SinkRef failures = pipeline.failureDestination();
        if (failureDestination && (failures.describe().equals(sink) || failures.name().equals(sink))) {
            return MemorySinkFactory.FAILURES;
        }
        throw new IllegalArgumentException("pipeline " + pipeline.name() + " has no sink '" + sink + "'; its sinks: "
                + pipeline.sinks().stream().map(SinkRef::describe).toList()
                + (failureDestination ? ", failure destination " + failures.describe() : ""));
    }

    private List<JsonNode> parse(List<SinkRecord> records) {
        List<JsonNode> nodes = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            try {
                nodes.add(json.readTree(record.payload()));
            } catch (IOException e) {
                throw new UncheckedIOException("a sink record is not JSON: " + record.payloadText(), e);
            }
        }
        return nodes;
    }

    private byte[] bytes(Object value) {
        if (value instanceof byte[] data) {
            return data.clone();
        }
        if (value instanceof String text) {
            return text.getBytes(StandardCharsets.UTF_8);
        }
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write " + value.getClass().getName() + " as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("this EddyTestDriver is closed");
        }
    }

    /** Settings of a driver; every one has a default. */
    public static final class Builder {
        private final PipelineDefinition definition;
        private int shards;
        private int batchSize;
        private int maxRetries = -1;
        private Instant startTime = DEFAULT_START;

        private Builder(PipelineDefinition definition) {
            this.definition = definition;
        }

        /**
         * @param shards shards of the stream, 1–500; default: the pipeline's ({@code KinesisSource#shards()})
         * @return this builder
         * @throws IllegalArgumentException outside 1–500
         */
        public Builder shards(int shards) {
            if (shards < 1 || shards > 500) {
                throw new IllegalArgumentException("shards must be 1-500, was " + shards);
            }
            this.shards = shards;
            return this;
        }

        /**
         * @param batchSize most records per batch, 1–10,000; default: the pipeline's
         *     ({@code KinesisSource#batchSize()})
         * @return this builder
         * @throws IllegalArgumentException outside 1–10,000
         */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1 || batchSize > KinesisSource.MAX_BATCH_SIZE) {
                throw new IllegalArgumentException("batch size must be 1-" + KinesisSource.MAX_BATCH_SIZE + ", was "
                        + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * @param maxRetries failed deliveries of one batch after its first, in a row, before {@link #flush()}
         *     throws; 0–10,000; default: the pipeline's ({@code KinesisSource#maxRetryAttempts()}), or
         *     {@value EddyTestDriver#BLOCKED_RETRIES} where it retries until success
         * @return this builder
         * @throws IllegalArgumentException outside 0–10,000
         */
        public Builder maxRetries(int maxRetries) {
            if (maxRetries < 0 || maxRetries > 10_000) {
                throw new IllegalArgumentException("maxRetries must be 0-10000, was " + maxRetries);
            }
            this.maxRetries = maxRetries;
            return this;
        }

        /**
         * @param startTime where the clock starts; default {@link EddyTestDriver#DEFAULT_START}
         * @return this builder
         */
        public Builder startTime(Instant startTime) {
            this.startTime = Objects.requireNonNull(startTime, "startTime");
            return this;
        }

        /**
         * Starts the driver: DynamoDB Local in this JVM with an empty state table {@code eddy-<pipeline>-state}.
         *
         * @return a running driver; close it
         * @throws IllegalStateException if DynamoDB Local does not start
         */
        public EddyTestDriver build() {
            return new EddyTestDriver(this);
        }
    }
}

package dev.eddy.pipeline;

import dev.eddy.codec.Decoder;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A Kinesis data stream read through Lambda's event source mapping, and the decoder that turns a record's
 * data into a value.
 *
 * <p>Immutable; every {@code with…} method returns a copy. The settings here are read by the handler, the
 * CDK construct and the local emulator alike.
 *
 * @param <T> the decoded value type
 */
public final class KinesisSource<T> {

    /** AWS's default batch size for a Kinesis event source mapping, in records. */
    public static final int DEFAULT_BATCH_SIZE = 100;
    /** Largest batch size a Kinesis event source mapping accepts, in records (AWS Lambda API reference). */
    public static final int MAX_BATCH_SIZE = 10_000;
    /** Shards of a stream created by Eddy when the definition names no count. */
    public static final int DEFAULT_SHARDS = 4;

    /**
     * Retries of a failing batch unless set otherwise: -1, until it succeeds (AWS's own default for a stream). A
     * batch of an Eddy pipeline fails only for want of infrastructure (state or a sink unavailable, a deadline): its
     * bad records go to the failure destination themselves. So the shard waits out an outage, as Flink
     * back-pressures, instead of skipping whole batches; the alarms say it is blocked (docs/deploy.md).
     */
    public static final int DEFAULT_MAX_RETRY_ATTEMPTS = -1;

    /**
     * Where the event source mapping starts reading a shard it has no checkpoint for ({@code StartingPosition} of
     * Lambda's {@code CreateEventSourceMapping}).
     */
    public enum StartingPosition {
        /** The oldest record the stream keeps (Eddy's default: nothing the stream holds is skipped). */
        TRIM_HORIZON,
        /** Only records put after the mapping starts. */
        LATEST,
        /** Records that arrived at or after {@link KinesisSource#startingTimestamp()}. */
        AT_TIMESTAMP
    }

    private final String streamName;
    private final Decoder<T> decoder;
    private final int shards;
    private final int batchSize;
    private final Duration batchingWindow;
    private final StartingPosition startingPosition;
    private final Instant startingTimestamp;
    private final int maxRetryAttempts;
    private final Duration maxRecordAge;
    /** {@code null}: no idleness. */
    private Duration idleness;
    private Duration heartbeat = DEFAULT_HEARTBEAT;

    /**
     * How often the CDK construct's heartbeat ticks every open shard unless set otherwise: 1 minute, the shortest
     * rate of an EventBridge Scheduler schedule ({@code rate(1 minute)}).
     */
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofMinutes(1);

    private KinesisSource(String streamName, Decoder<T> decoder, int shards, int batchSize, Duration batchingWindow,
            StartingPosition startingPosition, Instant startingTimestamp, int maxRetryAttempts, Duration maxRecordAge) {
        this.streamName = streamName;
        this.decoder = decoder;
        this.shards = shards;
        this.batchSize = batchSize;
        this.batchingWindow = batchingWindow;
        this.startingPosition = startingPosition;
        this.startingTimestamp = startingTimestamp;
        this.maxRetryAttempts = maxRetryAttempts;
        this.maxRecordAge = maxRecordAge;
    }

    private <R> KinesisSource<R> copy(Decoder<R> decoder, int shards, int batchSize, Duration batchingWindow,
            StartingPosition startingPosition, Instant startingTimestamp, int maxRetryAttempts, Duration maxRecordAge) {
        KinesisSource<R> copy = new KinesisSource<>(streamName, decoder, shards, batchSize, batchingWindow,
                startingPosition, startingTimestamp, maxRetryAttempts, maxRecordAge);
        copy.idleness = idleness;
        copy.heartbeat = heartbeat;
        return copy;
    }

    /**
     * Names the stream. Its records are raw bytes until {@link #decode(Decoder)} says how to read them.
     *
     * @param streamName Kinesis stream name: 1–128 characters of {@code [a-zA-Z0-9_.-]} (Kinesis API rule)
     * @return a source of raw record data
     * @throws IllegalArgumentException if the name breaks the Kinesis naming rule
     */
    public static KinesisSource<byte[]> stream(String streamName) {
        Objects.requireNonNull(streamName, "streamName");
        if (!streamName.matches("[a-zA-Z0-9_.-]{1,128}")) {
            throw new IllegalArgumentException("Kinesis stream name '" + streamName
                    + "' must be 1-128 characters of letters, digits, '_', '.' or '-'");
        }
        return new KinesisSource<>(streamName, data -> data, DEFAULT_SHARDS, DEFAULT_BATCH_SIZE, Duration.ZERO,
                StartingPosition.TRIM_HORIZON, null, DEFAULT_MAX_RETRY_ATTEMPTS, null);
    }

    /**
     * Sets how each record's data is decoded. A record the decoder rejects goes to the failure destination
     * with the decoder's message; it never stops the shard.
     *
     * @param decoder the decoder, e.g. {@link dev.eddy.codec.Json#of(Class)}
     * @param <R> the decoded type
     * @return a copy that decodes with {@code decoder}
     */
    public <R> KinesisSource<R> decode(Decoder<R> decoder) {
        return copy(Objects.requireNonNull(decoder, "decoder"), shards, batchSize, batchingWindow, startingPosition,
                startingTimestamp, maxRetryAttempts, maxRecordAge);
    }

    /**
     * Sets the shard count of a stream that Eddy creates (CDK stack, local emulator).
     *
     * @param shards 1–500
     * @return a copy with that count
     * @throws IllegalArgumentException outside 1–500
     */
    public KinesisSource<T> withShards(int shards) {
        if (shards < 1 || shards > 500) {
            throw new IllegalArgumentException("shards must be 1-500, was " + shards);
        }
        return copy(decoder, shards, batchSize, batchingWindow, startingPosition, startingTimestamp, maxRetryAttempts,
                maxRecordAge);
    }

    /**
     * Sets the event source mapping's batch size: the most records one invocation receives.
     *
     * @param batchSize 1–10,000 records (AWS limit); AWS's default is 100
     * @return a copy with that batch size
     * @throws IllegalArgumentException outside 1–10,000
     */
    public KinesisSource<T> withBatchSize(int batchSize) {
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be 1-" + MAX_BATCH_SIZE + ", was " + batchSize);
        }
        return copy(decoder, shards, batchSize, batchingWindow, startingPosition, startingTimestamp, maxRetryAttempts,
                maxRecordAge);
    }

    /**
     * Sets the event source mapping's batching window ({@code MaximumBatchingWindowInSeconds}): how long records
     * are gathered before an invocation that is not full. Longer windows make larger batches, so fewer state
     * writes per record, at the cost of latency.
     *
     * @param window 0–300 s, whole seconds; AWS's default is 0
     * @return a copy with that window
     * @throws IllegalArgumentException outside 0–300 s or not whole seconds
     */
    public KinesisSource<T> withBatchingWindow(Duration window) {
        Objects.requireNonNull(window, "window");
        if (window.isNegative() || window.compareTo(Duration.ofMinutes(5)) > 0 || window.toMillis() % 1_000 != 0) {
            throw new IllegalArgumentException("batching window must be 0-300 whole seconds, was " + window);
        }
        return copy(decoder, shards, batchSize, window, startingPosition, startingTimestamp, maxRetryAttempts,
                maxRecordAge);
    }

    /**
     * Sets where a shard without a checkpoint starts.
     *
     * @param position {@link StartingPosition#TRIM_HORIZON} (the default) or {@link StartingPosition#LATEST}; use
     *     {@link #withStartingTimestamp} for {@code AT_TIMESTAMP}
     * @return a copy starting there
     * @throws IllegalArgumentException for {@code AT_TIMESTAMP}, which needs a timestamp
     */
    public KinesisSource<T> withStartingPosition(StartingPosition position) {
        if (Objects.requireNonNull(position, "position") == StartingPosition.AT_TIMESTAMP) {
            throw new IllegalArgumentException("AT_TIMESTAMP needs a timestamp: use withStartingTimestamp(instant)");
        }
        return copy(decoder, shards, batchSize, batchingWindow, position, null, maxRetryAttempts, maxRecordAge);
    }

    /**
     * Starts shards without a checkpoint at the first record that arrived at or after a time
     * ({@code AT_TIMESTAMP}).
     *
     * @param timestamp the arrival time
     * @return a copy starting there
     */
    public KinesisSource<T> withStartingTimestamp(Instant timestamp) {
        return copy(decoder, shards, batchSize, batchingWindow, StartingPosition.AT_TIMESTAMP,
                Objects.requireNonNull(timestamp, "timestamp"), maxRetryAttempts, maxRecordAge);
    }

    /**
     * Sets how often a failing batch is retried before the event source mapping gives up on it and the shard moves
     * on ({@code MaximumRetryAttempts}, AWS Lambda API Reference, CreateEventSourceMapping). Eddy's default, -1,
     * retries until the batch succeeds, so an outage blocks the shard and costs no data. A limit opts into
     * skipping, and that costs data: a batch given up sends only its shard and sequence range to the on-failure
     * destination, not its records, and every window it touched misses them.
     *
     * @param attempts -1 (until success), or 0–10,000
     * @return a copy with that many retries
     * @throws IllegalArgumentException outside -1 and 0–10,000
     */
    public KinesisSource<T> withMaxRetryAttempts(int attempts) {
        if (attempts < -1 || attempts > 10_000) {
            throw new IllegalArgumentException("maximum retry attempts must be -1 (until success) or 0-10000, was "
                    + attempts);
        }
        return copy(decoder, shards, batchSize, batchingWindow, startingPosition, startingTimestamp, attempts,
                maxRecordAge);
    }

    /**
     * Sets the age past which the event source mapping skips records unprocessed ({@code MaximumRecordAgeInSeconds},
     * AWS Lambda API Reference). Eddy's default is none (-1: records are read until the stream's retention ends).
     * A limit opts into skipping after an outage longer than it, with the cost {@link #withMaxRetryAttempts} states.
     *
     * @param age 60 s – 7 days, whole seconds
     * @return a copy with that age
     * @throws IllegalArgumentException outside 60 s – 7 days or not whole seconds
     */
    public KinesisSource<T> withMaxRecordAge(Duration age) {
        Objects.requireNonNull(age, "age");
        if (age.compareTo(Duration.ofSeconds(60)) < 0 || age.compareTo(Duration.ofDays(7)) > 0
                || age.toMillis() % 1_000 != 0) {
            throw new IllegalArgumentException("maximum record age must be 60 s to 7 days in whole seconds, was "
                    + age);
        }
        return copy(decoder, shards, batchSize, batchingWindow, startingPosition, startingTimestamp, maxRetryAttempts,
                age);
    }

    /**
     * Sets watermark idleness (Flink's {@code WatermarkStrategy.withIdleness}, here on the wall clock): once a shard
     * has had no records for {@code idleness}, its watermark follows the wall clock, rising at each heartbeat to at
     * least {@code heartbeat time − idleness − outOfOrderness − 1} ms. A live shard's last windows before a lull then
     * fire about {@code outOfOrderness + idleness} after their end instead of at its next record; a replay of old data
     * that has stopped fires every window, as a drain would. Records that arrive afterwards are judged against that
     * watermark (late data as usual, never silent). Needs heartbeats ({@link #withHeartbeat}). See docs/windows.md,
     * "Idleness".
     *
     * @param idleness how long a shard goes without records before its watermark follows the wall clock; positive
     * @return a copy with idleness
     * @throws IllegalArgumentException if not positive
     */
    public KinesisSource<T> withIdleness(Duration idleness) {
        Objects.requireNonNull(idleness, "idleness");
        if (idleness.isZero() || idleness.isNegative()) {
            throw new IllegalArgumentException("idleness must be positive, was " + idleness);
        }
        KinesisSource<T> copy = copy(decoder, shards, batchSize, batchingWindow, startingPosition, startingTimestamp,
                maxRetryAttempts, maxRecordAge);
        copy.idleness = idleness;
        return copy;
    }

    /**
     * Sets how often the CDK construct's heartbeat puts a tick ({@link Heartbeat}) into every open shard, so that
     * idleness, processing-time triggers, keyed-process timers and state clean-up fire on a shard without traffic.
     * Each tick is one more invocation per shard (docs/deploy.md, "Heartbeat", states the cost).
     *
     * @param rate whole minutes, at least 1 (EventBridge Scheduler's shortest rate); {@link Duration#ZERO} for no
     *     heartbeat (time then goes on only with a shard's records). Default {@link #DEFAULT_HEARTBEAT}
     * @return a copy with that rate
     * @throws IllegalArgumentException if not zero and not whole minutes of at least 1
     */
    public KinesisSource<T> withHeartbeat(Duration rate) {
        Objects.requireNonNull(rate, "rate");
        if (!rate.isZero() && (rate.compareTo(Duration.ofMinutes(1)) < 0 || rate.toMillis() % 60_000 != 0)) {
            throw new IllegalArgumentException("the heartbeat rate must be whole minutes, at least 1 (EventBridge"
                    + " Scheduler's shortest rate), or zero for none; was " + rate);
        }
        KinesisSource<T> copy = copy(decoder, shards, batchSize, batchingWindow, startingPosition, startingTimestamp,
                maxRetryAttempts, maxRecordAge);
        copy.heartbeat = rate;
        return copy;
    }

    /** @return how long a shard goes without records before its watermark follows the wall clock; empty: never */
    public java.util.Optional<Duration> idleness() {
        return java.util.Optional.ofNullable(idleness);
    }

    /** @return how often the deployed heartbeat ticks each open shard; zero for none */
    public Duration heartbeat() {
        return heartbeat;
    }

    /** @return the stream name */
    public String streamName() {
        return streamName;
    }

    /** @return the decoder of record data */
    public Decoder<T> decoder() {
        return decoder;
    }

    /** @return the shard count of a stream Eddy creates */
    public int shards() {
        return shards;
    }

    /** @return the event source mapping batch size, in records */
    public int batchSize() {
        return batchSize;
    }

    /** @return the batching window (zero: none) */
    public Duration batchingWindow() {
        return batchingWindow;
    }

    /** @return where shards without a checkpoint start */
    public StartingPosition startingPosition() {
        return startingPosition;
    }

    /** @return with {@link StartingPosition#AT_TIMESTAMP}, the first arrival time read; else {@code null} */
    public Instant startingTimestamp() {
        return startingTimestamp;
    }

    /** @return retries of a failing batch before the mapping gives up on it; -1 until it succeeds (the default) */
    public int maxRetryAttempts() {
        return maxRetryAttempts;
    }

    /** @return the age past which the mapping skips records unprocessed; empty for none (the default) */
    public java.util.Optional<Duration> maxRecordAge() {
        return java.util.Optional.ofNullable(maxRecordAge);
    }
}

package dev.eddy.emulator.esm;


import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.KinesisSource.StartingPosition;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Settings of one local event source mapping and of the function it invokes, named and bounded as in Lambda's
 * {@code CreateEventSourceMapping} API for Kinesis (AWS Lambda API Reference) and defaulted as AWS defaults them,
 * except where the component says otherwise.
 *
 * @param batchSize most records per invocation, 1–10,000 (AWS default 100)
 * @param maxRetryAttempts retries of a failed batch before it goes to the on-failure destination and the shard
 *     moves on, 0–10,000; AWS's default is -1 (until the records expire), which locally would hang a broken
 *     handler, so local runs default to 10
 * @param functionTimeoutMs the function's timeout, ms: {@code Context.getRemainingTimeInMillis()} counts down from
 *     it, and an invocation that runs longer is failed as Lambda fails it (a function error; the execution
 *     environment is replaced)
 * @param memoryMb the function's memory, MB, reported by the context
 * @param idlePollMs pause before polling a shard again after an empty read, ms (Lambda polls each shard about once
 *     a second)
 * @param batchingWindowMs {@code MaximumBatchingWindowInSeconds} in ms, 0–300,000: how long records are gathered
 *     before an invocation that is not full (AWS default 0)
 * @param startingPosition where a shard without a checkpoint starts
 * @param startingTimestamp for {@link StartingPosition#AT_TIMESTAMP}: the first arrival time to read; else
 *     {@code null}
 * @param bisectOnFunctionError {@code BisectBatchOnFunctionError}: after a function error (an exception or a
 *     timeout, not a batch item failure) the batch is split in two and the first half retried (AWS default false)
 * @param maxRecordAgeMs {@code MaximumRecordAgeInSeconds} in ms: records older than this are not sent to the
 *     function but to the on-failure destination; -1 for no limit (the AWS default), else 60,000–604,800,000
 * @param parallelizationFactor {@code ParallelizationFactor}: AWS allows 1–10 concurrent batches per shard; Eddy
 *     keeps one checkpoint and watermark per shard, which needs a shard's batches one at a time, so only 1 is
 *     accepted
 * @param coldStartEvery invocations an execution environment serves before it is replaced by a cold one (a new
 *     handler instance), 0 for never; Lambda keeps warm environments for an unstated time and replaces them at
 *     will, so a function must not rely on what an instance keeps in memory — this makes that visible locally
 */
public record MappingSettings(int batchSize, int maxRetryAttempts, long functionTimeoutMs, int memoryMb,
        long idlePollMs, long batchingWindowMs, StartingPosition startingPosition, Instant startingTimestamp,
        boolean bisectOnFunctionError, long maxRecordAgeMs, int parallelizationFactor, int coldStartEvery) {

    /** Largest synchronous invocation payload Lambda accepts: 6 MB (6,291,456 bytes). */
    public static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

    /**
     * @throws IllegalArgumentException if a value is out of range; the message gives the range
     */
    public MappingSettings {
        Objects.requireNonNull(startingPosition, "startingPosition");
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("batch size must be 1-10000, was " + batchSize);
        }
        if (maxRetryAttempts < -1 || maxRetryAttempts > 10_000) {
            throw new IllegalArgumentException("--max-retries must be -1 (until the batch succeeds) or 0-10000, was "
                    + maxRetryAttempts);
        }
        if (functionTimeoutMs < 1_000 || functionTimeoutMs > 900_000) {
            throw new IllegalArgumentException("function timeout must be 1-900 s, was " + seconds(functionTimeoutMs));
        }
        if (batchingWindowMs < 0 || batchingWindowMs > 300_000) {
            throw new IllegalArgumentException("batching window must be 0-300 s, was " + seconds(batchingWindowMs));
        }
        if ((startingPosition == StartingPosition.AT_TIMESTAMP) != (startingTimestamp != null)) {
            throw new IllegalArgumentException("a starting timestamp goes with starting position AT_TIMESTAMP,"
                    + " and only with it");
        }
        if (maxRecordAgeMs != -1 && (maxRecordAgeMs < 60_000 || maxRecordAgeMs > 604_800_000)) {
            throw new IllegalArgumentException("maximum record age must be -1 (no limit) or 60-604800 s, was "
                    + seconds(maxRecordAgeMs));
        }
        if (coldStartEvery < 0) {
            throw new IllegalArgumentException("cold start every N invocations: N must be 0 (never) or more, was "
                    + coldStartEvery);
        }
        if (parallelizationFactor != 1) {
            throw new IllegalArgumentException("parallelization factor must be 1 for an Eddy pipeline, was "
                    + parallelizationFactor + ": AWS allows 1-10 concurrent batches per shard, but Eddy keeps one"
                    + " checkpoint and watermark per shard, which needs a shard's batches in order, one at a time."
                    + " Add shards for more throughput");
        }
    }

    /** @return a duration in ms as the options give it, in seconds: "90 s", "0.5 s" */
    private static String seconds(long ms) {
        return (ms % 1_000 == 0 ? Long.toString(ms / 1_000) : java.math.BigDecimal.valueOf(ms, 3)
                .stripTrailingZeros().toPlainString()) + " s";
    }

    /**
     * The settings a pipeline's definition gives its event source mapping, as the CDK construct deploys them:
     * batch size, batching window, starting position, retries and maximum record age from the source, bisect on
     * function error on, parallelization factor 1, and a 60 s function timeout.
     *
     * @param source the pipeline's Kinesis source
     * @return the settings
     */
    public static MappingSettings of(KinesisSource<?> source) {
        return new MappingSettings(source.batchSize(), source.maxRetryAttempts(), 60_000, 1024, 100,
                source.batchingWindow().toMillis(), source.startingPosition(), source.startingTimestamp(), true,
                source.maxRecordAge().map(Duration::toMillis).orElse(-1L), 1, 0);
    }

    /**
     * @param batchSize records per invocation
     * @return local defaults with that batch size: 10 retries, 60 s timeout, 1024 MB, 100 ms idle poll, no batching
     *     window, from the trim horizon, no bisect, no maximum record age, parallelization factor 1
     */
    public static MappingSettings defaults(int batchSize) {
        return new MappingSettings(batchSize, 10, 60_000, 1024, 100, 0, StartingPosition.TRIM_HORIZON, null,
                false, -1, 1, 0);
    }

    /** @return a copy with another number of retries */
    public MappingSettings withMaxRetryAttempts(int attempts) {
        return new MappingSettings(batchSize, attempts, functionTimeoutMs, memoryMb, idlePollMs, batchingWindowMs,
                startingPosition, startingTimestamp, bisectOnFunctionError, maxRecordAgeMs, parallelizationFactor,
                coldStartEvery);
    }
}

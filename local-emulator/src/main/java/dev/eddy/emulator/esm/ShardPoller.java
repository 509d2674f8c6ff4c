package dev.eddy.emulator.esm;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import dev.eddy.emulator.lambda.LambdaEvents;
import dev.eddy.testing.internal.BatchResponses;
import dev.eddy.testing.internal.RetryAttempts;
import dev.eddy.metrics.Figures;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ExpiredIteratorException;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * One shard's poller, as Lambda runs one per shard (parallelization factor 1): reads batches in order, gathers
 * records for up to the batching window, leaves records older than the maximum record age to the on-failure
 * destination, invokes its execution environment's handler instance (kept warm across invocations, replaced after a
 * timeout), advances only after success, retries a failed batch from the lowest failed sequence number
 * ({@code ReportBatchItemFailures}), bisects a batch after a function error when asked, and renews its shard
 * iterator when it expires. A batch that keeps failing beyond the retry limit goes to the on-failure destination and
 * the shard moves on; nothing stalls silently.
 */
final class ShardPoller {

    /** How long the end-of-input drain retries a failure before the run fails. */
    static final java.time.Duration DRAIN_PATIENCE = java.time.Duration.ofMinutes(5);
    /** How long a drain fails before it is given up when skipping is opted into: a short outage is waited out. */
    static final java.time.Duration SKIPPING_DRAIN_PATIENCE = java.time.Duration.ofSeconds(10);

    private static final Logger LOG = LoggerFactory.getLogger(ShardPoller.class);

    private final KinesisClient kinesis;
    private final String stream;
    private final String shardId;
    private final Supplier<LocalFunction> environments;
    private final MappingSettings settings;
    private final BooleanSupplier inputComplete;
    private final OnFailureDestination onFailure;
    private final KeyOwnership keyOwnership;
    private final Consumer<Invocation> log;
    private final ExecutionEnvironment environment;
    /** When the current invocation began: wall clock (ms) and monotonic (ns), for its log entry. */
    private long invokedAtMs;
    private long invokedAtNanos;
    /** The wall clock, for record ages; tests move it. */
    volatile java.time.Clock clock = java.time.Clock.systemUTC();
    /** The last sequence number the mapping checkpointed, or {@code null} before the first. */
    private String checkpoint;
    final AtomicLong invocations = new AtomicLong();
    final AtomicLong recordsDelivered = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong discardedBatches = new AtomicLong();
    final AtomicLong iteratorRenewals = new AtomicLong();
    volatile int windowsDrained;
    /** Why the latest failed invocation failed, one line; {@code null} before one did. */
    private volatile String lastError;
    /** What was sent to the on-failure destination, one line each: range, condition, last error. */
    final List<String> discards = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Whether the shard turned out closed (a parent of a reshard) and was read to its end. */
    volatile boolean closed;
    /**
     * Whether the end of the input drains the shard (every window fires); {@code false} when the end of the file is
     * not the end of the stream ({@code eddy run --no-drain}): heartbeats and idleness fire what is due.
     */
    volatile boolean drainAtEnd = true;

    ShardPoller(KinesisClient kinesis, String stream, String shardId, Supplier<LocalFunction> environments,
            MappingSettings settings, BooleanSupplier inputComplete, OnFailureDestination onFailure,
            KeyOwnership keyOwnership, Consumer<Invocation> log) {
        this.kinesis = kinesis;
        this.stream = stream;
        this.shardId = shardId;
        this.environments = environments;
        this.settings = settings;
        this.inputComplete = inputComplete;
        this.onFailure = onFailure;
        this.keyOwnership = keyOwnership;
        this.log = log;
        this.environment = new ExecutionEnvironment(shardId, environments, settings);
    }

    /** Faults a chaos run injects into this shard's invocations. */
    void faults(InvocationFaults faults) {
        environment.faults = faults;
    }

    /** @return the figures of every execution environment this shard had */
    Figures metrics() {
        return environment.metrics();
    }

    /** @return execution environments started for this shard */
    long coldStarts() {
        return environment.coldStarts();
    }

    String shardId() {
        return shardId;
    }

    /** Ends the shard's execution environment: its handler's backend, clients and threads. */
    void close() {
        environment.close();
    }

    /**
     * Polls until the input is complete and the shard is read to its end, then drains the handler; a closed shard
     * (the parent of a split or merge) ends when read to its end, without draining: its children continue it.
     */
    void run() throws InterruptedException {
        String iterator = startingIterator();
        RetryAttempts attempts = new RetryAttempts(settings.maxRetryAttempts());
        // halves of a bisected batch still to invoke, the next on top; the batch size limits the rest
        java.util.Deque<Integer> halves = new java.util.ArrayDeque<>();
        int limit = settings.batchSize();
        List<Record> pending = new ArrayList<>();
        long gatheringSince = 0;
        while (true) {
            if (iterator == null) {
                // a closed shard (split or merged) read to its end: its children go on, nothing is drained
                closed = true;
                return;
            }
            // asked before reading: every record was put before the input was complete, so a read that starts after
            // seeing it complete sees them all (asked after the read, a read that raced the producer could end the
            // shard early)
            boolean complete = inputComplete.getAsBoolean();
            GetRecordsResponse response;
            try {
                String current = iterator;
                int wanted = limit - pending.size();
                response = kinesis.getRecords(b -> b.shardIterator(current).limit(wanted));
            } catch (ExpiredIteratorException expired) {
                // iterators live 5 minutes: start again after the last record taken (or the checkpoint)
                LOG.info("shard {}: shard iterator expired, renewing it", shardId);
                iteratorRenewals.incrementAndGet();
                String after = pending.isEmpty() ? checkpoint : last(pending);
                iterator = after == null ? startingIterator()
                        : iterator(ShardIteratorType.AFTER_SEQUENCE_NUMBER, after, null);
                continue;
            }
            List<Record> read = atTimestamp(response.records());
            if (!read.isEmpty() && pending.isEmpty()) {
                gatheringSince = System.currentTimeMillis();
            }
            pending.addAll(read);
            iterator = response.nextShardIterator();
            // a closed shard (split or merged) ends when read to its end: no next iterator
            boolean ended = iterator == null;
            boolean caughtUp = ended || response.records().isEmpty() || response.millisBehindLatest() == null
                    || response.millisBehindLatest() == 0;
            if (pending.isEmpty()) {
                if (ended) {
                    closed = true;
                    return;
                }
                if (complete && caughtUp) {
                    if (drainAtEnd) {
                        drain();
                    }
                    return;
                }
                Thread.sleep(settings.idlePollMs());
                continue;
            }
            boolean full = pending.size() >= limit || InvocationPayload.estimate(pending) >= MappingSettings.MAX_PAYLOAD_BYTES;
            boolean windowOver = System.currentTimeMillis() - gatheringSince >= settings.batchingWindowMs();
            if (!full && !windowOver && !ended && !(complete && caughtUp)) {
                if (caughtUp) {
                    Thread.sleep(Math.min(settings.idlePollMs(), settings.batchingWindowMs()));
                }
                continue;
            }
            List<Record> records = pending;
            pending = new ArrayList<>();
            records = withoutExpired(records);
            if (records.isEmpty()) {
                continue;
            }
            keyOwnership.observe(shardId, records, environment.function());
            // Lambda's 6 MB invocation payload: the longest run of records that fits
            InvocationPayload payload = InvocationPayload.fit(records, this::eventJson);
            List<Record> batch = payload.records();
            Invocation invocation = invoke(batch, payload.event());
            log.accept(invocation);
            if (invocation.outcome() == Invocation.Outcome.SUCCESS) {
                attempts.succeeded();
                halves.poll();
                limit = halves.isEmpty() ? settings.batchSize() : halves.peek();
                checkpoint = last(batch);
                if (batch.size() < records.size()) {
                    iterator = iterator(ShardIteratorType.AFTER_SEQUENCE_NUMBER, checkpoint, null);
                }
                continue;
            }
            String retryFrom = invocation.retryFrom() != null ? invocation.retryFrom() : batch.get(0).sequenceNumber();
            boolean functionError = invocation.outcome() == Invocation.Outcome.FUNCTION_ERROR
                    || invocation.outcome() == Invocation.Outcome.TIMEOUT;
            if (functionError && settings.bisectOnFunctionError() && batch.size() > 1) {
                // BisectBatchOnFunctionError: retry each half on its own; splitting does not use up retries
                // (AWS Lambda Developer Guide, "Retaining discarded batch records for a Kinesis Data Streams event
                // source")
                halves.poll();
                halves.push(batch.size() - batch.size() / 2);
                halves.push(batch.size() / 2);
                limit = halves.peek();
                retries.incrementAndGet();
                iterator = iterator(ShardIteratorType.AT_SEQUENCE_NUMBER, retryFrom, null);
                continue;
            }
            if (attempts.failed()) {
                List<Record> failed = batch.stream()
                        .filter(r -> new BigInteger(r.sequenceNumber()).compareTo(new BigInteger(retryFrom)) >= 0)
                        .toList();
                onFailure.batchDiscarded(stream, shardId, failed, attempts.attempts(), "RetryAttemptsExhausted");
                discardedBatches.incrementAndGet();
                discards.add(String.format(java.util.Locale.ROOT, "%s: %,d records from sequence number %s failed"
                        + " %d times (RetryAttemptsExhausted), last because: %s", shardId, failed.size(), retryFrom,
                        attempts.attempts(), lastError));
                LOG.error("shard {}: batch from {} failed {} times; sent to the on-failure destination and skipped",
                        shardId, retryFrom, attempts.attempts());
                attempts.reset();
                halves.poll();
                limit = halves.isEmpty() ? settings.batchSize() : halves.peek();
                checkpoint = last(batch);
                iterator = iterator(ShardIteratorType.AFTER_SEQUENCE_NUMBER, checkpoint, null);
                continue;
            }
            retries.incrementAndGet();
            if (invocation.outcome() == Invocation.Outcome.PARTIAL_FAILURE) {
                // records before the lowest failed one are done; the rest is retried as a batch of its own
                checkpoint = previous(batch, retryFrom);
                halves.clear();
                limit = settings.batchSize();
            }
            Thread.sleep(Math.min(2_000, 50L << Math.min(attempts.attempts(), 5)));
            iterator = iterator(ShardIteratorType.AT_SEQUENCE_NUMBER, retryFrom, null);
        }
    }

    /** Records older than the maximum record age go to the on-failure destination instead of the function. */
    private List<Record> withoutExpired(List<Record> records) {
        if (settings.maxRecordAgeMs() < 0) {
            return records;
        }
        Instant oldest = clock.instant().minusMillis(settings.maxRecordAgeMs());
        List<Record> expired = records.stream().filter(r -> r.approximateArrivalTimestamp().isBefore(oldest))
                .toList();
        if (expired.isEmpty()) {
            return records;
        }
        onFailure.batchDiscarded(stream, shardId, expired, 0, "RecordAgeExceeded");
        discardedBatches.incrementAndGet();
        discards.add(String.format(java.util.Locale.ROOT, "%s: %,d records from sequence number %s were older than"
                + " the maximum record age of %,d s (RecordAgeExceeded)", shardId, expired.size(),
                expired.get(0).sequenceNumber(), settings.maxRecordAgeMs() / 1_000));
        checkpoint = last(expired);
        LOG.warn("shard {}: {} records older than the maximum record age of {} ms sent to the on-failure"
                + " destination", shardId, expired.size(), settings.maxRecordAgeMs());
        return records.stream().filter(r -> !expired.contains(r)).toList();
    }

    /**
     * Invokes the function once, on its execution environment's thread, within its timeout.
     *
     * @return what happened
     */
    private Invocation invoke(List<Record> batch, byte[] json) throws InterruptedException {
        KinesisEvent event = LambdaEvents.toEvent(json);
        invocations.incrementAndGet();
        invokedAtMs = System.currentTimeMillis();
        invokedAtNanos = System.nanoTime();
        LocalFunction current = environment.function();
        ExecutionEnvironment.Result result = environment.invoke(event);
        if (result instanceof ExecutionEnvironment.Result.TimedOut timedOut) {
            LOG.warn("shard {}: invocation on batch from {} timed out after {} ms; its execution environment is"
                    + " replaced", shardId, batch.get(0).sequenceNumber(), timedOut.afterMs());
            lastError = "the invocation timed out after " + timedOut.afterMs() + " ms";
            return outcome(batch, Invocation.Outcome.TIMEOUT, null);
        }
        if (result instanceof ExecutionEnvironment.Result.Threw threw) {
            LOG.warn("shard {}: function error on batch from {}: {}", shardId, batch.get(0).sequenceNumber(),
                    threw.error().toString());
            lastError = "function error: " + threw.error();
            return outcome(batch, Invocation.Outcome.FUNCTION_ERROR, null);
        }
        List<String> failures = LambdaEvents.batchItemFailures(
                ((ExecutionEnvironment.Result.Returned) result).response());
        BatchResponses.Verdict verdict = BatchResponses.judge(batch.stream().map(Record::sequenceNumber).toList(),
                failures);
        recordsDelivered.addAndGet(verdict.done());
        if (verdict.success()) {
            return outcome(batch, Invocation.Outcome.SUCCESS, null);
        }
        if (verdict.wholeBatch()) {
            lastError = "the function returned a batch item failure that names no record of the batch: " + failures;
            return outcome(batch, Invocation.Outcome.BATCH_FAILURE, null);
        }
        lastError = current.lastFailure().orElse("batch item failure at sequence number " + verdict.retryFrom());
        return outcome(batch, Invocation.Outcome.PARTIAL_FAILURE, verdict.retryFrom());
    }

    private Invocation outcome(List<Record> batch, Invocation.Outcome outcome, String retryFrom) {
        return new Invocation(shardId, batch.get(0).sequenceNumber(), last(batch), batch.size(), outcome, retryFrom,
                invokedAtMs, (System.nanoTime() - invokedAtNanos) / 1_000_000,
                batch.get(batch.size() - 1).approximateArrivalTimestamp().toEpochMilli());
    }

    /**
     * The end of the input: every window fires. Not a Lambda call but time passing, so by default it waits out a
     * failure (an outage), for up to {@link #DRAIN_PATIENCE}; with skipping opted into (retries ≥ 0) it gives up
     * after as many attempts as a batch and {@link #SKIPPING_DRAIN_PATIENCE}, says so, and counts as a discard
     * (the windows it would fire stay unfired).
     */
    private void drain() throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + DRAIN_PATIENCE.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                windowsDrained = environment.function().drain(shardId);
                return;
            } catch (RuntimeException | dev.eddy.internal.Chaos.Crash e) {
                // a chaos run's crash in the drain is waited out as a failure is
                if (settings.maxRetryAttempts() >= 0 && attempt > settings.maxRetryAttempts()
                        && System.nanoTime() - started > SKIPPING_DRAIN_PATIENCE.toNanos()) {
                    LOG.error("shard {}: end-of-input drain failed {} times; given up, as batches are after {}"
                            + " retries: its windows stay unfired: {}", shardId, attempt,
                            settings.maxRetryAttempts(), e.toString());
                    discardedBatches.incrementAndGet();
                    discards.add(shardId + ": the end-of-input drain failed " + attempt + " times and was given up"
                            + " (its windows stay unfired), last because: " + e.getMessage());
                    return;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("shard " + shardId + ": end-of-input drain failed " + attempt
                            + " times in " + DRAIN_PATIENCE.toMinutes() + " min: " + e.getMessage(), e);
                }
                if (attempt == 1 || attempt % 10 == 0) {
                    LOG.warn("shard {}: drain failed, retrying until it succeeds: {}", shardId, e.toString());
                }
                Thread.sleep(Math.min(2_000, 50L << Math.min(attempt, 5)));
            }
        }
    }

    private byte[] eventJson(List<Record> batch) {
        return LambdaEvents.eventJson(stream, shardId, batch, environment.function().name());
    }

    private String startingIterator() {
        return switch (settings.startingPosition()) {
            case TRIM_HORIZON -> iterator(ShardIteratorType.TRIM_HORIZON, null, null);
            case LATEST -> iterator(ShardIteratorType.LATEST, null, null);
            // see atTimestamp: read from the trim horizon, records before the timestamp are left out
            case AT_TIMESTAMP -> iterator(ShardIteratorType.TRIM_HORIZON, null, null);
        };
    }

    /**
     * {@code AT_TIMESTAMP} starts at the first record that arrived at or after the timestamp (Kinesis API reference,
     * GetShardIterator). kinesalite answers no {@code AT_TIMESTAMP} request for a shard that has no such record yet
     * (the call waits until the client times out), so the emulator reads from the trim horizon and leaves out the
     * records that arrived before the timestamp: the same records, on any Kinesis.
     *
     * @return the records a shard starting at the mapping's position delivers
     */
    private List<Record> atTimestamp(List<Record> records) {
        Instant from = settings.startingTimestamp();
        if (from == null || records.isEmpty() || !records.get(0).approximateArrivalTimestamp().isBefore(from)) {
            return records;
        }
        return records.stream().filter(r -> !r.approximateArrivalTimestamp().isBefore(from)).toList();
    }

    private String iterator(ShardIteratorType type, String sequenceNumber, Instant timestamp) {
        return kinesis.getShardIterator(b -> b.streamName(stream).shardId(shardId).shardIteratorType(type)
                .startingSequenceNumber(sequenceNumber).timestamp(timestamp)).shardIterator();
    }

    private static String last(List<Record> batch) {
        return batch.get(batch.size() - 1).sequenceNumber();
    }

    /** @return the sequence number of the record before {@code sequenceNumber} in the batch, or the checkpoint */
    private String previous(List<Record> batch, String sequenceNumber) {
        String before = checkpoint;
        for (Record record : batch) {
            if (record.sequenceNumber().equals(sequenceNumber)) {
                return before;
            }
            before = record.sequenceNumber();
        }
        return before;
    }
}

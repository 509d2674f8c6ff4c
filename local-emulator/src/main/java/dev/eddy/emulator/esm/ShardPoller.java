package dev.eddy.emulator.esm;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.eddy.emulator.lambda.LambdaEvents;
import dev.eddy.emulator.lambda.LocalContext;
import dev.eddy.handler.EddyHandler;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * One shard's poller, as Lambda runs one per shard: reads batches in order, invokes its own handler instance (a
 * warm execution environment), advances only after success, and retries a failed batch from the lowest failed
 * sequence number ({@code ReportBatchItemFailures}). A batch that keeps failing beyond the retry limit goes to the
 * on-failure destination and the shard moves on; nothing stalls silently.
 */
final class ShardPoller {

    private static final Logger LOG = LoggerFactory.getLogger(ShardPoller.class);

    private final KinesisClient kinesis;
    private final String stream;
    private final String shardId;
    private final EddyHandler handler;
    private final MappingSettings settings;
    private final BooleanSupplier inputComplete;
    private final OnFailureDestination onFailure;
    private final KeyOwnership keyOwnership;
    final AtomicLong invocations = new AtomicLong();
    final AtomicLong recordsDelivered = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong discardedBatches = new AtomicLong();
    volatile int windowsDrained;

    ShardPoller(KinesisClient kinesis, String stream, String shardId, EddyHandler handler, MappingSettings settings,
            BooleanSupplier inputComplete, OnFailureDestination onFailure, KeyOwnership keyOwnership) {
        this.kinesis = kinesis;
        this.stream = stream;
        this.shardId = shardId;
        this.handler = handler;
        this.settings = settings;
        this.inputComplete = inputComplete;
        this.onFailure = onFailure;
        this.keyOwnership = keyOwnership;
    }

    EddyHandler handler() {
        return handler;
    }

    String shardId() {
        return shardId;
    }

    /** Polls until the input is complete and the shard is read to its end, then drains the handler. */
    void run() throws InterruptedException {
        String iterator = iterator(ShardIteratorType.TRIM_HORIZON, null);
        int attempts = 0;
        while (true) {
            String current = iterator;
            GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(current)
                    .limit(settings.batchSize()));
            List<Record> records = response.records();
            if (records.isEmpty()) {
                Long behind = response.millisBehindLatest();
                if (inputComplete.getAsBoolean() && (behind == null || behind == 0)) {
                    drain();
                    return;
                }
                Thread.sleep(settings.idlePollMs());
                iterator = response.nextShardIterator();
                continue;
            }
            observeKeys(records);
            List<Record> batch = records;
            byte[] event = eventJson(batch);
            while (event.length > MappingSettings.MAX_PAYLOAD_BYTES && batch.size() > 1) {
                batch = batch.subList(0, batch.size() / 2); // Lambda's 6 MB invocation payload
                event = eventJson(batch);
            }
            String retryFrom = invoke(batch, event);
            if (retryFrom == null) {
                attempts = 0;
                iterator = batch.size() == records.size() ? response.nextShardIterator()
                        : iterator(ShardIteratorType.AFTER_SEQUENCE_NUMBER, last(batch));
                continue;
            }
            attempts++;
            if (attempts > settings.maxRetryAttempts()) {
                List<Record> failed = batch.stream()
                        .filter(r -> new BigInteger(r.sequenceNumber()).compareTo(new BigInteger(retryFrom)) >= 0)
                        .toList();
                onFailure.batchDiscarded(stream, shardId, failed, attempts);
                discardedBatches.incrementAndGet();
                LOG.error("shard {}: batch from {} failed {} times; sent to the on-failure destination and skipped",
                        shardId, retryFrom, attempts);
                attempts = 0;
                iterator = iterator(ShardIteratorType.AFTER_SEQUENCE_NUMBER, last(batch));
            } else {
                retries.incrementAndGet();
                Thread.sleep(Math.min(2_000, 50L << Math.min(attempts, 5)));
                iterator = iterator(ShardIteratorType.AT_SEQUENCE_NUMBER, retryFrom);
            }
        }
    }

    /**
     * Invokes the handler once.
     *
     * @return {@code null} on success; else the sequence number to retry from
     */
    private String invoke(List<Record> batch, byte[] json) {
        String functionName = handler.pipeline().name();
        KinesisEvent event = LambdaEvents.toEvent(json);
        invocations.incrementAndGet();
        List<String> failures;
        try {
            StreamsEventResponse response = handler.handleRequest(event,
                    new LocalContext(functionName, settings.memoryMb(), settings.functionTimeoutMs()));
            failures = LambdaEvents.batchItemFailures(response);
        } catch (RuntimeException e) {
            LOG.warn("shard {}: function error on batch from {}: {}", shardId, batch.get(0).sequenceNumber(),
                    e.toString());
            return batch.get(0).sequenceNumber();
        }
        if (failures.isEmpty()) {
            recordsDelivered.addAndGet(batch.size());
            return null;
        }
        BigInteger lowest = null;
        for (String id : failures) {
            if (id == null || id.isBlank() || batch.stream().noneMatch(r -> r.sequenceNumber().equals(id))) {
                // AWS: a null, empty or unknown identifier fails the whole batch.
                return batch.get(0).sequenceNumber();
            }
            BigInteger sequence = new BigInteger(id);
            lowest = lowest == null || sequence.compareTo(lowest) < 0 ? sequence : lowest;
        }
        BigInteger firstFailed = lowest;
        recordsDelivered.addAndGet(batch.stream()
                .filter(r -> new BigInteger(r.sequenceNumber()).compareTo(firstFailed) < 0).count());
        return lowest.toString();
    }

    private void drain() throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                windowsDrained = handler.drain(shardId);
                return;
            } catch (RuntimeException e) {
                if (attempt > settings.maxRetryAttempts()) {
                    throw new IllegalStateException("shard " + shardId + ": end-of-input drain failed " + attempt
                            + " times: " + e.getMessage(), e);
                }
                LOG.warn("shard {}: drain failed, retrying: {}", shardId, e.toString());
                Thread.sleep(Math.min(2_000, 50L << Math.min(attempt, 5)));
            }
        }
    }

    /** Reports a key whose records reach this shard and another one (keys must follow partition keys). */
    private void observeKeys(List<Record> records) {
        var plan = handler.pipeline().plan();
        for (Record record : records) {
            plan.keyOf(record.data().asByteArrayUnsafe()).ifPresent(key -> {
                if (!keyOwnership.observe(shardId, key) && keyOwnership.violationCount() == 1) {
                    LOG.warn("key {} has records on more than one shard ({}): keyed state belongs to one shard,"
                            + " so the records of a key must share a partition key", key,
                            keyOwnership.violations().get(key));
                }
            });
        }
    }

    private byte[] eventJson(List<Record> batch) {
        return LambdaEvents.eventJson(stream, shardId, batch, handler.pipeline().name());
    }

    private String iterator(ShardIteratorType type, String sequenceNumber) {
        return kinesis.getShardIterator(b -> b.streamName(stream).shardId(shardId).shardIteratorType(type)
                .startingSequenceNumber(sequenceNumber)).shardIterator();
    }

    private static String last(List<Record> batch) {
        return batch.get(batch.size() - 1).sequenceNumber();
    }
}

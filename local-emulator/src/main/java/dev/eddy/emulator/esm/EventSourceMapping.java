package dev.eddy.emulator.esm;

import dev.eddy.handler.EddyHandler;
import dev.eddy.handler.HandlerMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Lambda's Kinesis event source mapping, run locally: one poller per shard, each invoking its own handler
 * instance, concurrently across shards and in order within a shard.
 */
public final class EventSourceMapping implements AutoCloseable {

    private final List<ShardPoller> pollers = new ArrayList<>();
    private final ExecutorService executor;
    private final List<Future<?>> running = new ArrayList<>();
    private final KeyOwnership keyOwnership = new KeyOwnership();
    private final List<Invocation> invocationLog = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Lists the stream's shards and prepares a poller and a handler instance for each.
     *
     * @param kinesis Kinesis client
     * @param stream the stream
     * @param handlers makes a handler instance: one per shard's execution environment, and a new one when an
     *     invocation times out
     * @param settings mapping settings
     * @param inputComplete tells whether the producer has put every record (then an empty read ends a shard)
     * @param onFailure where batches that exhaust their retries go
     */
    public EventSourceMapping(KinesisClient kinesis, String stream, Supplier<EddyHandler> handlers,
            MappingSettings settings, BooleanSupplier inputComplete, OnFailureDestination onFailure) {
        this(kinesis, stream, settings, inputComplete, onFailure, () -> LocalFunction.of(handlers.get()));
    }

    /**
     * Lists the stream's shards and prepares a poller and a function instance for each.
     *
     * @param kinesis Kinesis client
     * @param stream the stream
     * @param settings mapping settings
     * @param inputComplete tells whether the producer has put every record (then an empty read ends a shard)
     * @param onFailure where batches that exhaust their retries go
     * @param functions makes a function instance: one per shard's execution environment, and a new one when an
     *     invocation times out
     */
    public EventSourceMapping(KinesisClient kinesis, String stream, MappingSettings settings,
            BooleanSupplier inputComplete, OnFailureDestination onFailure, Supplier<LocalFunction> functions) {
        List<Shard> shards = kinesis.listShards(b -> b.streamName(stream)).shards();
        for (Shard shard : shards) {
            pollers.add(new ShardPoller(kinesis, stream, shard.shardId(), functions, settings, inputComplete,
                    onFailure, keyOwnership, invocationLog::add));
        }
        this.executor = Executors.newFixedThreadPool(pollers.size(), runnable -> {
            Thread thread = new Thread(runnable);
            thread.setName("esm-" + thread.getId());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * For tests: the wall clock the pollers judge record ages by.
     *
     * @param clock the clock
     * @return this mapping
     */
    EventSourceMapping withClock(java.time.Clock clock) {
        pollers.forEach(p -> p.clock = clock);
        return this;
    }

    /** Starts every shard's poller. */
    public void start() {
        for (ShardPoller poller : pollers) {
            running.add(executor.submit(() -> {
                Thread.currentThread().setName("esm-" + poller.shardId());
                poller.run();
                return null;
            }));
        }
    }

    /**
     * Waits for every shard to be read to its end and drained.
     *
     * @throws IllegalStateException if a shard's poller failed; the message names the shard and the cause
     * @throws InterruptedException if interrupted
     */
    public void awaitDrained() throws InterruptedException {
        for (Future<?> future : running) {
            try {
                future.get();
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                throw new IllegalStateException(cause.getMessage(), cause);
            }
        }
    }

    /** @return the sum of every handler instance's figures */
    public HandlerMetrics metrics() {
        HandlerMetrics total = HandlerMetrics.ZERO;
        for (ShardPoller poller : pollers) {
            total = total.plus(poller.metrics());
        }
        return total;
    }

    /** @return every invocation so far, in the order they ended (shards interleave) */
    public List<Invocation> invocationLog() {
        return List.copyOf(invocationLog);
    }

    /** @return execution environments started (one per shard, and one more after each timeout) */
    public long coldStarts() {
        return pollers.stream().mapToLong(p -> p.coldStarts.get()).sum();
    }

    /** @return shard iterators renewed after they expired */
    public long iteratorRenewals() {
        return pollers.stream().mapToLong(p -> p.iteratorRenewals.get()).sum();
    }

    /** @return records handed to handlers and acknowledged */
    public long recordsDelivered() {
        return pollers.stream().mapToLong(p -> p.recordsDelivered.get()).sum();
    }

    /** @return invocations so far */
    public long invocations() {
        return pollers.stream().mapToLong(p -> p.invocations.get()).sum();
    }

    /** @return batch retries so far */
    public long retries() {
        return pollers.stream().mapToLong(p -> p.retries.get()).sum();
    }

    /** @return batches sent to the on-failure destination */
    public long discardedBatches() {
        return pollers.stream().mapToLong(p -> p.discardedBatches.get()).sum();
    }

    /** @return which keys arrived on more than one shard */
    public KeyOwnership keyOwnership() {
        return keyOwnership;
    }

    /** @return the shard count */
    public int shards() {
        return pollers.size();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}

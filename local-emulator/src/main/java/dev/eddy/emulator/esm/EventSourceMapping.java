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

    /**
     * Lists the stream's shards and prepares a poller and a handler instance for each.
     *
     * @param kinesis Kinesis client
     * @param stream the stream
     * @param handlers makes one handler instance (an execution environment) per shard
     * @param settings mapping settings
     * @param inputComplete tells whether the producer has put every record (then an empty read ends a shard)
     * @param onFailure where batches that exhaust their retries go
     */
    public EventSourceMapping(KinesisClient kinesis, String stream, Supplier<EddyHandler> handlers,
            MappingSettings settings, BooleanSupplier inputComplete, OnFailureDestination onFailure) {
        List<Shard> shards = kinesis.listShards(b -> b.streamName(stream)).shards();
        for (Shard shard : shards) {
            pollers.add(new ShardPoller(kinesis, stream, shard.shardId(), handlers.get(), settings, inputComplete,
                    onFailure, keyOwnership));
        }
        this.executor = Executors.newFixedThreadPool(pollers.size(), runnable -> {
            Thread thread = new Thread(runnable);
            thread.setName("esm-" + thread.getId());
            thread.setDaemon(true);
            return thread;
        });
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
            total = total.plus(poller.handler().metrics());
        }
        return total;
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

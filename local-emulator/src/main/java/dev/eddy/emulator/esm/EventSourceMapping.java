package dev.eddy.emulator.esm;

import dev.eddy.handler.EddyHandler;
import dev.eddy.metrics.Figures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Shard;

/**
 * Lambda's Kinesis event source mapping, run locally: one poller per shard, each invoking its own handler
 * instance, concurrently across shards and in order within a shard.
 */
public final class EventSourceMapping implements AutoCloseable {

    private final KinesisClient kinesis;
    private final String stream;
    private final MappingSettings settings;
    private final BooleanSupplier inputComplete;
    private final OnFailureDestination onFailure;
    private final Supplier<LocalFunction> functions;
    /** Every shard's poller, started or waiting for its parents, by shard id. */
    private final Map<String, ShardPoller> pollers = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final Map<String, List<String>> parents = new LinkedHashMap<>();
    private final Map<String, Future<?>> running = new LinkedHashMap<>();
    private final ExecutorService executor = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable);
        thread.setDaemon(true);
        return thread;
    });
    private final KeyOwnership keyOwnership = new KeyOwnership();
    private final List<Invocation> invocationLog = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile java.time.Clock clock = java.time.Clock.systemUTC();
    private volatile boolean started;

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
     * Lists the stream's shards and prepares a poller and a function instance for each. Shards that appear later
     * (a split or merge during the run) get theirs when their parents have been read to their end, as Lambda
     * processes a parent shard before its children.
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
        this.kinesis = kinesis;
        this.stream = stream;
        this.settings = settings;
        this.inputComplete = inputComplete;
        this.onFailure = onFailure;
        this.functions = functions;
        discover();
    }

    /** Lists the shards, adds a poller for each new one, and starts those whose parents are done. */
    private synchronized void discover() {
        for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            if (pollers.containsKey(shard.shardId())) {
                continue;
            }
            List<String> of = new ArrayList<>();
            if (shard.parentShardId() != null) {
                of.add(shard.parentShardId());
            }
            if (shard.adjacentParentShardId() != null) {
                of.add(shard.adjacentParentShardId());
            }
            ShardPoller poller = new ShardPoller(kinesis, stream, shard.shardId(), functions, settings,
                    inputComplete, onFailure, keyOwnership, this::logged);
            poller.clock = clock;
            poller.drainAtEnd = drainAtEnd;
            poller.faults(faults);
            pollers.put(shard.shardId(), poller);
            parents.put(shard.shardId(), of);
        }
        if (started) {
            startReady();
        }
    }

    /** Starts every poller not yet started whose parents are read to their end (or no longer listed). */
    private synchronized void startReady() {
        for (ShardPoller poller : pollers.values()) {
            if (running.containsKey(poller.shardId())) {
                continue;
            }
            boolean ready = parents.get(poller.shardId()).stream().allMatch(parent -> !pollers.containsKey(parent)
                    || pollers.get(parent).closed);
            if (ready) {
                running.put(poller.shardId(), executor.submit(() -> {
                    Thread.currentThread().setName("esm-" + poller.shardId());
                    poller.run();
                    if (poller.closed) {
                        discover();
                    }
                    return null;
                }));
            }
        }
    }

    /**
     * For tests: the wall clock the pollers judge record ages by.
     *
     * @param clock the clock
     * @return this mapping
     */
    synchronized EventSourceMapping withClock(java.time.Clock clock) {
        this.clock = clock;
        pollers.values().forEach(p -> p.clock = clock);
        return this;
    }

    /** Whether shards are drained at the end of the input; see {@link #withoutDrain()}. */
    private volatile boolean drainAtEnd = true;

    /**
     * Leaves shards undrained at the end of the input, as a stream that goes on would (no watermark to +∞):
     * what fires then is what the records, heartbeats and idleness make due. Call before {@link #start()}.
     *
     * @return this mapping
     */
    public synchronized EventSourceMapping withoutDrain() {
        drainAtEnd = false;
        pollers.values().forEach(p -> p.drainAtEnd = false);
        return this;
    }

    /** Faults of the invocations (a chaos run's); none by default. */
    private volatile InvocationFaults faults = InvocationFaults.NONE;

    /**
     * Injects faults into the invocations ({@code eddy run --chaos}). Call before {@link #start()}.
     *
     * @param faults what goes wrong with an invocation
     * @return this mapping
     */
    public synchronized EventSourceMapping withFaults(InvocationFaults faults) {
        this.faults = java.util.Objects.requireNonNull(faults, "faults");
        pollers.values().forEach(p -> p.faults(faults));
        return this;
    }

    /** Starts the pollers of every shard whose parents are done; children follow as their parents end. */
    public synchronized void start() {
        started = true;
        startReady();
    }

    /**
     * Waits for every shard to be read to its end and drained.
     *
     * @throws IllegalStateException if a shard's poller failed; the message names the shard and the cause
     * @throws InterruptedException if interrupted
     */
    public void awaitDrained() throws InterruptedException {
        while (true) {
            List<Future<?>> futures;
            synchronized (this) {
                futures = List.copyOf(running.values());
            }
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    throw new IllegalStateException(cause.getMessage(), cause);
                }
            }
            synchronized (this) {
                if (running.size() == futures.size() && running.size() == pollers.size()) {
                    return;
                }
                if (running.size() == futures.size()) {
                    // children whose parents ended are started by discover(); list again in case a reshard
                    // happened after the last listing
                    discover();
                    if (running.size() == futures.size()) {
                        throw new IllegalStateException("shards " + waiting() + " wait for parents that never"
                                + " ended");
                    }
                }
            }
        }
    }

    private List<String> waiting() {
        return pollers.keySet().stream().filter(id -> !running.containsKey(id)).toList();
    }

    /**
     * @return the sum of every handler instance's figures, including those of execution environments replaced after
     *     a timeout
     */
    public Figures metrics() {
        Figures total = Figures.ZERO;
        for (ShardPoller poller : pollers.values()) {
            total = total.plus(poller.metrics());
        }
        return total;
    }

    /** Told of every invocation as it ends; see {@link #onInvocation}. */
    private volatile Consumer<Invocation> listener = invocation -> { };

    private void logged(Invocation invocation) {
        invocationLog.add(invocation);
        listener.accept(invocation);
    }

    /**
     * Tells {@code listener} of every invocation as it ends, on the thread of the invocation's shard (shards call it
     * concurrently), after it is in the {@link #invocationLog()}: for reports while the mapping runs. Call before
     * {@link #start()}.
     *
     * @param listener told of each invocation; must return quickly, as its shard waits for it
     * @return this mapping
     */
    public synchronized EventSourceMapping onInvocation(Consumer<Invocation> listener) {
        this.listener = listener;
        return this;
    }

    /** @return every invocation so far, in the order they ended (shards interleave) */
    public List<Invocation> invocationLog() {
        return List.copyOf(invocationLog);
    }

    /** @return execution environments started (one per shard, and one more after each timeout) */
    public long coldStarts() {
        return pollers.values().stream().mapToLong(ShardPoller::coldStarts).sum();
    }

    /** @return shard iterators renewed after they expired */
    public long iteratorRenewals() {
        return pollers.values().stream().mapToLong(p -> p.iteratorRenewals.get()).sum();
    }

    /** @return records handed to handlers and acknowledged */
    public long recordsDelivered() {
        return pollers.values().stream().mapToLong(p -> p.recordsDelivered.get()).sum();
    }

    /** @return invocations so far */
    public long invocations() {
        return pollers.values().stream().mapToLong(p -> p.invocations.get()).sum();
    }

    /** @return batch retries so far */
    public long retries() {
        return pollers.values().stream().mapToLong(p -> p.retries.get()).sum();
    }

    /** @return batches sent to the on-failure destination */
    public long discardedBatches() {
        return pollers.values().stream().mapToLong(p -> p.discardedBatches.get()).sum();
    }

    /**
     * @return one line per batch or run of records sent to the on-failure destination: shard, range, condition and
     *     why the function failed
     */
    public List<String> discards() {
        return pollers.values().stream().flatMap(p -> p.discards.stream()).toList();
    }

    /** @return which keys arrived on more than one shard */
    public KeyOwnership keyOwnership() {
        return keyOwnership;
    }

    /** @return the shard count */
    public int shards() {
        return pollers.size();
    }

    /** @return the id of every shard the mapping knows, in shard id order (parents of a reshard too) */
    public List<String> shardIds() {
        return List.copyOf(pollers.keySet());
    }

    /** Stops the pollers and ends every shard's execution environment (handlers, their clients and threads). */
    @Override
    public void close() {
        executor.shutdownNow();
        pollers.values().forEach(ShardPoller::close);
    }
}

package dev.eddy.emulator.esm;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.eddy.emulator.lambda.LocalContext;
import dev.eddy.metrics.Figures;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shard's Lambda execution environment, as the local event source mapping runs it: one function instance and the
 * thread it runs on, kept warm across invocations and replaced by a cold one after a timeout (Lambda resets an
 * environment whose invocation timed out) or, when asked, every N invocations (Lambda replaces environments at will).
 * A replaced environment is ended — its handler closed with its clients and threads — as Lambda ends it; an invocation
 * still running in it when it timed out goes on as a zombie until the handler is closed under it. Keeps the figures
 * of the environments it replaced. Not thread-safe: one shard's poller uses it.
 */
final class ExecutionEnvironment {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionEnvironment.class);

    /** How an invocation ended, for the event source mapping. */
    sealed interface Result {
        /** The function returned this response. */
        record Returned(StreamsEventResponse response) implements Result {
        }

        /** The function threw. */
        record Threw(Throwable error) implements Result {
        }

        /**
         * The invocation ran past the function's timeout (or a chaos run's injected one); the environment was
         * replaced.
         *
         * @param afterMs when the mapping stopped waiting, ms after the invocation began
         */
        record TimedOut(long afterMs) implements Result {
        }
    }

    private final String shardId;
    private final Supplier<LocalFunction> functions;
    private final MappingSettings settings;
    private final AtomicLong coldStarts = new AtomicLong();
    private LocalFunction function;
    private ExecutorService thread;
    private int served;
    private Figures retired = Figures.ZERO;
    private volatile boolean ended;
    /** Faults a chaos run injects; none otherwise. */
    volatile InvocationFaults faults = InvocationFaults.NONE;

    /**
     * Starts the first (cold) environment.
     *
     * @param shardId the shard it serves
     * @param functions makes a function instance for each new environment
     * @param settings the function's timeout, memory and the cold-start cadence
     */
    ExecutionEnvironment(String shardId, Supplier<LocalFunction> functions, MappingSettings settings) {
        this.shardId = shardId;
        this.functions = functions;
        this.settings = settings;
        coldStart();
    }

    /** @return the current function instance */
    LocalFunction function() {
        return function;
    }

    /**
     * Invokes the function once on the environment's thread, waiting at most the function's timeout.
     *
     * @param event the batch
     * @return how it ended; after a timeout the environment is a new one
     * @throws InterruptedException if interrupted while waiting
     */
    Result invoke(KinesisEvent event) throws InterruptedException {
        String first = event.getRecords().isEmpty() ? ""
                : event.getRecords().get(0).getKinesis().getSequenceNumber();
        if (faults.replaceEnvironment(shardId, first)) {
            coldStart();
        }
        LocalFunction current = function;
        Thread twin = faults.duplicate(shardId, first) ? duplicate(event) : null;
        long chaosTimeoutMs = faults.timeoutAfterMs(shardId, first);
        boolean chaosTimeout = chaosTimeoutMs >= 0 && chaosTimeoutMs < settings.functionTimeoutMs();
        Future<StreamsEventResponse> call = thread.submit(() -> current.handleRequest(event,
                new LocalContext(current.name(), settings.memoryMb(), settings.functionTimeoutMs())));
        Result result;
        try {
            result = new Result.Returned(call.get(chaosTimeout ? chaosTimeoutMs : settings.functionTimeoutMs(),
                    TimeUnit.MILLISECONDS));
            if (chaosTimeout) {
                // the deadline came as the response did: it is lost, as a timed-out invocation's is
                throw new TimeoutException();
            }
        } catch (TimeoutException e) {
            call.cancel(true);
            coldStart();
            return new Result.TimedOut(chaosTimeout ? chaosTimeoutMs : settings.functionTimeoutMs());
        } catch (ExecutionException e) {
            result = new Result.Threw(e.getCause());
            if (e.getCause() instanceof dev.eddy.internal.Chaos.Crash) {
                // a crashed process: Lambda starts a new environment for the next invocation
                coldStart();
            }
        } finally {
            awaitTwin(twin);
        }
        if (settings.coldStartEvery() > 0 && ++served >= settings.coldStartEvery()) {
            coldStart();
        }
        return result;
    }

    /**
     * Starts a duplicate of an invocation in an execution environment of its own, at the same time as the mapping's
     * (its result is ignored; its writes race the mapping's invocation's).
     */
    private Thread duplicate(KinesisEvent event) {
        LocalFunction twin = functions.get();
        Thread thread = new Thread(() -> {
            try {
                twin.handleRequest(event, new LocalContext(twin.name(), settings.memoryMb(),
                        settings.functionTimeoutMs()));
            } catch (RuntimeException | Error e) {
                LOG.debug("shard {}: the duplicate invocation failed: {}", shardId, e.toString());
            } finally {
                end(twin);
            }
        }, "lambda-" + shardId + "-duplicate");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void awaitTwin(Thread twin) throws InterruptedException {
        if (twin != null) {
            twin.join(settings.functionTimeoutMs());
        }
    }

    /** @return the figures of every environment so far, the current one's included */
    Figures metrics() {
        return ended ? retired : retired.plus(function.metrics());
    }

    /** @return environments started, the first included */
    long coldStarts() {
        return coldStarts.get();
    }

    /** Ends the current environment: its handler's backend, clients and threads. Idempotent. */
    synchronized void close() {
        if (ended) {
            return;
        }
        retired = retired.plus(function.metrics());
        ended = true;
        end(function);
        thread.shutdownNow();
    }

    /** A new environment: a fresh function instance and its thread; the old one, if any, is ended. */
    private void coldStart() {
        if (function != null) {
            retired = retired.plus(function.metrics());
            end(function);
            thread.shutdownNow();
        }
        function = functions.get();
        served = 0;
        long number = coldStarts.getAndIncrement();
        thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "lambda-" + shardId + "-" + number);
            t.setDaemon(true);
            return t;
        });
    }

    private void end(LocalFunction ended) {
        try {
            ended.close();
        } catch (RuntimeException e) {
            LOG.warn("shard {}: closing a retired execution environment failed: {}", shardId, e.toString());
        }
    }
}

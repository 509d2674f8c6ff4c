package dev.eddy.handler;

import dev.eddy.internal.SinkFactories;
import dev.eddy.config.EddySettings;
import dev.eddy.metrics.Figures;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import dev.eddy.internal.BatchProcessor;
import dev.eddy.internal.ShardIds;
import dev.eddy.sink.SinkFactory;
import dev.eddy.internal.DeadlineBudget;
import dev.eddy.internal.InvocationMetrics;
import dev.eddy.internal.Chaos;
import dev.eddy.internal.Outages;
import dev.eddy.internal.KinesisShardLineage;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.PipelineDefinition;
import dev.eddy.state.StateBackend;
import dev.eddy.state.StateBackendProvider;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.function.LongSupplier;
import org.slf4j.MDC;

/**
 * The Lambda handler of a pipeline: a Kinesis event in, a {@link StreamsEventResponse} out. Subclass it with
 * a no-argument constructor and point the function at the subclass:
 *
 * <pre>{@code
 * public final class FlightDelaysHandler extends EddyHandler {
 *     public FlightDelaysHandler() { super(new FlightDelays()); }
 * }
 * }</pre>
 *
 * <p>The event source mapping must have {@code ReportBatchItemFailures} on: a failed batch is reported as one
 * batch item failure at its first uncommitted record, so that Lambda retries from there. Settings come from
 * Lambda's environment variables ({@link EddySettings}), or from code ({@link #withSettings}). The state backend is found with {@link ServiceLoader}; clients and sinks are created at
 * the first invocation and reused while the execution environment lives.
 *
 * <p>On Lambda each invocation also prints one CloudWatch Embedded Metric Format document (namespace {@code Eddy},
 * dimension {@code Pipeline}: records, replays, failed and late records, windows fired, results, sink retries,
 * deadline stops, state write and read units, batch duration, watermark lag; shard, sequence range and request id
 * as properties), which CloudWatch turns into metrics without an API call ({@code EDDY_METRICS}). Log lines written
 * while it handles a batch carry the same shard, sequence range and request id as SLF4J MDC entries (see {@link
 * #handleRequest}).
 *
 * <p>An instance handles one batch at a time, as Lambda calls it.
 */
public abstract class EddyHandler implements RequestHandler<KinesisEvent, StreamsEventResponse>, AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(EddyHandler.class);

    /** The MDC keys {@link #handleRequest} sets, and removes when it returns. */
    private static final List<String> MDC_KEYS = List.of("pipeline", "shardId", "firstSequenceNumber",
            "lastSequenceNumber", "records", "requestId");

    private final Pipeline pipeline;
    /** The settings given in code, or {@code null} for the environment's (Lambda's default). */
    private volatile EddySettings settings;
    private volatile BatchProcessor processor;
    /** Per-invocation EMF metrics, or {@code null} when off; set with the processor. */
    private volatile InvocationMetrics invocationMetrics;
    /** The invoked function's ARN, from the latest invocation's context; {@code null} before the first. */
    private volatile String functionArn;
    /** Kept here: CRaC's global context may hold its resources weakly. */
    private final org.crac.Resource priming = new org.crac.Resource() {
        @Override
        public void beforeCheckpoint(org.crac.Context<? extends org.crac.Resource> context) {
            prime();
        }

        @Override
        public void afterRestore(org.crac.Context<? extends org.crac.Resource> context) {
            // clients reconnect on first use; credentials are asked when needed
        }
    };

    /**
     * @param definition the pipeline this function runs
     * @throws NullPointerException if the definition returns {@code null}
     */
    protected EddyHandler(PipelineDefinition definition) {
        this.pipeline = Objects.requireNonNull(Objects.requireNonNull(definition, "definition").define(),
                () -> definition.getClass().getName() + ".define() returned null");
        org.crac.Core.getGlobalContext().register(priming);
    }

    /**
     * Prepares this instance before Lambda SnapStart snapshots it (CRaC's {@code beforeCheckpoint}, called by Lambda
     * on a published version's initialisation): creates the batch processor with its state backend and sink
     * clients, and reads the checkpoint of a shard that does not exist, so that the SDK, its HTTP client, TLS and
     * Jackson are loaded and warm in the snapshot rather than on the first batch. A failure is logged and ignored:
     * priming only saves time.
     */
    public final void prime() {
        try {
            processor().prime();
        } catch (RuntimeException e) {
            LOG.warn("pipeline {}: priming before the snapshot failed; the first batch will warm up instead: {}",
                    pipeline.name(), e.toString());
        }
    }

    /**
     * Gives this handler its settings in code instead of the environment variables Lambda sets (the default,
     * {@link EddySettings#fromEnvironment()}): for a handler created by a local run, a test, or code that builds
     * its configuration itself. Call it before the first invocation (or {@link #prime()}), which creates the state
     * backend and sinks from the settings.
     *
     * <pre>{@code
     * EddyHandler handler = new FlightDelaysHandler().withSettings(EddySettings.of(Map.of(
     *         EddySettings.STATE_TABLE, "flight-delays-test", EddySettings.SINKS, "file:out")::get));
     * }</pre>
     *
     * @param settings the settings
     * @return this handler
     * @throws IllegalStateException if the handler has already started with other settings
     */
    public final EddyHandler withSettings(EddySettings settings) {
        java.util.Objects.requireNonNull(settings, "settings");
        synchronized (this) {
            if (processor != null) {
                throw new IllegalStateException("pipeline " + pipeline.name() + ": the handler has started; give its"
                        + " settings before the first invocation");
            }
            this.settings = settings;
        }
        return this;
    }

    /** @return the pipeline this handler runs */
    public final Pipeline pipeline() {
        return pipeline;
    }

    /**
     * Processes one batch of one shard, stopping before the function's deadline.
     *
     * <p>Lambda stops an invocation that runs past the function's timeout, and the event source mapping then
     * retries the whole batch in a reset execution environment. To avoid that, the batch is processed in chunks,
     * each committed on its own, and before each chunk the remaining time ({@code
     * context.getRemainingTimeInMillis()}, in milliseconds) is compared with the chunk's estimated duration plus a
     * reserve ({@link EddySettings#deadlineReserveMs()}, 1,000 ms by default). If it does not fit, the invocation
     * returns one batch item failure at the first record not processed (the batch's first record if nothing was),
     * logs one warning and counts {@link Figures#deadlineStops()}; the event source mapping retries from
     * there, and fencing keeps the retry exact. Without a context there is no deadline.
     *
     * <p>While it runs, the SLF4J {@link MDC} of the calling thread holds the invocation's {@code pipeline} (name),
     * {@code shardId}, {@code firstSequenceNumber}, {@code lastSequenceNumber}, {@code records} (the batch's size)
     * and {@code requestId} (Lambda's request id; absent if the context has none), so that every line logged
     * meanwhile carries them: the function jars' JSON log lines have a field for each (docs/deploy.md, "Logs").
     * Those keys are removed when it returns; other MDC entries are left as they are.
     *
     * @param event Lambda's Kinesis event
     * @param context Lambda's context, or {@code null} for no deadline
     * @return batch item failures: none on success, or the first uncommitted record's sequence number
     */
    @Override
    public final StreamsEventResponse handleRequest(KinesisEvent event, Context context) {
        String requestId = requestId(context);
        try {
            putLogContext(event, requestId);
            return handle(event, context, requestId);
        } finally {
            MDC_KEYS.forEach(MDC::remove);
        }
    }

    private StreamsEventResponse handle(KinesisEvent event, Context context, String requestId) {
        LongSupplier remainingMillis = context == null ? () -> DeadlineBudget.UNLIMITED
                : context::getRemainingTimeInMillis;
        String arn = functionArn(context);
        if (arn != null) {
            functionArn = arn;
        }
        BatchProcessor p = processor();
        InvocationMetrics published = invocationMetrics;
        if (published == null || event == null || event.getRecords() == null || event.getRecords().isEmpty()) {
            return p.process(event, remainingMillis);
        }
        Figures before = p.metrics();
        long retriesBefore = p.sinkRetries();
        long started = System.nanoTime();
        StreamsEventResponse response = p.process(event, remainingMillis);
        var records = event.getRecords();
        String retryFrom = response.getBatchItemFailures() == null || response.getBatchItemFailures().isEmpty()
                ? null : response.getBatchItemFailures().get(0).getItemIdentifier();
        published.publish(new InvocationMetrics.Invocation(p.metrics().minus(before), p.sinkRetries() - retriesBefore,
                (System.nanoTime() - started) / 1_000_000, p.watermarkLagMs(System.currentTimeMillis()),
                shardId(records.get(0)), records.get(0).getKinesis().getSequenceNumber(),
                records.get(records.size() - 1).getKinesis().getSequenceNumber(), requestId, retryFrom));
        return response;
    }

    /** Puts the invocation's MDC entries; a missing value (no records, no request id) is left out. */
    private void putLogContext(KinesisEvent event, String requestId) {
        MDC.put("pipeline", pipeline.name());
        List<KinesisEvent.KinesisEventRecord> records = event == null || event.getRecords() == null ? List.of()
                : event.getRecords();
        MDC.put("records", Integer.toString(records.size()));
        if (!records.isEmpty()) {
            putIfPresent("shardId", shardId(records.get(0)));
            putIfPresent("firstSequenceNumber", sequenceNumber(records.get(0)));
            putIfPresent("lastSequenceNumber", sequenceNumber(records.get(records.size() - 1)));
        }
        putIfPresent("requestId", requestId);
    }

    private static void putIfPresent(String key, String value) {
        if (value != null && !value.isEmpty()) {
            MDC.put(key, value);
        }
    }

    /** @return the shard of a record's {@code shardId:sequenceNumber} event id; {@code null} without one */
    private static String shardId(KinesisEvent.KinesisEventRecord record) {
        return record == null ? null : ShardIds.of(record.getEventID()).orElse(null);
    }

    private static String sequenceNumber(KinesisEvent.KinesisEventRecord record) {
        return record == null || record.getKinesis() == null ? null : record.getKinesis().getSequenceNumber();
    }

    /**
     * Re-drives records of one shard that the event source mapping skipped after its retries ran out: applied to
     * the windows still open, late data with the reason {@code re-driven after skip} for windows already past their
     * allowed lateness; exact if run twice. Used by {@code eddy redrive}, never by Lambda (docs/deploy.md,
     * "Re-driving skipped records").
     *
     * @param event consecutive records of one skipped range of one shard, as the stream returns them
     * @param skip the range as the shard's checkpoint recorded it, or {@code null} if it did not
     * @param from the range's first sequence number (the same on every re-drive of the range)
     * @return no failures on success; otherwise one batch item failure at the first record not committed
     */
    public final StreamsEventResponse redrive(KinesisEvent event, dev.eddy.state.SkippedRange skip,
            java.math.BigInteger from) {
        return processor().redrive(event, skip, from);
    }

    /**
     * End of a bounded input on one shard: fires every remaining window (the watermark goes to +∞). For local
     * runs and tests; Lambda never calls it.
     *
     * @param shardId the shard whose input ended
     * @return windows fired
     */
    public final int drain(String shardId) {
        return processor().drain(shardId);
    }

    /**
     * @return why this instance's latest batch that failed or stopped before the deadline did, one line (the
     *     error's message); empty while every batch it handled finished. For local runs, which report it
     */
    public final java.util.Optional<String> lastBatchFailure() {
        BatchProcessor p = processor;
        return p == null ? java.util.Optional.empty() : p.lastFailure();
    }

    /** @return this instance's figures so far */
    public final Figures metrics() {
        BatchProcessor p = processor;
        return p == null ? Figures.ZERO : p.metrics();
    }

    /** @return the invocation's request id, or {@code null} if the context has none */
    private static String requestId(Context context) {
        try {
            return context == null ? null : context.getAwsRequestId();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** @return the invoked function's ARN, or {@code null} if the context has none (a test's context) */
    private static String functionArn(Context context) {
        try {
            return context == null ? null : context.getInvokedFunctionArn();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private BatchProcessor processor() {
        BatchProcessor p = processor;
        if (p == null) {
            synchronized (this) {
                p = processor;
                if (p == null) {
                    EddySettings settings = this.settings != null ? this.settings : EddySettings.fromEnvironment();
                    if (settings.emfMetrics()) {
                        invocationMetrics = new InvocationMetrics(pipeline.name(),
                                new software.amazon.cloudwatchlogs.emf.environment.LambdaEnvironment());
                    }
                    // with no outage or chaos set (a local run's), the backend and the sinks themselves
                    p = new BatchProcessor(pipeline,
                            Chaos.state(Outages.state(stateBackend(settings), settings), settings),
                            Chaos.sinks(Outages.sinks(SinkFactories.fromSettings(settings, () -> functionArn),
                                    settings), settings),
                            Clock.systemUTC(), new DeadlineBudget(settings.deadlineReserveMs()))
                            .withShardLineage(new KinesisShardLineage(settings));
                    settings.idleness().ifPresent(p::withIdleness);
                    processor = p;
                }
            }
        }
        return p;
    }

    private StateBackend stateBackend(EddySettings settings) {
        List<StateBackendProvider> providers = ServiceLoader.load(StateBackendProvider.class,
                getClass().getClassLoader()).stream().map(ServiceLoader.Provider::get).toList();
        if (providers.size() != 1) {
            throw new IllegalStateException("expected exactly one state backend on the classpath (add"
                    + " dev.eddy:eddy-state-dynamodb to the function), found " + providers.size());
        }
        return providers.get(0).create(pipeline, settings);
    }

    /**
     * Closes what the handler created: its state backend (and its client and threads) and its sink threads. Lambda
     * never calls it (an execution environment ends with its process); a local run retiring an execution
     * environment, or a test, does. The handler cannot be used afterwards.
     */
    @Override
    public final synchronized void close() {
        BatchProcessor p = processor;
        if (p != null) {
            p.close();
        }
    }
}

package dev.eddy.internal;

import dev.eddy.metrics.Figures;
import dev.eddy.metrics.Metric;
import java.util.Objects;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.logger.MetricsLogger;
import software.amazon.cloudwatchlogs.emf.model.DimensionSet;
import software.amazon.cloudwatchlogs.emf.model.Unit;

/**
 * One CloudWatch Embedded Metric Format document per invocation (aws-embedded-metrics), in namespace
 * {@value #NAMESPACE} with the dimension {@code Pipeline}: on Lambda the document is a log line that CloudWatch
 * turns into metrics, with no API call. Internal; {@code EddyHandler} publishes.
 *
 * <p>The metrics are {@link Metric#published()}, in that order:
 *
 * <table>
 * <caption>Metrics</caption>
 * <tr><th>metric</th><th>unit</th><th>what</th></tr>
 * <tr><td>{@code Records}</td><td>Count</td><td>records applied (decoded or failed), replays excluded</td></tr>
 * <tr><td>{@code ReplaysSkipped}</td><td>Count</td><td>records an earlier attempt had committed</td></tr>
 * <tr><td>{@code FailedRecords}</td><td>Count</td><td>records sent to the failure destination</td></tr>
 * <tr><td>{@code LateRecords}</td><td>Count</td><td>elements past their window's allowed lateness</td></tr>
 * <tr><td>{@code WindowsFired}</td><td>Count</td><td>window firings</td></tr>
 * <tr><td>{@code ResultsEmitted}</td><td>Count</td><td>records written to result sinks</td></tr>
 * <tr><td>{@code SinkRetries}</td><td>Count</td><td>sink entries sent again after a partial failure</td></tr>
 * <tr><td>{@code DeadlineStops}</td><td>Count</td><td>invocations that stopped before Lambda's deadline</td></tr>
 * <tr><td>{@code StateWriteUnits}, {@code StateReadUnits}</td><td>Count</td><td>DynamoDB capacity units</td></tr>
 * <tr><td>{@code BatchDuration}</td><td>Milliseconds</td><td>the invocation's processing time</td></tr>
 * <tr><td>{@code WatermarkLag}</td><td>Milliseconds</td><td>wall clock minus the shard's watermark after the batch
 *     (absent before the first watermark and after end of input)</td></tr>
 * </table>
 *
 * <p>Properties (searchable in CloudWatch Logs, not metrics): {@code ShardId}, {@code FirstSequenceNumber},
 * {@code LastSequenceNumber}, {@code RequestId}, {@code BatchItemFailure} (the sequence number retried from, if
 * any).
 */
public final class InvocationMetrics {

    /** The CloudWatch namespace of Eddy's metrics. */
    public static final String NAMESPACE = "Eddy";

    private final String pipeline;
    private final Environment environment;

    /**
     * @param pipeline the pipeline's name, the {@code Pipeline} dimension
     * @param environment where documents go (aws-embedded-metrics' {@code LambdaEnvironment} prints them to
     *     standard output, which Lambda sends to CloudWatch Logs)
     */
    public InvocationMetrics(String pipeline, Environment environment) {
        this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
        this.environment = Objects.requireNonNull(environment, "environment");
    }

    /**
     * One invocation's figures.
     *
     * @param delta what the invocation did
     * @param sinkRetries sink entries sent again during it
     * @param durationMs how long it took, ms
     * @param watermarkLagMs wall clock minus the shard's watermark, ms, or {@code null} if there is none
     * @param shardId the shard
     * @param firstSequence the batch's first sequence number
     * @param lastSequence the batch's last sequence number
     * @param requestId Lambda's request id, or {@code null}
     * @param retryFrom the batch item failure returned, or {@code null}
     */
    public record Invocation(Figures delta, long sinkRetries, long durationMs, Long watermarkLagMs,
            String shardId, String firstSequence, String lastSequence, String requestId, String retryFrom) {
    }

    /**
     * Writes one document. Never throws: metrics must not fail a batch; a failure is reported on standard error.
     *
     * @param invocation the figures
     */
    public void publish(Invocation invocation) {
        try {
            MetricsLogger logger = new MetricsLogger(environment);
            logger.setNamespace(NAMESPACE);
            logger.setDimensions(DimensionSet.of("Pipeline", pipeline));
            Figures d = invocation.delta().with(Metric.SINK_RETRIES, invocation.sinkRetries());
            for (Metric metric : Metric.published()) {
                if (metric.summed()) {
                    logger.putMetric(metric.cloudWatchName(), d.get(metric), Unit.COUNT);
                }
            }
            logger.putMetric(Metric.BATCH_DURATION.cloudWatchName(), invocation.durationMs(), Unit.MILLISECONDS);
            if (invocation.watermarkLagMs() != null) {
                logger.putMetric(Metric.WATERMARK_LAG.cloudWatchName(), invocation.watermarkLagMs(),
                        Unit.MILLISECONDS);
            }
            logger.putProperty("ShardId", invocation.shardId());
            logger.putProperty("FirstSequenceNumber", invocation.firstSequence());
            logger.putProperty("LastSequenceNumber", invocation.lastSequence());
            if (invocation.requestId() != null) {
                logger.putProperty("RequestId", invocation.requestId());
            }
            if (invocation.retryFrom() != null) {
                logger.putProperty("BatchItemFailure", invocation.retryFrom());
            }
            logger.flush();
        } catch (RuntimeException e) {
            System.err.println("eddy: metrics of pipeline " + pipeline + " not published: " + e);
        }
    }
}

package dev.eddy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.metrics.Figures;
import dev.eddy.metrics.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import software.amazon.cloudwatchlogs.emf.environment.Environment;
import software.amazon.cloudwatchlogs.emf.model.MetricsContext;
import software.amazon.cloudwatchlogs.emf.sinks.ISink;

/** The document CloudWatch reads: Embedded Metric Format, as aws-embedded-metrics writes it. */
class InvocationMetricsTest {

    /** Keeps what would be printed. */
    static final class Captured implements Environment, ISink {
        final List<String> documents = new ArrayList<>();

        @Override
        public boolean probe() {
            return true;
        }

        @Override
        public String getName() {
            return "eddy-test";
        }

        @Override
        public String getType() {
            return "test";
        }

        @Override
        public String getLogGroupName() {
            return "eddy-test";
        }

        @Override
        public void configureContext(MetricsContext context) {
        }

        @Override
        public ISink getSink() {
            return this;
        }

        @Override
        public void accept(MetricsContext context) {
            try {
                documents.addAll(context.serialize());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public CompletableFuture<Void> shutdown() {
            return CompletableFuture.completedFuture(null);
        }
    }

    @Test
    void oneDocumentPerInvocationWithTheFiguresInNamespaceEddyByPipeline() throws Exception {
        Captured captured = new Captured();
        new InvocationMetrics("flight-delays", captured).publish(new InvocationMetrics.Invocation(
                Figures.of(Metric.INVOCATIONS, 1).with(Metric.RECORDS, 500).with(Metric.REPLAYS_SKIPPED, 3)
                        .with(Metric.FAILED_RECORDS, 2).with(Metric.LATE_RECORDS, 1).with(Metric.WINDOWS_FIRED, 40)
                        .with(Metric.RESULTS_EMITTED, 41).with(Metric.SINK_RETRIES, 4).with(Metric.FAILED_BATCHES, 1)
                        .with(Metric.STATE_WRITE_UNITS, 55.0).with(Metric.STATE_READ_UNITS, 12.5), 4, 230, 601_000L,
                "shardId-000000000001", "49590", "49599", "req-1", "49597"));

        assertThat(captured.documents).hasSize(1);
        JsonNode doc = new ObjectMapper().readTree(captured.documents.get(0));
        JsonNode directive = doc.get("_aws").get("CloudWatchMetrics").get(0);
        assertThat(directive.get("Namespace").asText()).isEqualTo("Eddy");
        assertThat(directive.get("Dimensions").toString()).isEqualTo("[[\"Pipeline\"]]");
        List<String> names = new ArrayList<>();
        directive.get("Metrics").forEach(m -> names.add(m.get("Name").asText()));
        assertThat(names).containsExactlyInAnyOrder("Records", "ReplaysSkipped", "FailedRecords", "LateRecords",
                "WindowsFired", "ResultsEmitted", "Heartbeats", "IdleFirings", "SinkRetries", "DeadlineStops",
                "FailedBatches", "StateWriteUnits", "StateReadUnits", "BatchDuration", "WatermarkLag");
        assertThat(doc.get("FailedBatches").asDouble()).isEqualTo(1);
        assertThat(doc.get("Pipeline").asText()).isEqualTo("flight-delays");
        assertThat(doc.get("Records").asDouble()).isEqualTo(500);
        assertThat(doc.get("WindowsFired").asDouble()).isEqualTo(40);
        assertThat(doc.get("SinkRetries").asDouble()).isEqualTo(4);
        assertThat(doc.get("StateWriteUnits").asDouble()).isEqualTo(55.0);
        assertThat(doc.get("WatermarkLag").asDouble()).isEqualTo(601_000);
        assertThat(doc.get("ShardId").asText()).isEqualTo("shardId-000000000001");
        assertThat(doc.get("RequestId").asText()).isEqualTo("req-1");
        assertThat(doc.get("BatchItemFailure").asText()).isEqualTo("49597");
    }

    @Test
    void noWatermarkYetMeansNoWatermarkLagMetric() throws Exception {
        Captured captured = new Captured();
        new InvocationMetrics("p", captured).publish(new InvocationMetrics.Invocation(Figures.ZERO, 0, 1,
                null, "shardId-000000000000", "1", "1", null, null));
        JsonNode doc = new ObjectMapper().readTree(captured.documents.get(0));
        assertThat(doc.has("WatermarkLag")).isFalse();
        assertThat(doc.has("BatchItemFailure")).isFalse();
    }
}

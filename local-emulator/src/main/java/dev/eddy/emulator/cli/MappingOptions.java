package dev.eddy.emulator.cli;

import dev.eddy.config.EddySettings;
import dev.eddy.emulator.console.UsageError;
import dev.eddy.emulator.esm.MappingSettings;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import java.time.Instant;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code ./eddy run}'s event source mapping and function settings: each defaults to the pipeline's, as the CDK
 * construct deploys them ({@link MappingSettings#of}).
 */
final class MappingOptions {

    @Option(names = "--batch-size", paramLabel = "N",
            description = "event source mapping batch size, 1-10000 (default: the pipeline's)")
    private Integer batchSize;

    @Option(names = "--max-retries", paramLabel = "N",
            description = "MaximumRetryAttempts: -1 to retry a failing batch until it succeeds (the shard waits), or"
                + " 0-10000 retries before the mapping skips it, sending only its sequence range to the on-failure"
                + " destination (default: the pipeline's, -1 unless it says otherwise)")
    private Integer maxRetries;

    @Option(names = "--batching-window", paramLabel = "SECONDS",
            description = "MaximumBatchingWindowInSeconds, 0-300: how long records are gathered before an invocation"
                + " that is not full (default: the pipeline's, 0 unless it says otherwise)")
    private Long batchingWindowSeconds;

    @Option(names = "--starting-position", paramLabel = "TRIM_HORIZON|LATEST|AT_TIMESTAMP",
            description = "where shards start (default: the pipeline's, TRIM_HORIZON unless it says otherwise);"
                + " LATEST skips what the stream held before the run (an existing stream with --endpoint)")
    private KinesisSource.StartingPosition startingPosition;

    @Option(names = "--starting-timestamp", paramLabel = "ISO-8601",
            description = "with --starting-position AT_TIMESTAMP: the first arrival time to read")
    private java.time.Instant startingTimestamp;

    @Option(names = "--parallelization-factor", paramLabel = "N", defaultValue = "1",
            description = "concurrent batches per shard; Eddy pipelines need 1 (one checkpoint and watermark per"
                + " shard), so other values are refused with the reason")
    private int parallelizationFactor;

    @Option(names = "--bisect-on-error", paramLabel = "true|false", arity = "1",
            description = "BisectBatchOnFunctionError: after a function error or timeout, retry each half of the"
                + " batch on its own (default: true, as the CDK construct deploys it)")
    private Boolean bisectOnError;

    @Option(names = "--max-record-age", paramLabel = "SECONDS",
            description = "MaximumRecordAgeInSeconds: older records go to the on-failure destination unprocessed;"
                + " -1 for no limit, else 60-604800 (default: the pipeline's, -1 unless it says otherwise)")
    private Long maxRecordAgeSeconds;

    @Option(names = "--cold-start-every", paramLabel = "N", defaultValue = "0",
            description = "replace a shard's execution environment (a new handler instance) after every N"
                + " invocations, as Lambda may at any time; 0 keeps environments warm (default: ${DEFAULT-VALUE})")
    private int coldStartEvery;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "the function's timeout, 1-900 s: an invocation that runs longer fails and its execution"
                + " environment is replaced, as on Lambda (default: ${DEFAULT-VALUE})")
    private long timeoutSeconds;

    /**
     * @param pipeline the pipeline run
     * @return the event source mapping's settings: the pipeline's, as the CDK construct deploys them, and the flags
     * @throws UsageError for a setting out of its range, or a timeout that leaves no time for work
     */
    MappingSettings settings(Pipeline pipeline) {
        MappingSettings settings;
        try {
            MappingSettings d = MappingSettings.of(pipeline.source());
            KinesisSource.StartingPosition position = startingPosition != null ? startingPosition
                    : startingTimestamp != null ? KinesisSource.StartingPosition.AT_TIMESTAMP : d.startingPosition();
            settings = new MappingSettings(batchSize != null ? batchSize : d.batchSize(),
                    maxRetries != null ? maxRetries : d.maxRetryAttempts(), timeoutSeconds * 1_000, d.memoryMb(),
                    d.idlePollMs(), batchingWindowSeconds != null ? batchingWindowSeconds * 1_000 : d.batchingWindowMs(),
                    position, position == KinesisSource.StartingPosition.AT_TIMESTAMP
                            ? (startingTimestamp != null ? startingTimestamp : d.startingTimestamp()) : null,
                    bisectOnError != null ? bisectOnError : d.bisectOnFunctionError(),
                    maxRecordAgeSeconds == null ? d.maxRecordAgeMs()
                            : maxRecordAgeSeconds < 0 ? -1 : maxRecordAgeSeconds * 1_000,
                    parallelizationFactor, coldStartEvery);
        } catch (IllegalArgumentException e) {
            throw new UsageError(e.getMessage());
        }
        long reserveMs = EddySettings.fromEnvironment().deadlineReserveMs();
        if (settings.functionTimeoutMs() < reserveMs + 1_000) {
            throw new UsageError(String.format(Locale.ROOT, "--timeout %d s leaves no time for work: the"
                    + " handler stops each invocation %,d ms before its deadline (%s) and needs time for a chunk of"
                    + " records; use --timeout %d or more", timeoutSeconds, reserveMs, EddySettings.DEADLINE_RESERVE_MS,
                    (reserveMs + 1_999) / 1_000));
        }
        if (settings.startingTimestamp() != null && settings.startingTimestamp().isAfter(Instant.now())) {
            throw new UsageError("--starting-timestamp " + settings.startingTimestamp() + " is in the future:"
                    + " Kinesis refuses an AT_TIMESTAMP iterator after the current time; give a past time, or"
                    + " --starting-position LATEST");
        }
        return settings;
    }
}

package dev.eddy.emulator.cli;

import dev.eddy.config.EddySettings;
import dev.eddy.emulator.console.UsageError;
import dev.eddy.handler.HeartbeatHandler;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine.Option;
import software.amazon.awssdk.services.kinesis.KinesisClient;

/**
 * {@code ./eddy run}'s time after the input: the end of the file as the end of the stream (drain, the default) or
 * not ({@code --no-drain}), how long to go on polling, the heartbeat the CDK construct deploys, and the pipeline's
 * idleness (docs/windows.md, "Idleness").
 */
final class TimeOptions {

    /** The heartbeat's rate when the run goes on after its input and none is given, s: local time runs fast. */
    static final long LOCAL_HEARTBEAT_SECONDS = 1;

    @Option(names = "--no-drain", description = "the end of the file is not the end of the stream: no drain; what"
            + " fires is what the records, heartbeats and idleness make due (as on AWS, where no shard is drained)")
    private boolean noDrain;

    @Option(names = "--run-for", paramLabel = "SECONDS",
            description = "keep polling (and the heartbeat ticking) that long after the input is in, then stop"
                + " (default: 0; with --no-drain, 10)")
    private Long runFor;

    @Option(names = "--idleness", paramLabel = "SECONDS",
            description = "watermark idleness, overriding the pipeline's (KinesisSource.withIdleness): a shard without"
                + " records that long follows the heartbeats' wall-clock time; 0 for none")
    private Long idleness;

    @Option(names = "--heartbeat", paramLabel = "SECONDS",
            description = "put a heartbeat into every open shard this often, as the CDK construct's schedule does"
                + " (default: off when the run drains; 1 with --no-drain or --run-for); 0 for none")
    private Long heartbeat;

    /** @return whether the run drains every shard at the end of its input */
    boolean drain() {
        return !noDrain;
    }

    /**
     * @return the handlers' setting of {@code --idleness}, if given
     * @throws UsageError for a negative or over-long idleness
     */
    Map<String, String> settings() {
        if (idleness == null) {
            return Map.of();
        }
        if (idleness < 0 || idleness > 86_400) {
            throw new UsageError("--idleness takes 0-86400 seconds, was " + idleness);
        }
        return Map.of(EddySettings.IDLENESS_MS, Long.toString(idleness * 1_000));
    }

    /** @return how long to go on after the input, ms */
    long runForMs() {
        long seconds = runFor != null ? runFor : noDrain ? 10 : 0;
        if (seconds < 0 || seconds > 86_400) {
            throw new UsageError("--run-for takes 0-86400 seconds, was " + seconds);
        }
        return seconds * 1_000;
    }

    /** @return the heartbeat's period, ms; 0 for none */
    long heartbeatMs() {
        long seconds = heartbeat != null ? heartbeat : noDrain || (runFor != null && runFor > 0)
                ? LOCAL_HEARTBEAT_SECONDS : 0;
        if (seconds < 0 || seconds > 3_600) {
            throw new UsageError("--heartbeat takes 0-3600 seconds, was " + seconds);
        }
        return seconds * 1_000;
    }

    /**
     * Starts the heartbeat: every period, one {@code dev.eddy.pipeline.Heartbeat} into every open shard, as the
     * deployed schedule's function puts them ({@link HeartbeatHandler#beat}).
     *
     * @param kinesis the stream's client
     * @param stream the stream
     * @param progress where a failed beat is reported (the next one follows)
     * @return the heartbeat's thread, to interrupt when the run ends; {@code null} when there is no heartbeat
     */
    Thread startHeartbeat(KinesisClient kinesis, String stream, Consumer<String> progress) {
        long period = heartbeatMs();
        if (period == 0) {
            return null;
        }
        Thread thread = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(period);
                    try {
                        HeartbeatHandler.beat(kinesis, stream, System.currentTimeMillis());
                    } catch (RuntimeException e) {
                        progress.accept("a heartbeat failed (the next follows): " + e.getMessage());
                    }
                }
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            }
        }, "eddy-heartbeat");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}

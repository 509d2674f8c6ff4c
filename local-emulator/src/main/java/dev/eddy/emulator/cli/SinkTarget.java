package dev.eddy.emulator.cli;

import dev.eddy.emulator.console.UsageError;
import dev.eddy.emulator.embedded.MotoServer;
import dev.eddy.emulator.sinks.LocalSinks;
import dev.eddy.config.EddySettings;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.sink.internal.AwsSinkFactory;
import dev.eddy.sink.Kinesis;
import dev.eddy.sink.SinkRef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.regions.Region;

/**
 * Where a local run's sinks deliver ({@code ./eddy run --sinks}): files, moto started for the run, or any AWS
 * endpoint. Gives the handlers' settings for it ({@link #settings()}) and, for moto, creates the
 * pipeline's destinations and reads them back into the files the file sinks would have written.
 */
final class SinkTarget implements AutoCloseable {

    private final String kind;
    private final Pipeline pipeline;
    private final Path outDir;
    /** The handlers' settings for this target: sinks, their endpoints, the account of SNS topic ARNs. */
    private final java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
    private MotoServer moto;
    private LocalSinks local;

    private SinkTarget(String kind, Pipeline pipeline, Path outDir) {
        this.kind = kind;
        this.pipeline = pipeline;
        this.outDir = outDir;
    }

    /**
     * @param kind {@code file}, {@code moto} or {@code aws}
     * @param pipeline the pipeline run
     * @param outDir the output folder
     * @param progress where progress lines go
     * @return the target, its settings in place
     * @throws IllegalStateException if moto cannot start (its message says how to install it)
     */
    static SinkTarget open(String kind, Pipeline pipeline, Path outDir, Consumer<String> progress) {
        SinkTarget target = new SinkTarget(kind, pipeline, outDir);
        try {
            switch (kind) {
                case "file" -> target.settings.put(EddySettings.SINKS, "file:" + outDir);
                case "aws" -> {
                    target.settings.put(EddySettings.SINKS, "aws");
                    if (System.getenv(AwsSinkFactory.ACCOUNT_SETTING) == null) {
                        target.settings.put(AwsSinkFactory.ACCOUNT_SETTING, "000000000000");
                    }
                }
                case "moto" -> {
                    progress.accept("starting moto (Firehose to S3, SNS, SQS) for the sinks");
                    target.moto = MotoServer.start();
                    String endpoint = target.moto.endpoint().toString();
                    target.settings.put(EddySettings.SINKS, "aws");
                    target.settings.put("AWS_ENDPOINT_URL_FIREHOSE", endpoint);
                    target.settings.put("AWS_ENDPOINT_URL_SNS", endpoint);
                    target.settings.put("AWS_ENDPOINT_URL_SQS", endpoint);
                    target.settings.put(AwsSinkFactory.ACCOUNT_SETTING, target.moto.accountId());
                    target.local = new LocalSinks(target.moto.endpoint(), Region.of(target.moto.region()),
                            target.moto.accountId());
                    target.local.provision(pipeline);
                    progress.accept("created on moto at " + endpoint + ": " + LocalSinks.destinations(pipeline).stream()
                            .map(SinkRef::describe).toList());
                }
                default -> throw new IllegalArgumentException("unknown sink target " + kind);
            }
            return target;
        } catch (RuntimeException e) {
            target.close();
            throw e;
        }
    }

    /**
     * @return where the event source mapping's on-failure records also go: with moto, the pipeline's failure queue
     *     (one queue for both kinds, as the CDK construct deploys it); otherwise nowhere else than the file
     */
    java.util.function.Consumer<String> onFailureQueue() {
        if (local != null && pipeline.failureDestination() instanceof dev.eddy.sink.Sqs queue) {
            return body -> local.send(queue.name(), body);
        }
        return body -> { };
    }

    /**
     * For {@code aws}: checks that every destination of the pipeline exists and answers, before the run starts.
     *
     * @param handlers the handlers' settings, with this target's
     *
     * @throws UsageError naming each missing or unreachable destination and how to create them
     */
    void check(EddySettings handlers) {
        if (!"aws".equals(kind)) {
            return;
        }
        try (AwsSinkFactory sinks = AwsSinkFactory.create(handlers, null)) {
            List<String> problems = sinks.unavailable(LocalSinks.destinations(pipeline));
            if (!problems.isEmpty()) {
                throw new UsageError(String.join("; ", problems) + ". With --sinks aws the pipeline's"
                        + " destinations must exist: deploy its stack (cdk deploy), or try --sinks moto, which creates"
                        + " them on a local moto server");
            }
        }
    }

    /** @return the handlers' settings for this target, to add to theirs */
    java.util.Map<String, String> settings() {
        return java.util.Collections.unmodifiableMap(settings);
    }

    /** @return the Kinesis streams the pipeline writes to, to be created on the run's Kinesis */
    List<SinkRef> kinesisStreams() {
        return LocalSinks.destinations(pipeline).stream().filter(Kinesis.class::isInstance).toList();
    }

    /**
     * For moto: reads what was delivered back into the output files. Otherwise nothing.
     *
     * @throws IOException if a file cannot be written
     */
    void readBack() throws IOException {
        if (local != null) {
            local.readBack(pipeline, outDir);
        }
    }


    @Override
    public void close() {
        if (local != null) {
            local.close();
        }
        if (moto != null) {
            moto.close();
        }
    }
}

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
 * Where a local run's sinks deliver ({@code ./eddy run --sinks}): files, moto started for the run, any AWS
 * endpoint, or the destinations a stack deployed at the run's endpoint ({@code deployed}). Gives the handlers'
 * settings for it ({@link #settings()}) and, for moto, creates the pipeline's destinations; for moto and a deployed
 * stack, reads them back into the files the file sinks would have written.
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
     * @param kind {@code file}, {@code moto}, {@code aws} or {@code deployed}
     * @param pipeline the pipeline run
     * @param outDir the output folder
     * @param progress where progress lines go
     * @param deployedAt for {@code deployed}: the endpoint of the stack
     * @param account for {@code deployed}: the account of its resources
     * @return the target, its settings in place
     * @throws IllegalStateException if moto cannot start (its message says how to install it)
     */
    static SinkTarget open(String kind, Pipeline pipeline, Path outDir, Consumer<String> progress,
            java.net.URI deployedAt, String account) {
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
                case "deployed" -> {
                    String endpoint = deployedAt.toString();
                    target.settings.put(EddySettings.SINKS, "aws");
                    target.settings.put("AWS_ENDPOINT_URL_FIREHOSE", endpoint);
                    target.settings.put("AWS_ENDPOINT_URL_SNS", endpoint);
                    target.settings.put("AWS_ENDPOINT_URL_SQS", endpoint);
                    target.settings.put(AwsSinkFactory.ACCOUNT_SETTING, account);
                    target.local = new LocalSinks(deployedAt, dev.eddy.emulator.deploy.Endpoints.region(), account);
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
     * @return where the event source mapping's on-failure records also go: with moto or a deployed stack, the
     *     pipeline's failure queue (one queue for both kinds, as the CDK construct deploys it); otherwise nowhere else
     *     than the file
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
        if (!"aws".equals(kind) && !"deployed".equals(kind)) {
            return;
        }
        try (AwsSinkFactory sinks = AwsSinkFactory.create(handlers, null)) {
            List<String> problems = sinks.unavailable(LocalSinks.destinations(pipeline));
            if (!problems.isEmpty()) {
                throw new UsageError(String.join("; ", problems) + ("aws".equals(kind)
                        ? ". With --sinks aws the pipeline's destinations must exist: deploy its stack (cdk deploy,"
                                + " or eddy deploy --local STACK for a local rehearsal), or try --sinks moto, which"
                                + " creates them on a local moto server"
                        : ". The stack deployed at the endpoint lacks them: deploy it again (eddy deploy --local"
                                + " STACK) and read its report of what was created"));
            }
        }
        if (local != null) {
            local.attach(pipeline);
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
     * For moto and a deployed stack: reads what was delivered back into the output files. Otherwise nothing.
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

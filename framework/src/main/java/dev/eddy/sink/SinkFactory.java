package dev.eddy.sink;

/**
 * Opens writers for the destinations a pipeline names, and for its side outputs. One factory per handler
 * instance; writers are opened once and reused across invocations.
 */
public interface SinkFactory {

    /**
     * @param ref a destination named by the pipeline
     * @return its writer
     */
    SinkWriter open(SinkRef ref);

    /**
     * The failure destination: records that could not be decoded or processed and results a sink refused, each
     * with its reason.
     *
     * @param pipeline pipeline name
     * @param destination the failure destination the pipeline names ({@code Pipeline#failureDestination()})
     * @return its writer
     */
    SinkWriter failures(String pipeline, SinkRef destination);

    /**
     * The late-data side output of a pipeline that names no sink for it: records whose window had already fired.
     *
     * @param pipeline pipeline name
     * @param failureDestination the pipeline's failure destination, where factories without a place of their own
     *     for late data send it
     * @return its writer
     */
    SinkWriter lateData(String pipeline, SinkRef failureDestination);

    /**
     * The sink factory a function's settings select with {@code EDDY_SINKS}: {@code aws} (the default: the
     * pipeline's Firehose, SNS, Kinesis and SQS destinations) or {@code file:<folder>} (JSON lines in files, for
     * local runs).
     *
     * @param settings the function's settings
     * @param functionArn gives the invoked function's ARN, or {@code null} while unknown: where AWS sinks find the
     *     account and region of SNS topic ARNs
     * @return the factory; no client is created yet
     * @throws IllegalStateException if {@code EDDY_SINKS} is set to something else; the message says what to set
     */
    static SinkFactory fromSettings(dev.eddy.config.EddySettings settings,
            java.util.function.Supplier<String> functionArn) {
        String value = settings.get(dev.eddy.config.EddySettings.SINKS).orElse("aws");
        if (value.equals("aws")) {
            return AwsSinkFactory.forFunction(settings, functionArn);
        }
        if (value.startsWith("file:") && value.length() > "file:".length()) {
            return new FileSinkFactory(java.nio.file.Path.of(value.substring("file:".length())));
        }
        throw new IllegalStateException(dev.eddy.config.EddySettings.SINKS + "='" + value + "' is not understood:"
                + " use aws (deliver to the pipeline's Firehose, SNS, Kinesis and SQS destinations) or file:<folder>"
                + " (write them to files)");
    }
}

package dev.eddy.config;

import java.util.Objects;

/**
 * What a deployed pipeline's stack tells about itself: the CDK construct {@code EddyPipeline} exports these outputs
 * from its stack, and {@code eddy run --endpoint} reads them to find the resources it deployed, by name from the
 * stack rather than guessed. Each is a CloudFormation export named {@code eddy-<pipeline>-<suffix>}, unique in an
 * account and region as the pipeline's own names are (CloudFormation's rule for export names: letters, digits,
 * {@code -} and {@code :}).
 */
public enum StackOutput {

    /** The Kinesis stream the pipeline reads: its name. */
    STREAM("stream", "Kinesis stream the pipeline reads"),
    /** The pipeline's DynamoDB state table: its name. */
    TABLE("table", "DynamoDB state table"),
    /** The Lambda function that runs the pipeline: its name. */
    FUNCTION("function", "Lambda function that runs the pipeline"),
    /** The SQS queue of the failure destination: its URL. */
    FAILURE_QUEUE_URL("failure-queue-url", "SQS queue that receives failed records and the mapping's on-failure records");

    private final String suffix;
    private final String description;

    StackOutput(String suffix, String description) {
        this.suffix = suffix;
        this.description = description;
    }

    /**
     * @param pipeline a pipeline name, e.g. {@code flight-delays}
     * @return the export's name, e.g. {@code eddy-flight-delays-stream}
     */
    public String exportName(String pipeline) {
        return "eddy-" + Objects.requireNonNull(pipeline, "pipeline") + "-" + suffix;
    }

    /** @return what the output holds, for the stack's description of it */
    public String description() {
        return description;
    }
}

package dev.eddy.pipeline;

/**
 * What a user implements to describe one pipeline: the single source of truth that the Lambda handler runs,
 * the CDK construct provisions and the local emulator replays.
 *
 * <p>Implementations must have a public no-argument constructor and {@link #define()} must be free of side
 * effects: it is called once per handler instance, by {@code cdk synth} and by {@code ./eddy run}.
 */
@FunctionalInterface
public interface PipelineDefinition {

    /**
     * Builds the pipeline.
     *
     * @return the pipeline, never {@code null}
     */
    Pipeline define();
}

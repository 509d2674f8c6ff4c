package dev.eddy.cdk;

import dev.eddy.handler.EddyHandler;
import dev.eddy.pipeline.PipelineDefinition;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * A stack that holds one pipeline ({@link EddyPipeline}); its outputs are the construct's (stream, table, function,
 * failure queue; {@link dev.eddy.config.StackOutput}).
 *
 * <pre>{@code
 * new EddyPipelineStack(app, "FlightDelays", StackProps.builder().build(),
 *     new FlightDelays(), FlightDelaysHandler.class);
 * }</pre>
 */
public final class EddyPipelineStack extends Stack {

    private final EddyPipeline pipeline;

    /**
     * A stack with {@link EddyPipelineProps#defaults()}.
     *
     * @param scope the app
     * @param id the stack id
     * @param stackProps stack settings (environment, tags, …)
     * @param definition the pipeline definition
     * @param handler the Lambda handler class that runs it
     */
    public EddyPipelineStack(Construct scope, String id, StackProps stackProps, PipelineDefinition definition,
            Class<? extends EddyHandler> handler) {
        this(scope, id, stackProps, definition, handler, EddyPipelineProps.defaults());
    }

    /**
     * @param scope the app
     * @param id the stack id
     * @param stackProps stack settings (environment, tags, …)
     * @param definition the pipeline definition
     * @param handler the Lambda handler class that runs it
     * @param props deployment settings: function jar, memory, timeout, table removal policy
     */
    public EddyPipelineStack(Construct scope, String id, StackProps stackProps, PipelineDefinition definition,
            Class<? extends EddyHandler> handler, EddyPipelineProps props) {
        super(scope, id, stackProps);
        pipeline = new EddyPipeline(this, "Pipeline", definition.define(), handler, props);
    }

    /** @return the pipeline's resources */
    public EddyPipeline getPipeline() {
        return pipeline;
    }
}

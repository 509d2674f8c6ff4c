package dev.eddy.internal;

import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.internal.Plan;
import dev.eddy.pipeline.internal.PlanRegistry;

/** Where Eddy's runtime and its friends get a {@link Pipeline}'s executable {@link Plan}. Internal. */
public final class Plans {

    private Plans() {
    }

    /**
     * @param pipeline a pipeline
     * @return its plan
     */
    public static Plan of(Pipeline pipeline) {
        return PlanRegistry.of(pipeline);
    }
}

package dev.eddy.pipeline.internal;

import dev.eddy.pipeline.Pipeline;
import java.util.Objects;
import java.util.function.Function;

/**
 * Where Eddy's runtime gets the executable {@link Plan} of a {@link Pipeline}, which does not show it in its public
 * API. Internal.
 */
public final class Plans {

    private static volatile Function<Pipeline, Plan> access;

    private Plans() {
    }

    /**
     * Called once, by {@link Pipeline}'s class initialisation.
     *
     * @param reader reads a pipeline's plan
     * @throws IllegalStateException if a reader was given before
     */
    public static synchronized void grant(Function<Pipeline, Plan> reader) {
        if (access != null) {
            throw new IllegalStateException("the plan reader is granted once, by Pipeline");
        }
        access = Objects.requireNonNull(reader, "reader");
    }

    /**
     * @param pipeline a pipeline (its class is initialised, since it exists, so the reader is granted)
     * @return its plan
     */
    public static Plan of(Pipeline pipeline) {
        return access.apply(Objects.requireNonNull(pipeline, "pipeline"));
    }
}

package dev.eddy.pipeline.internal;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;

/**
 * Each pipeline's executable {@link Plan}, which the public {@code Pipeline} does not show: a pipeline registers its
 * plan when it is built, and Eddy's runtime reads it through {@code dev.eddy.internal.Plans}. Keyed by identity, weakly:
 * a pipeline no longer used goes with its plan. Typed as {@code Object} so that this package does not depend on the
 * public one (no package cycle). Internal.
 */
public final class PlanRegistry {

    private static final Map<Object, Plan> PLANS = Collections.synchronizedMap(new WeakHashMap<>());

    private PlanRegistry() {
    }

    /**
     * @param pipeline a pipeline being built
     * @param plan its plan
     * @throws IllegalStateException if the pipeline has a plan already
     */
    public static void register(Object pipeline, Plan plan) {
        Objects.requireNonNull(plan, "plan");
        if (PLANS.putIfAbsent(Objects.requireNonNull(pipeline, "pipeline"), plan) != null) {
            throw new IllegalStateException("a pipeline's plan is registered once, when it is built");
        }
    }

    /**
     * @param pipeline a pipeline
     * @return its plan
     * @throws IllegalArgumentException if it has none: it was not built by {@code Pipeline.named(...)...build()}
     */
    public static Plan of(Object pipeline) {
        Plan plan = PLANS.get(Objects.requireNonNull(pipeline, "pipeline"));
        if (plan == null) {
            throw new IllegalArgumentException("no plan for " + pipeline + ": pipelines are built with"
                    + " Pipeline.named(...)...build()");
        }
        return plan;
    }
}

package dev.eddy.state;

import dev.eddy.config.EddySettings;
import dev.eddy.pipeline.Pipeline;

/**
 * Creates the state backend of a handler. Found with {@link java.util.ServiceLoader}: put exactly one
 * implementation (such as {@code eddy-state-dynamodb}) on the function's classpath.
 */
public interface StateBackendProvider {

    /**
     * @param pipeline the pipeline whose state it holds
     * @param settings the function's settings (environment variables)
     * @return a new backend
     */
    StateBackend create(Pipeline pipeline, EddySettings settings);
}

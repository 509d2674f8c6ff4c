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
     * The failure destination: records that could not be decoded or processed, each with its reason.
     *
     * @param pipeline pipeline name
     * @return its writer
     */
    SinkWriter failures(String pipeline);

    /**
     * The late-data side output: records whose window had already fired.
     *
     * @param pipeline pipeline name
     * @return its writer
     */
    SinkWriter lateData(String pipeline);
}

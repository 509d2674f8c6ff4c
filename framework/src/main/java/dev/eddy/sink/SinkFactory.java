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
}

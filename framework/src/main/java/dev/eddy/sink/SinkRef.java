package dev.eddy.sink;

/**
 * A destination a pipeline names. The CDK construct provisions it, the handler writes to it through a
 * {@link SinkFactory}, and local runs write it to a file.
 */
public sealed interface SinkRef permits Firehose, Sns {

    /** @return the destination's kind, used as a folder name in local runs: {@code firehose} or {@code sns} */
    String kind();

    /** @return the destination's name: delivery stream or topic name */
    String name();
}

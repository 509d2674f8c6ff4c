package dev.eddy.sink;

/**
 * A destination a pipeline names. The CDK construct provisions it, the handler writes to it through a
 * {@link SinkFactory}, and local runs write it to a file.
 *
 * <p>Every kind is at least once: a retried batch may deliver a result again, always with the same deterministic
 * id (see {@code docs/sinks.md}).
 */
public sealed interface SinkRef permits Firehose, Sns, Kinesis, Sqs {

    /**
     * @return the destination's kind, used as a folder name in local runs: {@code firehose}, {@code sns},
     *     {@code kinesis} or {@code sqs}
     */
    String kind();

    /** @return the destination's name: delivery stream, topic, stream or queue name */
    String name();

    /** @return {@code kind:name}, how messages and logs name the destination */
    default String describe() {
        return kind() + ":" + name();
    }
}

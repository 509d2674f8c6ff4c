package dev.eddy.pipeline;

import dev.eddy.codec.Decoder;
import java.util.Objects;

/**
 * A Kinesis data stream read through Lambda's event source mapping, and the decoder that turns a record's
 * data into a value.
 *
 * <p>Immutable; every {@code with…} method returns a copy. The settings here are read by the handler, the
 * CDK construct and the local emulator alike.
 *
 * @param <T> the decoded value type
 */
public final class KinesisSource<T> {

    /** AWS's default batch size for a Kinesis event source mapping, in records. */
    public static final int DEFAULT_BATCH_SIZE = 100;
    /** Largest batch size a Kinesis event source mapping accepts, in records (AWS Lambda API reference). */
    public static final int MAX_BATCH_SIZE = 10_000;
    /** Shards of a stream created by Eddy when the definition names no count. */
    public static final int DEFAULT_SHARDS = 4;

    private final String streamName;
    private final Decoder<T> decoder;
    private final int shards;
    private final int batchSize;

    private KinesisSource(String streamName, Decoder<T> decoder, int shards, int batchSize) {
        this.streamName = streamName;
        this.decoder = decoder;
        this.shards = shards;
        this.batchSize = batchSize;
    }

    /**
     * Names the stream. Its records are raw bytes until {@link #decode(Decoder)} says how to read them.
     *
     * @param streamName Kinesis stream name: 1–128 characters of {@code [a-zA-Z0-9_.-]} (Kinesis API rule)
     * @return a source of raw record data
     * @throws IllegalArgumentException if the name breaks the Kinesis naming rule
     */
    public static KinesisSource<byte[]> stream(String streamName) {
        Objects.requireNonNull(streamName, "streamName");
        if (!streamName.matches("[a-zA-Z0-9_.-]{1,128}")) {
            throw new IllegalArgumentException("Kinesis stream name '" + streamName
                    + "' must be 1-128 characters of letters, digits, '_', '.' or '-'");
        }
        return new KinesisSource<>(streamName, data -> data, DEFAULT_SHARDS, DEFAULT_BATCH_SIZE);
    }

    /**
     * Sets how each record's data is decoded. A record the decoder rejects goes to the failure destination
     * with the decoder's message; it never stops the shard.
     *
     * @param decoder the decoder, e.g. {@link dev.eddy.codec.Json#of(Class)}
     * @param <R> the decoded type
     * @return a copy that decodes with {@code decoder}
     */
    public <R> KinesisSource<R> decode(Decoder<R> decoder) {
        return new KinesisSource<>(streamName, Objects.requireNonNull(decoder, "decoder"), shards, batchSize);
    }

    /**
     * Sets the shard count of a stream that Eddy creates (CDK stack, local emulator).
     *
     * @param shards 1–500
     * @return a copy with that count
     * @throws IllegalArgumentException outside 1–500
     */
    public KinesisSource<T> withShards(int shards) {
        if (shards < 1 || shards > 500) {
            throw new IllegalArgumentException("shards must be 1-500, was " + shards);
        }
        return new KinesisSource<>(streamName, decoder, shards, batchSize);
    }

    /**
     * Sets the event source mapping's batch size: the most records one invocation receives.
     *
     * @param batchSize 1–10,000 records (AWS limit); AWS's default is 100
     * @return a copy with that batch size
     * @throws IllegalArgumentException outside 1–10,000
     */
    public KinesisSource<T> withBatchSize(int batchSize) {
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("batch size must be 1-" + MAX_BATCH_SIZE + ", was " + batchSize);
        }
        return new KinesisSource<>(streamName, decoder, shards, batchSize);
    }

    /** @return the stream name */
    public String streamName() {
        return streamName;
    }

    /** @return the decoder of record data */
    public Decoder<T> decoder() {
        return decoder;
    }

    /** @return the shard count of a stream Eddy creates */
    public int shards() {
        return shards;
    }

    /** @return the event source mapping batch size, in records */
    public int batchSize() {
        return batchSize;
    }
}

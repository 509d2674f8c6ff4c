package dev.eddy.codec;

/**
 * Turns a Kinesis record's data into a value.
 *
 * @param <T> the decoded type
 */
@FunctionalInterface
public interface Decoder<T> {

    /**
     * Decodes one record.
     *
     * @param data the record's data, as the producer put it (at most 1 MiB in Kinesis)
     * @return the value, never {@code null}
     * @throws DecodeException if the data is not a valid value; the record then goes to the failure
     *     destination with this message
     */
    T decode(byte[] data);
}

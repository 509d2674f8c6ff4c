package dev.eddy.sink;

import java.util.Objects;

/**
 * A Kinesis data stream as a sink: how one pipeline feeds another, for instance to re-key its results (the
 * repartition path of DESIGN §2: a key must follow its partition key). Each result is one record whose data is the
 * result's JSON and whose partition key is the result's key.
 *
 * @param name stream name: 1–128 characters of {@code [a-zA-Z0-9_.-]} (Kinesis API rule)
 */
public record Kinesis(String name) implements SinkRef {

    /**
     * @throws IllegalArgumentException if the name breaks the Kinesis naming rule
     */
    public Kinesis {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-zA-Z0-9_.-]{1,128}")) {
            throw new IllegalArgumentException("Kinesis stream name '" + name
                    + "' must be 1-128 characters of letters, digits, '_', '.' or '-'");
        }
    }

    /**
     * @param name stream name
     * @return the sink
     */
    public static Kinesis stream(String name) {
        return new Kinesis(name);
    }

    @Override
    public String kind() {
        return "kinesis";
    }
}

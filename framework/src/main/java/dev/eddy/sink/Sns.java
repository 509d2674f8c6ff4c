package dev.eddy.sink;

import java.util.Objects;

/**
 * An Amazon SNS topic. Each result is one message whose body is the result's JSON.
 *
 * @param name topic name: 1–256 characters of {@code [a-zA-Z0-9_-]} (SNS API rule; a FIFO topic's name ends
 *     in {@code .fifo})
 */
public record Sns(String name) implements SinkRef {

    /**
     * @throws IllegalArgumentException if the name breaks the SNS naming rule
     */
    public Sns {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-zA-Z0-9_-]{1,251}(\\.fifo)?") || name.length() > 256) {
            throw new IllegalArgumentException("SNS topic name '" + name
                    + "' must be 1-256 characters of letters, digits, '_' or '-' (FIFO topics end in .fifo)");
        }
    }

    /**
     * @param name topic name
     * @return the sink
     */
    public static Sns topic(String name) {
        return new Sns(name);
    }

    @Override
    public String kind() {
        return "sns";
    }
}

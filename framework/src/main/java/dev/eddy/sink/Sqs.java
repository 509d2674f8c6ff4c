package dev.eddy.sink;

import java.util.Objects;

/**
 * An Amazon SQS queue: the default kind of failure destination ({@code Pipeline.Builder#failureDestination}), and
 * usable as a result sink too. Each record is one message whose body is its JSON. A FIFO queue (name ending in
 * {@code .fifo}) gets the result's key as message group id and its deterministic id as deduplication id.
 *
 * @param name queue name: 1–80 characters of {@code [a-zA-Z0-9_-]}, a FIFO queue's ending in {@code .fifo} (SQS API
 *     rule)
 */
public record Sqs(String name) implements SinkRef {

    /**
     * @throws IllegalArgumentException if the name breaks the SQS naming rule
     */
    public Sqs {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-zA-Z0-9_-]{1,75}(\\.fifo)?|[a-zA-Z0-9_-]{76,80}")) {
            throw new IllegalArgumentException("SQS queue name '" + name
                    + "' must be 1-80 characters of letters, digits, '_' or '-' (FIFO queues end in .fifo)");
        }
    }

    /**
     * @param name queue name
     * @return the sink
     */
    public static Sqs queue(String name) {
        return new Sqs(name);
    }

    /** @return whether this is a FIFO queue (its name ends in {@code .fifo}) */
    public boolean fifo() {
        return name.endsWith(".fifo");
    }

    @Override
    public String kind() {
        return "sqs";
    }
}

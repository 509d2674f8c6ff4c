package dev.eddy.sink;

import java.util.Objects;

/**
 * An Amazon Data Firehose delivery stream. Each result is one newline-delimited JSON record; consumers
 * deduplicate by the result's deterministic {@code id} (delivery is at least once).
 *
 * @param name delivery stream name: 1–64 characters of {@code [a-zA-Z0-9_.-]} (Firehose API rule)
 */
public record Firehose(String name) implements SinkRef {

    /**
     * @throws IllegalArgumentException if the name breaks the Firehose naming rule
     */
    public Firehose {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-zA-Z0-9_.-]{1,64}")) {
            throw new IllegalArgumentException("Firehose delivery stream name '" + name
                    + "' must be 1-64 characters of letters, digits, '_', '.' or '-'");
        }
    }

    /**
     * @param name delivery stream name
     * @return the sink
     */
    public static Firehose deliveryStream(String name) {
        return new Firehose(name);
    }

    @Override
    public String kind() {
        return "firehose";
    }
}

package dev.eddy.sink;

import java.util.Objects;

/**
 * An Amazon Data Firehose delivery stream. Each result is one record: its JSON followed by a newline, so the
 * objects Firehose writes (to S3, for instance) are newline-delimited JSON. Consumers deduplicate by the result's
 * deterministic {@code id}: delivery is at least once.
 *
 * @param name delivery stream name: 1–64 characters of {@code [a-zA-Z0-9_.-]} (Firehose API rule)
 * @param newlineDelimited whether each record ends in a newline (the default); without, records are the bare JSON,
 *     for a delivery stream that adds its own delimiter
 */
public record Firehose(String name, boolean newlineDelimited) implements SinkRef {

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
     * @return the sink, newline-delimited
     */
    public static Firehose deliveryStream(String name) {
        return new Firehose(name, true);
    }

    /**
     * @return a copy of this sink whose records are the bare JSON, without the trailing newline (for a delivery
     *     stream with a processor that adds its own delimiter)
     */
    public Firehose withoutNewlines() {
        return new Firehose(name, false);
    }

    @Override
    public String kind() {
        return "firehose";
    }
}

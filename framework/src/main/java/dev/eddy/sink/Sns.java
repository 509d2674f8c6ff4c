package dev.eddy.sink;

import java.util.List;
import java.util.Objects;

/**
 * An Amazon SNS topic. Each result is one message whose body is the result's JSON, with message attributes for
 * subscription filter policies: {@code id}, {@code pipeline}, {@code key}, and for window results
 * {@code windowStart}, {@code windowEnd} (ISO-8601 instants) and {@code firing} (Number: 0 for the on-time firing,
 * 1, 2, … for late firings), plus the top-level fields of the result named with {@link #withAttributes}.
 *
 * <p>A FIFO topic (name ending in {@code .fifo}) gets the result's key as {@code MessageGroupId} (its SHA-256 in
 * hex if the key is longer than 128 characters or holds characters SNS does not allow) and the result's
 * deterministic id as {@code MessageDeduplicationId}: SNS drops a repeat published within its 5-minute deduplication
 * interval.
 *
 * @param name topic name: 1–256 characters of {@code [a-zA-Z0-9_-]}, a FIFO topic's ending in {@code .fifo} (SNS
 *     API rule)
 * @param attributeFields top-level fields of each result sent as message attributes as well (String for text,
 *     Number for numbers; booleans as String); at most {@value #MAX_EXTRA_ATTRIBUTES}
 */
public record Sns(String name, List<String> attributeFields) implements SinkRef {

    /**
     * Fields of a result that can become message attributes besides Eddy's six: SNS takes at most 10 attributes a
     * message (Amazon SNS Developer Guide, "Amazon SNS message attributes").
     */
    public static final int MAX_EXTRA_ATTRIBUTES = 4;

    /**
     * @throws IllegalArgumentException if the name breaks the SNS naming rule, or an attribute field is not a valid
     *     attribute name, repeats, is one of Eddy's own, or there are more than {@value #MAX_EXTRA_ATTRIBUTES}
     */
    public Sns {
        Objects.requireNonNull(name, "name");
        if (!name.matches("[a-zA-Z0-9_-]{1,251}(\\.fifo)?|[a-zA-Z0-9_-]{252,256}")) {
            throw new IllegalArgumentException("SNS topic name '" + name
                    + "' must be 1-256 characters of letters, digits, '_' or '-' (FIFO topics end in .fifo)");
        }
        attributeFields = List.copyOf(attributeFields);
        if (attributeFields.size() > MAX_EXTRA_ATTRIBUTES) {
            throw new IllegalArgumentException("SNS topic '" + name + "': at most " + MAX_EXTRA_ATTRIBUTES
                    + " result fields can become message attributes (SNS allows 10, Eddy sets 6), got "
                    + attributeFields);
        }
        for (String field : attributeFields) {
            if (!field.matches("[a-zA-Z0-9_-][a-zA-Z0-9_.-]{0,255}") || field.endsWith(".")
                    || field.contains("..") || field.toLowerCase(java.util.Locale.ROOT).startsWith("aws.")
                    || field.toLowerCase(java.util.Locale.ROOT).startsWith("amazon.")
                    || SinkRecord.ATTRIBUTES.contains(field)) {
                throw new IllegalArgumentException("SNS topic '" + name + "': '" + field + "' cannot be a message"
                        + " attribute name: use up to 256 letters, digits, '_', '-' or '.', not starting with"
                        + " 'AWS.' or 'Amazon.', and none of Eddy's own " + SinkRecord.ATTRIBUTES);
            }
        }
        if (attributeFields.stream().distinct().count() != attributeFields.size()) {
            throw new IllegalArgumentException("SNS topic '" + name + "': attribute fields repeat: "
                    + attributeFields);
        }
    }

    /**
     * @param name topic name
     * @return the sink, with Eddy's message attributes only
     */
    public static Sns topic(String name) {
        return new Sns(name, List.of());
    }

    /**
     * Sends top-level fields of each result as message attributes too, for subscription filter policies (for
     * example an alert's {@code severity}). A result without the field, or with a null, object or array value, gets
     * no such attribute.
     *
     * @param fields field names, at most {@value #MAX_EXTRA_ATTRIBUTES}
     * @return a copy of this sink with those attribute fields
     * @throws IllegalArgumentException as the constructor
     */
    public Sns withAttributes(String... fields) {
        return new Sns(name, List.of(fields));
    }

    /** @return whether this is a FIFO topic (its name ends in {@code .fifo}) */
    public boolean fifo() {
        return name.endsWith(".fifo");
    }

    @Override
    public String kind() {
        return "sns";
    }
}

package dev.eddy.sink.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.sink.SinkRecord;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * What SNS and SQS messages share: message attributes, their size, and the FIFO ids. Internal.
 *
 * <p>Size rule (Amazon SNS and Amazon SQS developer guides, message attributes): a message's size is its body
 * plus, for each attribute, the UTF-8 bytes of its name, data type and value; at most 262,144 bytes (256 KiB) a
 * message and, for a batch, in all.
 */
final class Messages {

    /** 256 KiB: the SNS message limit, and that of a {@code PublishBatch} or {@code SendMessageBatch} call. */
    static final long MAX_BYTES = 262_144;
    /** Entries of a {@code PublishBatch} or {@code SendMessageBatch} call. */
    static final int MAX_ENTRIES = 10;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Messages() {
    }

    /**
     * One message attribute.
     *
     * @param name attribute name
     * @param dataType {@code String} or {@code Number}
     * @param value its value as text
     */
    record Attribute(String name, String dataType, String value) {
        long bytes() {
            return utf8(name) + utf8(dataType) + utf8(value);
        }
    }

    /**
     * @param record a record
     * @param fields top-level fields of its JSON payload to add as attributes
     * @return its attributes, then those fields' (text as String, numbers as Number, booleans as String; absent,
     *     null, object or array fields are skipped)
     */
    static List<Attribute> attributes(SinkRecord record, List<String> fields) {
        List<Attribute> attributes = new ArrayList<>(record.attributes().size() + fields.size());
        for (Map.Entry<String, Object> entry : record.attributes().entrySet()) {
            attributes.add(new Attribute(entry.getKey(), entry.getValue() instanceof Number ? "Number" : "String",
                    entry.getValue().toString()));
        }
        if (!fields.isEmpty()) {
            JsonNode body;
            try {
                body = JSON.readTree(record.payload());
            } catch (IOException e) {
                return attributes;
            }
            for (String field : fields) {
                JsonNode value = body.get(field);
                if (value != null && value.isNumber()) {
                    attributes.add(new Attribute(field, "Number", value.asText()));
                } else if (value != null && value.isValueNode() && !value.isNull()) {
                    attributes.add(new Attribute(field, "String", value.asText()));
                }
            }
        }
        return attributes;
    }

    /**
     * @param record a record whose payload is a JSON object
     * @param field a top-level field
     * @return the field's value as text, or {@code null} if absent, null, an object or an array (or the payload is
     *     not JSON)
     */
    static String field(SinkRecord record, String field) {
        try {
            JsonNode value = JSON.readTree(record.payload()).get(field);
            return value != null && value.isValueNode() && !value.isNull() ? value.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * @param record a record
     * @param attributes its attributes
     * @return the message's size as SNS and SQS count it, bytes
     */
    static long size(SinkRecord record, List<Attribute> attributes) {
        long size = record.payload().length;
        for (Attribute attribute : attributes) {
            size += attribute.bytes();
        }
        return size;
    }

    /**
     * A FIFO message group id or deduplication id: up to 128 characters of letters, digits and punctuation
     * ({@code !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~}); anything else is replaced by its SHA-256 in hex, so that equal
     * inputs still give equal ids.
     *
     * @param value a key or a record id
     * @return the value itself if SNS and SQS take it, else its SHA-256 in hex (64 characters)
     */
    static String fifoId(String value) {
        if (!value.isEmpty() && value.length() <= 128 && value.matches("[\\p{Alnum}\\p{Punct}]+")) {
            return value;
        }
        return sha256(value);
    }

    static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    static long utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }
}

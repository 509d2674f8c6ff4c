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
 * message and, for a batch, in all. Text is sent as it is where the services take it; a key or field with characters
 * they refuse goes as a {@code Binary} attribute of its UTF-8 bytes, and a body's such characters as JSON escapes,
 * so no result is refused for its key.
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
     * @param dataType {@code String}, {@code Number}, or {@code Binary} for text that a {@code String} attribute
     *     cannot carry (see {@link #allowed}): its UTF-8 bytes then go as the binary value, unchanged
     * @param value its value as text
     */
    record Attribute(String name, String dataType, String value) {
        long bytes() {
            return utf8(name) + utf8(dataType) + utf8(value);
        }

        /** @return the attribute as SNS and SQS take it (both SDKs' builders have these two setters) */
        boolean binary() {
            return dataType.equals("Binary");
        }
    }

    /**
     * @param text some text
     * @return whether SNS and SQS take it in a message body or a {@code String} attribute: only the characters
     *     {@code #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF} (Amazon SQS Developer Guide,
     *     "SendMessage"; the same set for SNS message attributes)
     */
    static boolean allowed(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c <= 0xD7FF || c >= 0xE000 && c <= 0xFFFD || c == 0x9 || c == 0xA || c == 0xD) {
                continue;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
                continue;
            }
            return false;
        }
        return true;
    }

    /**
     * @param record a record whose payload is JSON
     * @return its payload as a message body: characters SNS and SQS refuse ({@link #allowed}), which JSON can only
     *     hold inside strings, written as JSON escapes (a backslash, u and four hex digits), so the body is the same JSON value
     */
    static String body(SinkRecord record) {
        String text = record.payloadText();
        if (allowed(text)) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else if (allowed(String.valueOf(c))) {
                out.append(c);
            } else {
                out.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
            }
        }
        return out.toString();
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
            String value = entry.getValue().toString();
            attributes.add(new Attribute(entry.getKey(), entry.getValue() instanceof Number ? "Number"
                    : allowed(value) ? "String" : "Binary", value));
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
                    attributes.add(new Attribute(field, allowed(value.asText()) ? "String" : "Binary",
                            value.asText()));
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

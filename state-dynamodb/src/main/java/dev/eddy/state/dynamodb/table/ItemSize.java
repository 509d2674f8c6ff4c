package dev.eddy.state.dynamodb.table;

import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The size of an item as DynamoDB counts it for its 400 KB item limit and for capacity units (DynamoDB Developer
 * Guide, "DynamoDB item sizes and formats"): the sum over its attributes of the UTF-8 bytes of the attribute's
 * name plus the size of its value, where
 *
 * <ul>
 * <li>a string is its UTF-8 bytes;
 * <li>a number is 1 byte per two significant digits, rounded up, plus 1 (leading and trailing zeros, the sign,
 *     the decimal point and an exponent do not count as digits; the guide calls this an approximation);
 * <li>a binary is its raw bytes (not its base64 text);
 * <li>a boolean or a null is 1 byte;
 * <li>a list or a map is 3 bytes, plus for each element 1 byte and the element's size (a map element's size
 *     includes the UTF-8 bytes of its name);
 * <li>a set is the sum of its elements' sizes.
 * </ul>
 *
 * <p>A write consumes one write capacity unit per started KB (1,024 bytes) of the item; a conditional write whose
 * condition fails is billed the same, although DynamoDB reports no consumed capacity for it.
 */
public final class ItemSize {

    /** Bytes per write capacity unit. */
    public static final int WRITE_UNIT_BYTES = 1024;

    private ItemSize() {
    }

    /**
     * @param item an item, as sent to or received from DynamoDB
     * @return its size in bytes
     */
    public static long of(Map<String, AttributeValue> item) {
        long bytes = 0;
        for (Map.Entry<String, AttributeValue> attribute : item.entrySet()) {
            bytes += Hashes.utf8Length(attribute.getKey()) + of(attribute.getValue());
        }
        return bytes;
    }

    /**
     * @param value one attribute value
     * @return its size in bytes, without the name of the attribute that holds it
     * @throws IllegalArgumentException if it has no type (an empty {@code AttributeValue})
     */
    public static long of(AttributeValue value) {
        return switch (value.type()) {
            case S -> Hashes.utf8Length(value.s());
            case N -> number(value.n());
            case B -> value.b().asByteArrayUnsafe().length;
            case BOOL, NUL -> 1;
            case SS -> value.ss().stream().mapToLong(Hashes::utf8Length).sum();
            case NS -> value.ns().stream().mapToLong(ItemSize::number).sum();
            case BS -> value.bs().stream().mapToLong(b -> b.asByteArrayUnsafe().length).sum();
            case L -> 3 + value.l().stream().mapToLong(element -> 1 + of(element)).sum();
            case M -> 3 + value.m().entrySet().stream()
                    .mapToLong(e -> 1 + Hashes.utf8Length(e.getKey()) + of(e.getValue())).sum();
            case UNKNOWN_TO_SDK_VERSION -> throw new IllegalArgumentException("attribute value " + value
                    + " has no type DynamoDB stores: set one of S, N, B, BOOL, NUL, SS, NS, BS, L or M");
        };
    }

    /**
     * @param item an item
     * @return the write capacity units a write of it consumes: its size in started KB, at least 1
     */
    public static long writeUnits(Map<String, AttributeValue> item) {
        return Math.max(1, (of(item) + WRITE_UNIT_BYTES - 1) / WRITE_UNIT_BYTES);
    }

    /**
     * @param number a DynamoDB number, e.g. {@code -12.50E3}
     * @return 1 byte per two significant digits, rounded up, plus 1
     */
    static long number(String number) {
        int end = number.length();
        int exponent = Math.max(number.indexOf('e'), number.indexOf('E'));
        if (exponent >= 0) {
            end = exponent;
        }
        String digits = number.substring(0, end).replace("-", "").replace("+", "").replace(".", "");
        int first = 0;
        while (first < digits.length() && digits.charAt(first) == '0') {
            first++;
        }
        int last = digits.length();
        while (last > first && digits.charAt(last - 1) == '0') {
            last--;
        }
        int significant = last - first;
        return (significant + 1) / 2 + 1;
    }
}

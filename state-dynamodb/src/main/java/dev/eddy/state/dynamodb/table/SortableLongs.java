package dev.eddy.state.dynamodb.table;

/**
 * Longs (timestamps in ms, negative ones included) as fixed-width strings whose string order is numeric order:
 * the sign bit is flipped and the result printed unsigned, zero-padded to 20 digits.
 */
public final class SortableLongs {

    private SortableLongs() {
    }

    /**
     * @param value any long
     * @return 20 digits that sort as {@code value} does
     */
    public static String encode(long value) {
        String digits = Long.toUnsignedString(value ^ Long.MIN_VALUE);
        return "0".repeat(20 - digits.length()) + digits;
    }

    /**
     * @param text output of {@link #encode(long)}
     * @return the long
     */
    public static long decode(String text) {
        return Long.parseUnsignedLong(text) ^ Long.MIN_VALUE;
    }
}

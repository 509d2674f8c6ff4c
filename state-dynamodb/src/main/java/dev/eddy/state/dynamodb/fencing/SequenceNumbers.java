package dev.eddy.state.dynamodb.fencing;

import java.math.BigInteger;

/**
 * Kinesis sequence numbers as short DynamoDB strings that sort numerically.
 *
 * <p>A sequence number is a decimal string of up to 129 digits (Kinesis API: pattern {@code 0|([1-9]\d{0,128})}),
 * more than a DynamoDB Number holds (38 digits). Stored as its digit count in three digits followed by the
 * digits ({@code "056" + "4959…"}), string order is numeric order, as with zero-padding to 129 characters, at
 * less than half the size: sequence numbers are in every state item (fencing, firing tags), and DynamoDB bills
 * writes per started kilobyte.
 */
public final class SequenceNumbers {

    /** Most digits of a Kinesis sequence number. */
    public static final int MAX_DIGITS = 129;

    private SequenceNumbers() {
    }

    /**
     * @param sequenceNumber a non-negative sequence number of at most 129 digits
     * @return its stored form: three digits of length, then the digits (4 to 132 characters)
     * @throws IllegalArgumentException if it is negative or longer than 129 digits
     */
    public static String encode(BigInteger sequenceNumber) {
        String digits = sequenceNumber.toString();
        if (sequenceNumber.signum() < 0 || digits.length() > MAX_DIGITS) {
            throw new IllegalArgumentException("not a Kinesis sequence number: " + digits);
        }
        return String.format("%03d", digits.length()) + digits;
    }

    /**
     * @param stored a sequence number as {@link #encode} stores it
     * @return its value
     * @throws IllegalArgumentException if it is not in that form
     */
    public static BigInteger parse(String stored) {
        if (stored.length() < 4 || Integer.parseInt(stored.substring(0, 3)) != stored.length() - 3) {
            throw new IllegalArgumentException("not a stored sequence number: " + stored);
        }
        return new BigInteger(stored.substring(3));
    }
}

package dev.eddy.state.dynamodb.fencing;

import java.math.BigInteger;

/**
 * Kinesis sequence numbers as DynamoDB strings that sort numerically.
 *
 * <p>A sequence number is a decimal string of up to 129 digits (Kinesis API: pattern {@code 0|([1-9]\d{0,128})}),
 * more than a DynamoDB Number holds (38 digits). Zero-padded to 129 characters, string order is numeric order,
 * so condition expressions may compare them.
 */
public final class SequenceNumbers {

    /** Width of a stored sequence number, in characters. */
    public static final int WIDTH = 129;

    private SequenceNumbers() {
    }

    /**
     * @param sequenceNumber a non-negative sequence number of at most 129 digits
     * @return it, zero-padded to {@value #WIDTH} characters
     * @throws IllegalArgumentException if it is negative or longer than 129 digits
     */
    public static String pad(BigInteger sequenceNumber) {
        String digits = sequenceNumber.toString();
        if (sequenceNumber.signum() < 0 || digits.length() > WIDTH) {
            throw new IllegalArgumentException("not a Kinesis sequence number: " + digits);
        }
        return "0".repeat(WIDTH - digits.length()) + digits;
    }

    /**
     * @param padded a stored sequence number
     * @return its value
     */
    public static BigInteger parse(String padded) {
        return new BigInteger(padded);
    }
}

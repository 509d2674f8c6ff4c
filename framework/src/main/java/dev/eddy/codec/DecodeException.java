package dev.eddy.codec;

/** Thrown by a {@link Decoder} for data it cannot read; the message says what was wrong and where. */
public class DecodeException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what is wrong with the data
     * @param cause the parser's error, or {@code null}
     */
    public DecodeException(String message, Throwable cause) {
        super(message, cause);
    }
}

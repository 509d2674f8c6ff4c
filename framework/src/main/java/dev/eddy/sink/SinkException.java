package dev.eddy.sink;

/** A sink could not deliver records; the handler reports the batch's records as batch item failures. */
public class SinkException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message which destination failed and why
     * @param cause the underlying error, or {@code null}
     */
    public SinkException(String message, Throwable cause) {
        super(message, cause);
    }
}

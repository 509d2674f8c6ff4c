package dev.eddy.sink;

/**
 * A {@link SideEffect} of {@link dev.eddy.pipeline.ResultStream#forEachOnce} threw. The calls of the batch that succeeded before it are
 * marked done; the batch fails from its first uncommitted record and the event source mapping retries it, calling
 * this idempotency key again.
 */
public class SideEffectException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message which side effect and key failed, and what happens next
     * @param cause what the side effect threw
     */
    public SideEffectException(String message, Throwable cause) {
        super(message, cause);
    }
}

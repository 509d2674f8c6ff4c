package dev.eddy.state;

/**
 * Another invocation changed the same state concurrently (a duplicate or zombie invocation). The handler
 * fails the batch; the event source mapping retries it, and fencing makes the retry exact.
 */
public class StateConflictException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message what conflicted */
    public StateConflictException(String message) {
        super(message);
    }
}

package dev.eddy.emulator.input;

/** An input file cannot be used; the message is one line that says why. */
public class InputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param message why */
    public InputException(String message) {
        super(message);
    }
}

package dev.eddy.emulator.console;

/**
 * Bad arguments or unusable input: {@code ./eddy} prints the message as {@code eddy: error: <message>} and exits
 * with code 2 ({@code EddyCli.EXIT_USAGE}). The message names the value, the rule it breaks and what to do instead.
 */
public final class UsageError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message the value, the rule and the fix, e.g. {@code "--shards must be 1-500, was 0"}
     */
    public UsageError(String message) {
        super(message);
    }
}

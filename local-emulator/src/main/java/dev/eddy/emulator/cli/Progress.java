package dev.eddy.emulator.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Progress lines on standard error ({@code [eddy] …}), and a line every 2 s while a long operation runs; silent
 * when {@code --quiet}. Standard output stays for results.
 */
final class Progress implements AutoCloseable {

    /** How often {@link #every} reports. */
    static final long INTERVAL_MS = 2_000;

    private final PrintStream stderr;
    private final boolean quiet;
    private Thread reporter;

    /**
     * @param stderr where the lines go
     * @param quiet {@code true} to print nothing
     */
    Progress(PrintStream stderr, boolean quiet) {
        this.stderr = stderr;
        this.quiet = quiet;
    }

    /** Prints one line. */
    void say(String format, Object... args) {
        if (!quiet) {
            stderr.println("[eddy] " + String.format(Locale.ROOT, format, args));
        }
    }

    /**
     * Prints the supplied line every {@link #INTERVAL_MS} until {@link #close()}.
     *
     * @param line the current state, as a line
     * @return this
     */
    Progress every(Supplier<String> line) {
        if (quiet) {
            return this;
        }
        reporter = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(INTERVAL_MS);
                    stderr.println("[eddy] " + line.get());
                }
            } catch (InterruptedException done) {
                // the operation finished
            }
        }, "progress");
        reporter.setDaemon(true);
        reporter.start();
        return this;
    }

    /** Stops the periodic line. */
    @Override
    public void close() {
        if (reporter != null) {
            reporter.interrupt();
            try {
                reporter.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

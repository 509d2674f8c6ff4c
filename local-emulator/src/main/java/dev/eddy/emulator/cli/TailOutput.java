package dev.eddy.emulator.cli;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where {@code ./eddy tail} prints: standard output, one JSON line per record, counted against {@code --limit}.
 * Once standard output cannot be written (piped into {@code head}, which has exited), the limit counts as reached.
 * Safe to read from a shutdown hook while the reading thread prints.
 */
final class TailOutput {

    private final PrintStream stdout;
    private final Long limit;
    private final AtomicLong printed = new AtomicLong();
    /** Standard output can no longer be written. */
    private volatile boolean closed;

    /**
     * @param stdout standard output
     * @param limit most lines to print, or {@code null} for no limit
     */
    TailOutput(PrintStream stdout, Long limit) {
        this.stdout = stdout;
        this.limit = limit;
    }

    /** @return whether to stop: {@code --limit} lines printed, or standard output closed */
    boolean limitReached() {
        return closed || limit != null && printed.get() >= limit;
    }

    /**
     * @param max most records one request can bring
     * @return how many more lines the limit leaves, at most {@code max}
     */
    int room(int max) {
        return (int) Math.min(max, limit == null ? max : limit - printed.get());
    }

    /** Prints a line and counts it. */
    void print(String line) {
        stdout.println(line);
        printed.incrementAndGet();
    }

    /** Notes whether standard output has failed (its reader went away), after a run of {@link #print}s. */
    void checkClosed() {
        closed |= stdout.checkError();
    }

    /** @return lines printed so far */
    long printed() {
        return printed.get();
    }

    void flush() {
        stdout.flush();
    }
}

package dev.eddy.emulator.embedded;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/** How the emulators started as child processes are stopped. */
final class ChildProcesses {

    private ChildProcesses() {
    }

    /**
     * Stops a child process: closes its stdin (the launchers exit when it closes), then terminates it, then kills
     * it if it is still there after 5 s.
     *
     * @param process the child
     */
    static void stop(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // already closed
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

package dev.eddy.emulator.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * kinesalite (npm), a Kinesis emulator on LevelDB, in memory, as a Node.js child process bound to 127.0.0.1 on a
 * free port. Streams become ACTIVE at once. SDK v2 clients must talk JSON to it, not CBOR: set the JVM system
 * property {@code aws.cborEnabled=false} before creating them ({@link #disableCbor()}).
 */
public final class Kinesalite implements KinesisEmulator {

    private static final String LAUNCHER = String.join("\n",
            "const kinesalite = require(process.argv[1]);",
            "const server = kinesalite({createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 500});",
            "server.listen(Number(process.argv[2]), '127.0.0.1', () => console.log('kinesalite ready'));",
            "process.stdin.on('end', () => process.exit(0));",
            "process.stdin.resume();");

    private final Process process;
    private final URI endpoint;

    private Kinesalite(Process process, int port) {
        this.process = process;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
    }

    /** Makes SDK v2 clients created afterwards speak JSON instead of CBOR, which kinesalite does not parse. */
    public static void disableCbor() {
        System.setProperty("aws.cborEnabled", "false");
    }

    /**
     * Starts kinesalite from the project's {@code node_modules}; the process ends with this JVM (its stdin closes).
     *
     * @return the running emulator
     * @throws IllegalStateException if Node.js or the package is missing, or it does not start within 30 s
     */
    public static Kinesalite start() {
        Path pkg = NodeModules.find("kinesalite");
        int port = FreePorts.next();
        Process process;
        try {
            process = new ProcessBuilder("node", "-e", LAUNCHER, pkg.toString(), Integer.toString(port))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run `node` (Node.js 18 or later is needed for kinesalite): "
                    + e.getMessage(), e);
        }
        CompletableFuture<String> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            StringBuilder seen = new StringBuilder();
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.contains("kinesalite ready")) {
                        ready.complete(line);
                    } else if (!ready.isDone()) {
                        seen.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            ready.completeExceptionally(new IllegalStateException("kinesalite exited: " + seen));
        }, "kinesalite-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw new IllegalStateException("kinesalite did not start on port " + port + ": "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.toString()), e);
        }
        return new Kinesalite(process, port);
    }

    /** @return the HTTP endpoint, e.g. {@code http://127.0.0.1:41235} */
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}

package dev.eddy.emulator.embedded;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * moto's server as one local AWS endpoint that outlives the command that starts it, used as LocalStack is used:
 * {@code eddy deploy --local} deploys a stack to it with the real {@code cdk} CLI, then {@code eddy run --endpoint}
 * runs the pipeline against what was deployed, and {@code eddy deploy --stop-local} stops it. It listens on
 * 127.0.0.1 and is addressed as {@code http://localhost:<port>}: moto's CloudFormation reads a template that the CDK
 * CLI published to its S3 only when the template URL's host says {@code localhost} (with {@code 127.0.0.1} it takes
 * the first label of the host for a bucket name and answers NoSuchBucket). Its process id and output are kept in
 * {@code ~/.eddy/moto/<port>.pid} and {@code .log} ({@code EDDY_HOME} names another folder than {@code ~/.eddy}).
 * Every resource belongs to {@link MotoServer#ACCOUNT_ID}; data lives in memory until it stops.
 */
public final class LocalAwsEndpoint {

    /** The default port: LocalStack's, so that the commands read the same for both. */
    public static final int DEFAULT_PORT = 4566;

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LocalAwsEndpoint() {
    }

    /**
     * @param port a port
     * @return {@code http://localhost:<port>}
     */
    public static URI uri(int port) {
        return URI.create("http://localhost:" + port);
    }

    /**
     * @param port a port
     * @return whether a moto server answers there
     */
    public static boolean isMoto(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/moto-api/"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode() == 200;
        } catch (IOException notListening) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Starts moto's server on a port unless one already answers there.
     *
     * @param port the port
     * @return whether it was started now ({@code false}: it was running)
     * @throws IllegalStateException if the port is taken by something else, or the server does not answer within
     *     60 s (the message has its output)
     */
    public static boolean startOrReuse(int port) {
        if (isMoto(port)) {
            return false;
        }
        if (FreePorts.isTaken(port)) {
            throw new IllegalStateException("port " + port + " is taken by something that is not moto's server;"
                    + " give another with --port, or --endpoint URL to use what runs there (LocalStack, say)");
        }
        Path venv = MotoServer.findVenv();
        Path dir = dir();
        Path log = dir.resolve(port + ".log");
        ProcessBuilder builder = new ProcessBuilder(venv.resolve("bin/python").toString(), "-c",
                MotoServer.program(false), "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().put("MOTO_ACCOUNT_ID", MotoServer.ACCOUNT_ID);
        builder.environment().remove("MOTO_PORT");
        builder.environment().remove("PYTHONPATH");
        Process process;
        try {
            process = builder.start();
            Files.writeString(dir.resolve(port + ".pid"), Long.toString(process.pid()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start moto's server from " + venv + ": " + e.getMessage(), e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (isMoto(port)) {
                return true;
            }
            if (!process.isAlive()) {
                break;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        process.destroy();
        throw new IllegalStateException("moto's server did not answer on port " + port + " within "
                + START_TIMEOUT.toSeconds() + " s; its output is in " + log + ":\n" + tail(log));
    }

    /**
     * Stops the server {@link #startOrReuse} started on a port.
     *
     * @param port the port
     * @return the process id stopped, if there was one
     */
    public static Optional<Long> stop(int port) {
        Path pidFile = dir().resolve(port + ".pid");
        Optional<Long> stopped = Optional.empty();
        try {
            if (Files.isRegularFile(pidFile)) {
                long pid = Long.parseLong(Files.readString(pidFile).strip());
                Optional<ProcessHandle> process = ProcessHandle.of(pid);
                if (process.isPresent() && process.get().info().command().map(c -> c.contains("python"))
                        .orElse(true)) {
                    process.get().destroy();
                    process.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
                    stopped = Optional.of(pid);
                }
                Files.delete(pidFile);
            }
        } catch (IOException | NumberFormatException | java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot stop moto's server on port " + port + " (" + pidFile + "): "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return stopped;
    }

    private static Path dir() {
        String configured = System.getProperty(ToolHome.HOME, System.getenv(ToolHome.HOME));
        Path home = configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("user.home"), ".eddy");
        Path dir = home.resolve("moto");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    private static String tail(Path log) {
        try {
            var lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }
}

package dev.eddy.emulator.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * moto's server (PyPI {@code moto[server]}, pinned in {@code requirements-test.txt}), an in-memory emulator of S3,
 * SQS, SNS, Firehose and many other AWS services, as a Python child process bound to 127.0.0.1 on a free port. It
 * runs from the checkout's virtual environment {@code .venv}, which {@code ./test} and {@code ./eddy} create, or
 * outside the checkout from the one {@link ToolHome} installs; no Python package installed elsewhere is used. It accepts any access key, secret key and region; every resource
 * belongs to the account {@link #accountId()} and lives in the region the request was signed for. S3 clients must
 * use path-style requests ({@code forcePathStyle(true)}): the endpoint is an IP address. The child ends with this
 * JVM, even a killed one (its stdin closes), and with {@link #close()}.
 */
public final class MotoServer implements AutoCloseable {

    /** System property or environment variable naming the Python virtual environment (folder) to run moto from. */
    public static final String LOCATION = "EDDY_PYTHON_VENV";

    /** The requirements file, at the root of the checkout, that pins moto. */
    public static final String REQUIREMENTS = "requirements-test.txt";

    /** The account every resource belongs to: moto's default, set explicitly through {@code MOTO_ACCOUNT_ID}. */
    public static final String ACCOUNT_ID = "123456789012";

    /** The region clients are expected to use; moto keeps one set of resources per region. */
    public static final String REGION = "us-east-1";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;
    private static final int OUTPUT_LINES_KEPT = 40;

    /** Ends moto's process when stdin closes, i.e. when the JVM that started it ends. */
    private static final String WATCH_PARENT = String.join("\n",
            "import os, sys, threading",
            "def _exit_when_parent_ends():",
            "    sys.stdin.buffer.read()",
            "    os._exit(0)",
            "threading.Thread(target=_exit_when_parent_ends, daemon=True).start()");

    /** Makes moto's process the leader of a session of its own, so that it outlives the JVM and its terminal. */
    private static final String DETACH = String.join("\n", "import os, sys", "os.setsid()");

    /** Eddy's additions to moto's CloudFormation (resource moto_cloudformation.py; read it for what and why). */
    private static final String CLOUDFORMATION = resource("moto_cloudformation.py");

    private final Process process;
    private final URI endpoint;
    private final HttpClient http;

    private MotoServer(Process process, int port, HttpClient http) {
        this.process = process;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
        this.http = http;
    }

    /**
     * Starts moto's server from the virtual environment {@link #findVenv()} returns; takes about 0.5–2 s. Retries on
     * another port, at most 3 times in all, if the free port was taken in the meantime.
     *
     * @return the running server, answering HTTP
     * @throws IllegalStateException if the virtual environment or moto in it is missing (the message says how to
     *     install it), the process cannot be run, or the server does not answer within 30 s
     */
    public static MotoServer start() {
        Path venv = findVenv();
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(venv, FreePorts.next());
            } catch (PortTaken e) {
                last = e;
            }
        }
        throw last;
    }

    private static MotoServer startOnce(Path venv, int port) {
        Path python = venv.resolve("bin").resolve("python");
        ProcessBuilder builder = new ProcessBuilder(python.toString(), "-c", program(true),
                "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("MOTO_ACCOUNT_ID", ACCOUNT_ID);
        env.put("PYTHONUNBUFFERED", "1");
        env.remove("MOTO_PORT");      // moto would prefer it to -p when it builds URLs
        env.remove("PYTHONPATH");     // only the virtual environment's packages
        env.remove("PYTHONHOME");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + python + " (moto's virtual environment is broken: delete "
                    + venv + " and run ./test or ./eddy, which create it again): " + e.getMessage(), e);
        }
        Deque<String> output = new ArrayDeque<>();
        Thread reader = new Thread(() -> drain(process, output), "moto-output");
        reader.setDaemon(true);
        reader.start();

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        URI probe = URI.create("http://127.0.0.1:" + port + "/moto-api/");
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                waitForOutput(reader);
                String seen = lines(output);
                if (seen.contains("Address already in use")) {
                    throw new PortTaken("moto server could not bind 127.0.0.1:" + port + ": " + seen);
                }
                throw new IllegalStateException("moto server exited with status " + process.exitValue()
                        + " before answering on port " + port + "; its output:\n" + seen);
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(probe).timeout(Duration.ofSeconds(2))
                        .GET().build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return new MotoServer(process, port, http);
                }
                Thread.sleep(50);
            } catch (IOException notYet) {
                sleepQuietly(process, 50); // not listening yet
            } catch (InterruptedException e) {
                ChildProcesses.stop(process);
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while moto server was starting", e);
            }
        }
        ChildProcesses.stop(process);
        waitForOutput(reader);
        throw new IllegalStateException("moto server did not answer on port " + port + " within "
                + START_TIMEOUT.toSeconds() + " s; its output:\n" + lines(output));
    }

    /**
     * @return the virtual environment to run moto from: the folder named by {@code EDDY_PYTHON_VENV} (system
     *     property, else environment variable) if set, else the nearest {@code .venv} at or above the working
     *     directory that has {@code bin/moto_server} (Eddy's checkout), else the one {@link ToolHome} installs,
     *     installing it on first use
     * @throws IllegalStateException if the configured one has no moto, or none can be installed; the message says
     *     what to do
     */
    public static Path findVenv() {
        String configured = configuredVenv();
        if (configured == null) {
            return locateVenv().orElseGet(ToolHome::venv);
        }
        return locateVenv().orElseThrow(() -> new IllegalStateException("moto server (PyPI moto[server]) is not"
                + " installed: " + LOCATION + " names " + Path.of(configured).toAbsolutePath() + ", which has no"
                + " bin/moto_server. There run `pip install -r " + REQUIREMENTS + "`, or unset " + LOCATION
                + " and Eddy installs its own"));
    }

    /** @return the virtual environment {@link #findVenv()} would return, if there is one */
    public static Optional<Path> locateVenv() {
        String configured = configuredVenv();
        if (configured != null) {
            Path venv = Path.of(configured).toAbsolutePath();
            return hasMoto(venv) ? Optional.of(venv) : Optional.empty();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path venv = dir.resolve(".venv");
            if (hasMoto(venv)) {
                return Optional.of(venv);
            }
        }
        return Optional.empty();
    }

    /** @return the HTTP endpoint of every service, e.g. {@code http://127.0.0.1:41236} */
    public URI endpoint() {
        return endpoint;
    }

    /** @return the 12-digit account id in every ARN and queue URL: {@value #ACCOUNT_ID} */
    public String accountId() {
        return ACCOUNT_ID;
    }

    /** @return the region clients are expected to use: {@value #REGION} */
    public String region() {
        return REGION;
    }

    /**
     * Deletes every resource of every service, account and region ({@code POST /moto-api/reset}); takes a few
     * milliseconds.
     *
     * @throws IllegalStateException if the server does not answer 200 within 10 s
     */
    public void reset() {
        HttpRequest request = HttpRequest.newBuilder(endpoint.resolve("/moto-api/reset"))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("moto server at " + endpoint + " answered the reset with HTTP "
                        + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("moto server at " + endpoint + " did not answer the reset: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while resetting moto server", e);
        }
    }

    /**
     * @param attached whether the server ends with the JVM that starts it (else it runs on until stopped)
     * @return the Python program that runs moto's server, with Eddy's additions to its CloudFormation, on the
     *     command line's arguments
     */
    static String program(boolean attached) {
        return String.join("\n", attached ? WATCH_PARENT : DETACH, CLOUDFORMATION, "from moto.server import main",
                "main(sys.argv[1:])");
    }

    private static String resource(String name) {
        try (var in = MotoServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the emulator's jar lacks " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Stops the server: closes its stdin, then terminates it, then kills it if it is still there after 5 s. */
    @Override
    public void close() {
        ChildProcesses.stop(process);
    }

    private static String configuredVenv() {
        String configured = System.getProperty(LOCATION, System.getenv(LOCATION));
        return configured == null || configured.isBlank() ? null : configured;
    }

    private static boolean hasMoto(Path venv) {
        return Files.isRegularFile(venv.resolve("bin").resolve("moto_server"))
                && Files.isExecutable(venv.resolve("bin").resolve("python"));
    }

    /** Reads the child's output so that it never blocks on a full pipe; keeps the last lines for error messages. */
    private static void drain(Process process, Deque<String> kept) {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = out.readLine()) != null; ) {
                synchronized (kept) {
                    kept.addLast(line);
                    if (kept.size() > OUTPUT_LINES_KEPT) {
                        kept.removeFirst();
                    }
                }
            }
        } catch (IOException ignored) {
            // the process ended
        }
    }

    private static String lines(Deque<String> kept) {
        List<String> copy;
        synchronized (kept) {
            copy = new ArrayList<>(kept);
        }
        return String.join("\n", copy);
    }

    private static void waitForOutput(Thread reader) {
        try {
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(Process process, long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            ChildProcesses.stop(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while moto server was starting", e);
        }
    }

    /** The child could not bind its port: another process took it after {@link FreePorts#next()}. */
    private static final class PortTaken extends IllegalStateException {
        PortTaken(String message) {
            super(message);
        }
    }
}

package dev.eddy.emulator.embedded;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * kinesis-mock (LocalStack's Kinesis emulator; npm {@code kinesis-local}, pinned in {@code package.json}), in
 * memory, as a Node.js child process answering plain HTTP on 127.0.0.1 on a free port. It is Scala compiled to
 * JavaScript (Scala.js): one {@code main.js}, no npm dependencies, no Java. Starts in about 0.5 s (kinesalite: 0.1 s).
 * The child ends with this JVM, even a killed one (its stdin closes), and with {@link #close()}.
 *
 * <p>How it is run, and why:
 * <ul>
 *   <li>It is configured only through environment variables; this class sets every one it relies on and removes
 *       {@code INITIALIZE_STREAMS}, so the caller's environment does not leak in.</li>
 *   <li>It always starts a TLS server next to the plain one ({@code KINESIS_MOCK_TLS_PORT}, default 4567) and reads
 *       its self-signed certificate from {@code server.json} in the working directory unless
 *       {@code KINESIS_MOCK_CERT_PATH} says otherwise; without it, it exits at once. Here the TLS server gets an
 *       ephemeral loopback port nobody uses, and the certificate is the package's own.</li>
 *   <li>It binds 0.0.0.0, with no setting to change that; the launcher below rewrites its {@code listen} calls to
 *       127.0.0.1, and prints the line this class waits for once the plain server listens.</li>
 *   <li>Every stream or shard change (create, delete, split, merge, update shard count, consumers, encryption)
 *       leaves the stream in a transitional status for a set duration, 500 ms by default; here they are all 0 ms,
 *       and the stream is ACTIVE by the next call. Clients should still wait for {@code ACTIVE}, as on AWS.</li>
 *   <li>{@code SHARD_LIMIT} defaults to 50; here it is 500, as for {@link Kinesalite}.</li>
 *   <li>{@code LOAD_DATA_IF_EXISTS} defaults to true and would load {@code data/kinesis-data.json} from the working
 *       directory; here persistence is off both ways.</li>
 * </ul>
 *
 * <p>How it behaves, unlike kinesalite (pinned by {@code KinesisMockTest}):
 * <ul>
 *   <li>It speaks both JSON and CBOR, so SDK v2 clients built after {@link Kinesalite#disableCbor()} talk to it as
 *       they talk to kinesalite, and clients built with CBOR on work too.</li>
 *   <li>Hash key ranges are cut at {@code floor((2^128 - 1) / n)} multiples, not AWS's {@code 2^128 / n}: with 2
 *       shards, shard 0 ends at 2^127 - 2 and shard 1 starts at 2^127 - 1 (kinesalite: 2^127 - 1 and 2^127).</li>
 *   <li>A closed (split or merged) shard's {@code EndingSequenceNumber} is {@code 9223372036854775807}
 *       ({@code Long.MAX_VALUE}), below every real sequence number, not the shard's last sequence number.</li>
 *   <li>Reading a closed shard, the response with its last records already has {@code NextShardIterator} null and
 *       lists {@code ChildShards}, as AWS does; kinesalite sends the records, then an empty response with the null
 *       iterator and no {@code ChildShards}.</li>
 *   <li>{@code MillisBehindLatest} is the arrival time of the stream's newest record minus that of the last record
 *       returned, as on AWS; kinesalite always says 0 (but for the end of a closed shard).</li>
 *   <li>{@code AT_SEQUENCE_NUMBER} and {@code AFTER_SEQUENCE_NUMBER} need the sequence number of a record of that
 *       shard (or its starting one), else {@code ResourceNotFoundException}; GetRecords with a malformed iterator
 *       answers HTTP 500, which the SDK retries, instead of {@code InvalidArgumentException}.</li>
 *   <li>It is slower, and slows as a stream grows (GetRecords finds its place by a linear search of the shard):
 *       2,000 records took 0.9–1.8 s to put (kinesalite 0.3–0.5 s) and 1.2–2.6 s once the stream held 2,000;
 *       10,000 took 15 s into an empty stream and 51 s into one that held 10,000. Keep test streams small.</li>
 *   <li>Stream ARNs use account {@value #ACCOUNT_ID} unless the access key id is itself a 12-digit account id, which
 *       it then takes as the account.</li>
 * </ul>
 */
public final class KinesisMock implements KinesisEmulator {

    /** The npm package. */
    public static final String PACKAGE = "kinesis-local";

    /** The account streams belong to, set explicitly through {@code AWS_ACCOUNT_ID}. */
    public static final String ACCOUNT_ID = "000000000000";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;
    private static final int OUTPUT_LINES_KEPT = 40;
    private static final String READY = "kinesis-mock ready";

    /**
     * Binds every server kinesis-mock opens to 127.0.0.1 and reports when the plain one listens, ends the process
     * when stdin closes (the JVM that started it ended), then runs kinesis-mock's {@code main.js} (argv[1]) with
     * the plain port argv[2].
     */
    private static final String LAUNCHER = String.join("\n",
            "const net = require('net');",
            "const plainPort = Number(process.argv[2]);",
            "const listen = net.Server.prototype.listen;",
            "net.Server.prototype.listen = function (...args) {",
            "  if (typeof args[0] === 'number' && typeof args[1] !== 'string') {",
            "    args.splice(1, 0, '127.0.0.1');",
            "  } else if (args[0] !== null && typeof args[0] === 'object' && args[0].path === undefined) {",
            "    args[0] = Object.assign({}, args[0], {host: '127.0.0.1'});",
            "  }",
            "  this.once('listening', () => {",
            "    const address = this.address();",
            "    if (address && address.port === plainPort) {",
            "      console.log('" + READY + " on ' + address.address + ':' + address.port);",
            "    }",
            "  });",
            "  return listen.apply(this, args);",
            "};",
            "process.stdin.on('end', () => process.exit(0));",
            "process.stdin.resume();",
            "require(process.argv[1]);");

    private final Process process;
    private final URI endpoint;

    private KinesisMock(Process process, int port) {
        this.process = process;
        this.endpoint = URI.create("http://127.0.0.1:" + port);
    }

    /**
     * Starts kinesis-mock from the project's {@code node_modules} ({@link NodeModules}); takes about 0.5 s. Retries
     * on another port, at most 3 times in all, if the free port was taken in the meantime.
     *
     * @return the running emulator, listening
     * @throws IllegalStateException if Node.js or the package is missing, or it does not listen within 30 s
     */
    public static KinesisMock start() {
        Path pkg = NodeModules.find(PACKAGE);
        Path main = pkg.resolve("main.js");
        Path cert = pkg.resolve("server.json");
        if (!Files.isRegularFile(main) || !Files.isRegularFile(cert)) {
            throw new IllegalStateException("npm package '" + PACKAGE + "' at " + pkg + " lacks main.js or "
                    + "server.json: run `npm ci` in the Eddy checkout again");
        }
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(main, cert, FreePorts.next());
            } catch (PortTaken e) {
                last = e;
            }
        }
        throw last;
    }

    private static KinesisMock startOnce(Path main, Path cert, int port) {
        ProcessBuilder builder = new ProcessBuilder("node", "-e", LAUNCHER, main.toString(), Integer.toString(port))
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("KINESIS_MOCK_PLAIN_PORT", Integer.toString(port));
        env.put("KINESIS_MOCK_TLS_PORT", "0");
        env.put("KINESIS_MOCK_CERT_PATH", cert.toString());
        for (String operation : List.of("CREATE_STREAM", "DELETE_STREAM", "REGISTER_STREAM_CONSUMER",
                "DEREGISTER_STREAM_CONSUMER", "START_STREAM_ENCRYPTION", "STOP_STREAM_ENCRYPTION", "MERGE_SHARDS",
                "SPLIT_SHARD", "UPDATE_SHARD_COUNT", "UPDATE_STREAM_MODE")) {
            env.put(operation + "_DURATION", "0ms");
        }
        env.put("SHARD_LIMIT", "500");
        env.put("AWS_ACCOUNT_ID", ACCOUNT_ID);
        env.put("AWS_REGION", "us-east-1");
        env.put("LOG_LEVEL", "WARN");
        env.put("ROOT_LOG_LEVEL", "ERROR");
        env.put("LOAD_DATA_IF_EXISTS", "false");
        env.put("SHOULD_PERSIST_DATA", "false");
        env.remove("INITIALIZE_STREAMS");
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot run `node` (Node.js 18 or later is needed for kinesis-mock): "
                    + e.getMessage(), e);
        }
        Deque<String> output = new ArrayDeque<>();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (!ready.isDone() && line.startsWith(READY)) {
                        ready.complete(null);
                    }
                    synchronized (output) {
                        output.addLast(line);
                        if (output.size() > OUTPUT_LINES_KEPT) {
                            output.removeFirst();
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            ready.completeExceptionally(new IllegalStateException("kinesis-mock exited"));
        }, "kinesis-mock-output");
        reader.setDaemon(true);
        reader.start();
        try {
            ready.get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            return new KinesisMock(process, port);
        } catch (ExecutionException | TimeoutException e) {
            ChildProcesses.stop(process);
            try {
                reader.join(2_000);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            String seen = lines(output);
            if (seen.contains("EADDRINUSE")) {
                throw new PortTaken("kinesis-mock could not bind 127.0.0.1:" + port + ": " + seen);
            }
            throw new IllegalStateException("kinesis-mock did not listen on port " + port
                    + (e instanceof TimeoutException ? " within " + START_TIMEOUT.toSeconds() + " s" : "")
                    + "; its output:\n" + seen, e);
        } catch (InterruptedException e) {
            ChildProcesses.stop(process);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while kinesis-mock was starting", e);
        }
    }

    /** @return the plain HTTP endpoint, e.g. {@code http://127.0.0.1:41235} */
    @Override
    public URI endpoint() {
        return endpoint;
    }

    /** Stops the emulator: closes its stdin, then terminates it, then kills it if it is still there after 5 s. */
    @Override
    public void close() {
        ChildProcesses.stop(process);
    }

    private static String lines(Deque<String> kept) {
        List<String> copy;
        synchronized (kept) {
            copy = new ArrayList<>(kept);
        }
        return String.join("\n", copy);
    }

    /** The child could not bind its port: another process took it after {@link FreePorts#next()}. */
    private static final class PortTaken extends IllegalStateException {
        PortTaken(String message) {
            super(message);
        }
    }
}

package dev.eddy.state.dynamodb.local;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local 2.x, AWS's own emulator, started in this JVM with an in-memory database and telemetry off: the one
 * embedding of it that Eddy's tests, its test driver and its local emulator share.
 *
 * <ul>
 *   <li>{@link #embedded()}: no port; its {@link #client()} calls it directly ({@code DynamoDBEmbedded}). For unit
 *       tests: nothing listens, nothing to clean up but {@link #close()}.</li>
 *   <li>{@link #server()}: an HTTP server on a free port ({@link #endpoint()}), for clients in other processes or
 *       code that takes an endpoint. DynamoDB Local has no option to bind one address, so it listens on every
 *       interface of that port.</li>
 * </ul>
 *
 * <p>The first start in a JVM costs 1–2.5 s (DynamoDB Local's classes and its native SQLite library, which it loads
 * from its own jar); later ones tens of milliseconds. An instance runs non-daemon threads until {@link #close()}.
 * DynamoDB Local takes any credentials whose access key is letters and digits.
 */
public final class DynamoDbLocal implements AutoCloseable {

    private final AmazonDynamoDBLocal embedded;
    private final DynamoDBProxyServer server;
    private final URI endpoint;
    private final DynamoDbClient client;

    private DynamoDbLocal(AmazonDynamoDBLocal embedded, DynamoDBProxyServer server, URI endpoint) {
        this.embedded = embedded;
        this.server = server;
        this.endpoint = endpoint;
        this.client = embedded != null ? embedded.dynamoDbClient() : DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("eddylocal",
                        "eddylocal")))
                .build();
    }

    /**
     * @return a running instance without a port
     * @throws IllegalStateException if DynamoDB Local does not start (for instance, no native SQLite library for
     *     this platform: it has them for Linux, macOS and Windows on x86-64 and arm64)
     */
    public static DynamoDbLocal embedded() {
        try {
            return new DynamoDbLocal(DynamoDBEmbedded.create(true), null, null); // true: telemetry off
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("DynamoDB Local did not start in this JVM (" + e + "); it needs"
                    + " com.amazonaws:DynamoDBLocal 2.x on the class path and a platform it has a native SQLite"
                    + " library for (Linux, macOS or Windows on x86-64 or arm64)", e);
        }
    }

    /**
     * @return a running HTTP server on a free port
     * @throws IllegalStateException if it does not start
     */
    public static DynamoDbLocal server() {
        int port = freePort();
        PrintStream stdout = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream())); // its start-up banner
        try {
            DynamoDBProxyServer server = ServerRunner.createServerFromCommandLineArgs(new String[] {
                "-inMemory", "-sharedDb", "-disableTelemetry", "-port", Integer.toString(port)});
            server.start();
            return new DynamoDbLocal(null, server, URI.create("http://127.0.0.1:" + port));
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not start on port " + port + ": " + e.getMessage(), e);
        } finally {
            System.setOut(stdout);
        }
    }

    /**
     * @return the HTTP endpoint of a {@link #server()}, {@code http://127.0.0.1:<port>}
     * @throws IllegalStateException for an {@link #embedded()} instance, which has none: use its {@link #client()}
     */
    public URI endpoint() {
        if (endpoint == null) {
            throw new IllegalStateException("an embedded DynamoDB Local has no endpoint: use its client(), or start"
                    + " a server()");
        }
        return endpoint;
    }

    /**
     * @return a client of this instance (region us-east-1, dummy credentials for a server); closed with it. Closing
     *     the client alone does not stop the instance's threads
     */
    public DynamoDbClient client() {
        return client;
    }

    /** Stops the instance and its threads; its data is gone. */
    @Override
    public void close() {
        try {
            if (embedded != null) {
                embedded.shutdownNow(); // first: closing the client first leaves DynamoDB Local's threads running
            } else {
                server.stop();
            }
        } catch (Exception e) {
            throw new IllegalStateException("DynamoDB Local did not stop: " + e.getMessage(), e);
        } finally {
            client.close();
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port for DynamoDB Local", e);
        }
    }
}

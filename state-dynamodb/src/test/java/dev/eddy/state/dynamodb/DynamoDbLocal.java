package dev.eddy.state.dynamodb;

import com.amazonaws.services.dynamodbv2.local.server.DynamoDBProxyServer;
import com.amazonaws.services.dynamodbv2.local.main.ServerRunner;
import dev.eddy.state.dynamodb.table.StateTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local as a real HTTP server on a free loopback port, started once per test JVM and stopped when the
 * JUnit root context closes. Tests create their own table with {@link #newTable(String)}.
 */
public final class DynamoDbLocal implements BeforeAllCallback {

    private static final AtomicInteger TABLES = new AtomicInteger();
    private static volatile Server server;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(DynamoDbLocal.class, k -> start(), Server.class);
    }

    /** Starts the server unless it runs, for tests outside JUnit Jupiter (jqwik properties); it ends with the JVM. */
    public static void ensureStarted() {
        start();
    }

    private static synchronized Server start() {
        if (server == null) {
            server = new Server();
        }
        return server;
    }

    /** @return the running server's endpoint, {@code http://127.0.0.1:<port>} */
    public static URI endpoint() {
        if (server == null) {
            throw new IllegalStateException("annotate the test class with @ExtendWith(DynamoDbLocal.class)");
        }
        return URI.create("http://127.0.0.1:" + server.port);
    }

    /** @return a new client of the running server; close it after use */
    public static DynamoDbClient client() {
        return DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("dummy", "dummy")))
                .build();
    }

    /**
     * @param prefix a readable prefix
     * @return the name of a new, empty state table
     */
    public static String newTable(String prefix) {
        String name = prefix + "-" + TABLES.incrementAndGet();
        try (DynamoDbClient client = client()) {
            StateTable.create(client, name);
        }
        return name;
    }

    private static final class Server implements ExtensionContext.Store.CloseableResource {
        final int port;
        final DynamoDBProxyServer proxy;

        Server() {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            try {
                proxy = ServerRunner.createServerFromCommandLineArgs(
                        new String[] {"-inMemory", "-port", String.valueOf(port)});
                proxy.start();
            } catch (Exception e) {
                throw new IllegalStateException("DynamoDB Local did not start on port " + port, e);
            }
        }

        @Override
        public void close() throws Exception {
            proxy.stop();
            server = null;
        }
    }
}

package dev.eddy.state.dynamodb;

import dev.eddy.state.dynamodb.table.StateTable;
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
 * The JUnit 5 extension of this module's tests: DynamoDB Local ({@code eddy-dynamodb-local}, the one embedding Eddy
 * shares) as an HTTP server on a free loopback port, started once per test JVM and stopped when the JUnit root context
 * closes. Tests create their own table with {@link #newTable(String)}.
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

    /** The shared embedding's server, stopped when the JUnit root context closes. */
    private static final class Server implements ExtensionContext.Store.CloseableResource {
        final dev.eddy.state.dynamodb.local.DynamoDbLocal local = dev.eddy.state.dynamodb.local.DynamoDbLocal.server();
        final int port = local.endpoint().getPort();

        @Override
        public void close() {
            local.close();
            server = null;
        }
    }
}

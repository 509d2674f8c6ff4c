package dev.eddy.emulator.driver;

import com.amazonaws.services.dynamodbv2.local.embedded.DynamoDBEmbedded;
import com.amazonaws.services.dynamodbv2.local.shared.access.AmazonDynamoDBLocal;
import dev.eddy.state.dynamodb.table.StateTable;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * DynamoDB Local (2.x) inside this JVM without a port: {@code DynamoDBEmbedded} answers an SDK v2
 * {@link DynamoDbClient} by direct calls on an in-memory SQLite database. DynamoDB Local loads the SQLite native
 * library it carries in its jar itself, so no {@code sqlite4java.library.path} is needed. Telemetry is off.
 *
 * <p>One instance per driver. The first in a JVM costs 1–2.5 s (DynamoDB Local's classes and native library);
 * later ones about 10 ms, and a table about 30 ms. An instance runs a pool of non-daemon threads, which
 * {@link #close()} stops: an instance shared for the JVM's lifetime would keep a program that does not call
 * {@code System.exit} from ending.
 */
final class EmbeddedDynamoDb implements AutoCloseable {

    private final AmazonDynamoDBLocal local;
    private final DynamoDbClient client;

    private EmbeddedDynamoDb(AmazonDynamoDBLocal local) {
        this.local = local;
        this.client = local.dynamoDbClient();
    }

    /**
     * Starts an empty instance and creates one state table in it.
     *
     * @param table the table, laid out as {@link StateTable} says
     * @return the running instance
     * @throws IllegalStateException if DynamoDB Local does not start (for instance, no native SQLite library for
     *     this platform)
     */
    static EmbeddedDynamoDb withTable(String table) {
        AmazonDynamoDBLocal local;
        try {
            local = DynamoDBEmbedded.create(true); // true: telemetry off
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("DynamoDB Local did not start in this JVM (" + e
                    + "); it needs com.amazonaws:DynamoDBLocal 2.x on the test class path and a platform it has a"
                    + " native SQLite library for (Linux, macOS or Windows on x86-64 or arm64)", e);
        }
        EmbeddedDynamoDb db = new EmbeddedDynamoDb(local);
        try {
            StateTable.create(db.client, table);
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        return db;
    }

    /**
     * @return the client. Closing it stops the instance's request handling but not its threads: call
     *     {@link #close()} first
     */
    DynamoDbClient client() {
        return client;
    }

    /** Stops the instance and its threads; its data is gone. */
    @Override
    public void close() {
        local.shutdownNow();
    }
}

package dev.eddy.emulator.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.CRC32;

/**
 * DynamoDB as a chaos run's handlers see it: an HTTP front on a loopback port (their DynamoDB endpoint) that forwards
 * each request to DynamoDB Local byte for byte, or, as the {@link ChaosPlan} picks per distinct request (by its
 * body, so an SDK retry of it gets through):
 * <ul>
 *   <li><b>throttles</b> it: HTTP 400 {@code ProvisionedThroughputExceededException}, never forwarded, so that the
 *       SDK's own retry strategy and back-off handle it as they would on AWS;</li>
 *   <li><b>partly processes</b> a {@code BatchGetItem} or {@code BatchWriteItem}: forwards the first half of its
 *       entries and answers the rest as {@code UnprocessedKeys} / {@code UnprocessedItems}, as DynamoDB does when it
 *       throttles part of a batch;</li>
 *   <li><b>races</b> a conditional {@code PutItem} or {@code UpdateItem}: forwards it (the write is made), then
 *       answers {@code ConditionalCheckFailedException}, which is what a writer sees when its SDK retries a write
 *       whose first response was lost, or when another writer got there first.</li>
 * </ul>
 * Each answer carries the {@code x-amz-crc32} of its body, which the DynamoDB client checks.
 */
public final class DynamoDbFront implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ERROR_TYPE = "com.amazonaws.dynamodb.v20120810#";
    /** Headers the JDK's HTTP client sets itself. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host",
            "upgrade", "transfer-encoding");

    static {
        // the JDK's server writes headers and body apart: without TCP_NODELAY, Nagle's algorithm and delayed
        // acknowledgements add some 40 ms to every request (read when the first server starts)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final URI dynamoDb;
    private final ChaosPlan plan;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "chaos-dynamodb-front");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient forwarder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /**
     * Starts the front on a free loopback port.
     *
     * @param dynamoDb DynamoDB Local's endpoint
     * @param plan what to inject
     * @throws IOException if no port can be bound
     */
    public DynamoDbFront(URI dynamoDb, ChaosPlan plan) throws IOException {
        this.dynamoDb = dynamoDb;
        this.plan = plan;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** @return the front's endpoint, {@code http://127.0.0.1:<port>}: the handlers' DynamoDB endpoint */
    public URI endpoint() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String target = String.valueOf(exchange.getRequestHeaders().getFirst("X-Amz-Target"));
            String operation = target.substring(target.indexOf('.') + 1);
            CRC32 crc = new CRC32();
            crc.update(body);
            String request = operation + "|" + Long.toHexString(crc.getValue()) + "|" + body.length;
            if (plan.strikes(ChaosPlan.Kind.THROTTLED, request)) {
                error(exchange, "ProvisionedThroughputExceededException", "chaos: throughput exceeded");
                return;
            }
            boolean batch = operation.equals("BatchGetItem") || operation.equals("BatchWriteItem");
            if (batch && plan.strikes(ChaosPlan.Kind.PARTLY_UNPROCESSED, request)) {
                partly(exchange, operation, body);
                return;
            }
            HttpResponse<byte[]> response = forward(exchange, body);
            boolean conditional = (operation.equals("PutItem") || operation.equals("UpdateItem"))
                    && response.statusCode() == 200 && new String(body, StandardCharsets.UTF_8)
                            .contains("\"ConditionExpression\"");
            if (conditional && plan.strikes(ChaosPlan.Kind.CONDITION_RACE, request)) {
                error(exchange, "ConditionalCheckFailedException", "The conditional request failed");
                return;
            }
            respond(exchange, response.statusCode(), response.headers().map(), response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Forwards the first half of a batch call's entries; the rest come back as unprocessed. */
    private void partly(HttpExchange exchange, String operation, byte[] body) throws IOException,
            InterruptedException {
        ObjectNode request = (ObjectNode) JSON.readTree(body);
        ObjectNode requestItems = (ObjectNode) request.get("RequestItems");
        String table = requestItems.fieldNames().next();
        boolean get = operation.equals("BatchGetItem");
        JsonNode entries = get ? requestItems.get(table).get("Keys") : requestItems.get(table);
        if (entries == null || entries.size() < 2) {
            HttpResponse<byte[]> response = forward(exchange, body);
            respond(exchange, response.statusCode(), response.headers().map(), response.body());
            return;
        }
        ArrayNode kept = JSON.createArrayNode();
        ArrayNode withheld = JSON.createArrayNode();
        for (int i = 0; i < entries.size(); i++) {
            (i < entries.size() / 2 ? kept : withheld).add(entries.get(i));
        }
        JsonNode unprocessed;
        if (get) {
            ((ObjectNode) requestItems.get(table)).set("Keys", kept);
            ObjectNode keysAndAttributes = requestItems.get(table).deepCopy();
            keysAndAttributes.set("Keys", withheld);
            unprocessed = JSON.createObjectNode().set(table, keysAndAttributes);
        } else {
            requestItems.set(table, kept);
            unprocessed = JSON.createObjectNode().set(table, withheld);
        }
        HttpResponse<byte[]> response = forward(exchange, JSON.writeValueAsBytes(request));
        byte[] answer = response.body();
        if (response.statusCode() == 200) {
            ObjectNode result = (ObjectNode) JSON.readTree(answer);
            result.set(get ? "UnprocessedKeys" : "UnprocessedItems", unprocessed);
            answer = JSON.writeValueAsBytes(result);
        }
        respond(exchange, response.statusCode(), response.headers().map(), answer);
    }

    private HttpResponse<byte[]> forward(HttpExchange exchange, byte[] body) throws IOException,
            InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(dynamoDb.resolve(exchange.getRequestURI()))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(value -> request.header(name, value));
            }
        });
        return forwarder.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void error(HttpExchange exchange, String type, String message) throws IOException {
        byte[] body = JSON.writeValueAsBytes(Map.of("__type", ERROR_TYPE + type, "message", message));
        respond(exchange, 400, Map.of("Content-Type", List.of("application/x-amz-json-1.0"),
                "x-amzn-RequestId", List.of(UUID.randomUUID().toString())), body);
    }

    /** Sends a response with a fresh {@code x-amz-crc32} of its body. */
    private static void respond(HttpExchange exchange, int status, Map<String, List<String>> headers, byte[] body)
            throws IOException {
        headers.forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (!name.startsWith(":") && !RESTRICTED.contains(lower) && !lower.equals("date")
                    && !lower.equals("server") && !lower.equals("x-amz-crc32")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        CRC32 crc = new CRC32();
        crc.update(body);
        exchange.getResponseHeaders().set("x-amz-crc32", Long.toString(crc.getValue()));
        exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }
}

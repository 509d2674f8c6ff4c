package dev.eddy.state.dynamodb.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * An HTTP front on a loopback port before DynamoDB Local, for fault injection without mocks: a client whose endpoint
 * is the front (or whose requests {@link #redirect} sends there) talks to DynamoDB Local through it, and for each
 * HTTP request — one attempt of an API call — its {@link Rules} choose an {@link Answer}:
 * <ul>
 *   <li>{@link Answer#FORWARD}: byte for byte to DynamoDB Local and back;</li>
 *   <li>{@link Answer#THROTTLE}: HTTP 400 with the body DynamoDB sends when it throttles
 *       ({@code ProvisionedThroughputExceededException}), never forwarded, so the SDK's own error parsing, retry
 *       classification and back-off run;</li>
 *   <li>{@link Answer#split(int)}: a {@code BatchGetItem} or {@code BatchWriteItem} with its first entries forwarded
 *       and the rest answered as {@code UnprocessedKeys} / {@code UnprocessedItems}, as DynamoDB does when it throttles
 *       part of a batch;</li>
 *   <li>{@link Answer#CONDITION_FAILED_AFTER_FORWARD}: forwarded (the write is made), then answered
 *       {@code ConditionalCheckFailedException}: what a writer sees when its SDK retries a conditional write whose
 *       first response was lost.</li>
 * </ul>
 * Every answer carries a fresh {@code x-amz-crc32} of its body, which the DynamoDB client checks. DynamoDB Local
 * does not check signatures, so a client may sign for the front's address.
 */
public final class DynamoDbFront implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ERROR_TYPE = "com.amazonaws.dynamodb.v20120810#";
    private static final Pattern SDK_REQUEST = Pattern.compile("attempt=(\\d+);\\s*max=(\\d+)");
    /** Headers the JDK's HTTP client sets itself. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host",
            "upgrade", "transfer-encoding");

    static {
        // the JDK's server writes a response's headers and body apart: without TCP_NODELAY, Nagle's algorithm and
        // delayed acknowledgements add some 40 ms to every request (read when the first server starts)
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    /**
     * One HTTP request: one attempt of an API call.
     *
     * @param operation the API operation, e.g. {@code PutItem}
     * @param invocationId the SDK's {@code amz-sdk-invocation-id}: one per API call, the same on its attempts
     * @param attempt the SDK's attempt number, from 1 ({@code amz-sdk-request}); 0 if the client sent none
     * @param maxAttempts the SDK's attempts in all; 0 if the client sent none
     * @param body the request's JSON
     */
    public record Request(String operation, String invocationId, int attempt, int maxAttempts, byte[] body) {

        /**
         * @return the table's keys ({@code BatchGetItem}) or write requests ({@code BatchWriteItem}), as sent;
         *     {@code null} for other operations
         */
        public JsonNode entries() {
            if (!operation.equals("BatchGetItem") && !operation.equals("BatchWriteItem")) {
                return null;
            }
            JsonNode ofTable = tree(body).get("RequestItems").elements().next();
            return operation.equals("BatchGetItem") ? ofTable.get("Keys") : ofTable;
        }

        /** @return whether it is a {@code PutItem} or {@code UpdateItem} with a condition */
        public boolean conditionalWrite() {
            return (operation.equals("PutItem") || operation.equals("UpdateItem"))
                    && tree(body).has("ConditionExpression");
        }
    }

    /** What the front does with a request. */
    public sealed interface Answer {
        /** Forward it. */
        Answer FORWARD = new Forward();
        /** Answer with a throttling error, not forwarded. */
        Answer THROTTLE = new Throttle();
        /** Forward it, then answer that its condition failed. */
        Answer CONDITION_FAILED_AFTER_FORWARD = new ConditionFailedAfterForward();

        /**
         * @param keep entries forwarded, at least 0
         * @return forward the first {@code keep} entries of a batch call, answer the rest as unprocessed (any
         *     other request is forwarded whole)
         */
        static Answer split(int keep) {
            return new Split(keep);
        }

        /** See {@link #FORWARD}. */
        record Forward() implements Answer {
        }

        /** See {@link #THROTTLE}. */
        record Throttle() implements Answer {
        }

        /** See {@link #CONDITION_FAILED_AFTER_FORWARD}. */
        record ConditionFailedAfterForward() implements Answer {
        }

        /** See {@link #split(int)}. @param keep entries forwarded */
        record Split(int keep) implements Answer {
        }
    }

    /** Chooses the answer to each request; called on the front's threads, concurrently. */
    @FunctionalInterface
    public interface Rules {
        /**
         * @param request the request
         * @return what to do with it
         */
        Answer answer(Request request);
    }

    private final URI dynamoDb;
    private final Rules rules;
    private final HttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread thread = new Thread(r, "dynamodb-front");
        thread.setDaemon(true);
        return thread;
    });
    private final HttpClient forwarder = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /**
     * Starts the front on a free loopback port.
     *
     * @param dynamoDb DynamoDB Local's endpoint
     * @param rules chooses each request's answer
     * @throws UncheckedIOException if no port can be bound
     */
    public DynamoDbFront(URI dynamoDb, Rules rules) {
        this.dynamoDb = dynamoDb;
        this.rules = rules;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a loopback port for the DynamoDB front", e);
        }
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
    }

    /** @return the front's endpoint, {@code http://127.0.0.1:<port>} */
    public URI endpoint() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort());
    }

    /**
     * For an SDK interceptor's {@code modifyHttpRequest} (once per API call, before the retry loop): the request sent
     * to the front instead.
     *
     * @param request the request the SDK built
     * @return it, addressed to the front over HTTP
     */
    public SdkHttpRequest redirect(SdkHttpRequest request) {
        return request.toBuilder().protocol("http").host(server.getAddress().getAddress().getHostAddress())
                .port(server.getAddress().getPort()).build();
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
            Matcher sdkRequest = SDK_REQUEST.matcher(
                    String.valueOf(exchange.getRequestHeaders().getFirst("amz-sdk-request")));
            boolean numbered = sdkRequest.find();
            Request request = new Request(target.substring(target.indexOf('.') + 1),
                    String.valueOf(exchange.getRequestHeaders().getFirst("amz-sdk-invocation-id")),
                    numbered ? Integer.parseInt(sdkRequest.group(1)) : 0,
                    numbered ? Integer.parseInt(sdkRequest.group(2)) : 0, body);
            Answer answer = rules.answer(request);
            if (answer instanceof Answer.Throttle) {
                error(exchange, "ProvisionedThroughputExceededException", "throughput exceeded (injected)");
            } else if (answer instanceof Answer.Split split && request.entries() != null
                    && request.entries().size() > split.keep()) {
                split(exchange, request, split.keep());
            } else {
                HttpResponse<byte[]> response = forward(exchange, body);
                if (answer instanceof Answer.ConditionFailedAfterForward && response.statusCode() == 200) {
                    error(exchange, "ConditionalCheckFailedException", "The conditional request failed");
                } else {
                    respond(exchange, response.statusCode(), response.headers().map(), response.body());
                }
            }
        } catch (IOException | RuntimeException e) {
            e.printStackTrace();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** Forwards the first {@code keep} entries; the others come back as unprocessed, as DynamoDB returns them. */
    private void split(HttpExchange exchange, Request call, int keep) throws IOException, InterruptedException {
        ObjectNode request = (ObjectNode) JSON.readTree(call.body());
        ObjectNode requestItems = (ObjectNode) request.get("RequestItems");
        String table = requestItems.fieldNames().next();
        JsonNode entries = call.entries();
        ArrayNode kept = JSON.createArrayNode();
        ArrayNode withheld = JSON.createArrayNode();
        for (int i = 0; i < entries.size(); i++) {
            (i < keep ? kept : withheld).add(entries.get(i));
        }
        boolean get = call.operation().equals("BatchGetItem");
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

    private static JsonNode tree(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: a DynamoDB request the front cannot read", e);
        }
    }
}

package dev.eddy.state.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.state.dynamodb.ThrottlingEndToEndTest.Injector;
import dev.eddy.state.dynamodb.idempotency.IdempotencyMarkers;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;

/**
 * Done-markers of {@code forEachOnce} in DynamoDB Local, through {@link DynamoDbStateBackend#done} and
 * {@link DynamoDbStateBackend#markDone} ({@link IdempotencyMarkers}): key layout, long keys, expiry, chunking,
 * consumed capacity, and unprocessed keys and items.
 */
@ExtendWith(DynamoDbLocal.class)
class IdempotencyMarkersTest {

    static final String SCOPE = "t#notify";
    /**
     * The tests' processing time: the real time, since DynamoDB Local's TTL deletes items whose {@code expiresAt} has
     * passed by the wall clock, in the background.
     */
    static final Instant T0 = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        volatile Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    /** Counts the requests sent (every attempt) per operation: the round trips. */
    static final class RoundTrips implements ExecutionInterceptor {
        final Map<String, AtomicInteger> byOperation = new ConcurrentHashMap<>();
        /** Round trips of {@code BatchGetItem} / {@code BatchWriteItem} that carry done-markers ({@code I#...}). */
        final AtomicInteger markerReads = new AtomicInteger();
        final AtomicInteger markerWrites = new AtomicInteger();

        @Override
        public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
            SdkRequest request = context.request();
            byOperation.computeIfAbsent(request.getClass().getSimpleName().replace("Request", ""),
                    k -> new AtomicInteger()).incrementAndGet();
            if (request instanceof BatchGetItemRequest get && get.requestItems().values().stream()
                    .flatMap(k -> k.keys().stream()).anyMatch(IdempotencyMarkersTest::isMarker)) {
                markerReads.incrementAndGet();
            }
            if (request instanceof BatchWriteItemRequest write && write.requestItems().values().stream()
                    .flatMap(List::stream).anyMatch(w -> w.putRequest() != null && isMarker(w.putRequest().item()))) {
                markerWrites.incrementAndGet();
            }
        }

        void reset() {
            byOperation.clear();
            markerReads.set(0);
            markerWrites.set(0);
        }
    }

    static boolean isMarker(Map<String, AttributeValue> item) {
        return item.get("pk").s().startsWith("I#");
    }

    /** A client of DynamoDB Local with the given interceptors. */
    static DynamoDbClient client(ExecutionInterceptor... interceptors) {
        return DynamoDbClient.builder()
                .httpClient(UrlConnectionHttpClient.create())
                .endpointOverride(DynamoDbLocal.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("dummy", "dummy")))
                .overrideConfiguration(c -> List.of(interceptors).forEach(c::addExecutionInterceptor))
                .build();
    }

    static List<String> keys(String prefix, int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add(prefix + i);
        }
        return keys;
    }

    final MovableClock clock = new MovableClock(T0);
    final RoundTrips roundTrips = new RoundTrips();
    String table;
    DynamoDbStateBackend backend;

    @BeforeEach
    void start() {
        table = DynamoDbLocal.newTable("once");
        backend = new DynamoDbStateBackend(client(roundTrips), table, clock);
    }

    @AfterEach
    void stop() {
        backend.close();
    }

    @Test
    void markedKeysAreDoneAndOthersAreNot() {
        assertThat(backend.done(SCOPE, List.of("a", "b"))).isEmpty();
        backend.markDone(SCOPE, List.of("a", "c"), Duration.ofDays(7));
        assertThat(backend.done(SCOPE, List.of("a", "b", "c", "a"))).containsExactlyInAnyOrder("a", "c");
        assertThat(backend.done("t#other", List.of("a", "c"))).as("scopes are separate").isEmpty();
        assertThat(backend.done(SCOPE, List.of())).isEmpty();
    }

    @Test
    void aMarkerIsOneItemWithTheLayoutOfTheDocs() {
        backend.markDone(SCOPE, List.of("order-42"), Duration.ofHours(1));
        try (DynamoDbClient client = DynamoDbLocal.client()) {
            Map<String, AttributeValue> item = client.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(Map.of("pk", AttributeValue.fromS("I#t#notify#order-42"), "sk", AttributeValue.fromS("done"))))
                    .item();
            assertThat(item).containsOnlyKeys("pk", "sk", "expiresAt", "doneAt");
            assertThat(item.get("expiresAt").n())
                    .isEqualTo(Long.toString(T0.plus(Duration.ofHours(1)).getEpochSecond()));
            assertThat(item.get("doneAt").n()).isEqualTo(Long.toString(T0.toEpochMilli()));
        }
    }

    @Test
    void anExpiredMarkerCountsAsAbsentBeforeTtlDeletesIt() {
        backend.markDone(SCOPE, List.of("a"), Duration.ofHours(1));
        clock.advance(Duration.ofMinutes(59));
        assertThat(backend.done(SCOPE, List.of("a"))).containsExactly("a");
        clock.advance(Duration.ofMinutes(1));
        assertThat(backend.done(SCOPE, List.of("a"))).as("expired at its expiresAt").isEmpty();
        try (DynamoDbClient client = DynamoDbLocal.client()) {
            assertThat(client.getItem(b -> b.tableName(table).consistentRead(true)
                    .key(IdempotencyMarkers.key(SCOPE, "a"))).item()).as("still stored").isNotEmpty();
        }
        backend.markDone(SCOPE, List.of("a"), Duration.ofHours(1));
        assertThat(backend.done(SCOPE, List.of("a"))).as("marking again renews it").containsExactly("a");
    }

    @Test
    void longKeysAreHashedBelowDynamoDbsKeyLimitAndStayDistinct() {
        String longA = "é".repeat(1500) + "a"; // 3,001 UTF-8 bytes: over the 2,048-byte partition key limit
        String longB = "é".repeat(1500) + "b";
        String edge = "x".repeat(IdempotencyMarkers.MAX_RAW_PK_BYTES - "I#t#notify#".length());
        String overEdge = edge + "x";
        backend.markDone(SCOPE, List.of(longA, edge, overEdge), Duration.ofDays(7));
        assertThat(backend.done(SCOPE, List.of(longA, longB, edge, overEdge)))
                .containsExactlyInAnyOrder(longA, edge, overEdge);

        assertThat(IdempotencyMarkers.key(SCOPE, edge).get("sk").s()).isEqualTo("done");
        Map<String, AttributeValue> hashed = IdempotencyMarkers.key(SCOPE, longA);
        assertThat(hashed.get("sk").s()).isEqualTo("done#sha256");
        assertThat(hashed.get("pk").s()).matches("I#t#notify#[0-9a-f]{64}");
        assertThat(hashed.get("pk").s().getBytes(StandardCharsets.UTF_8).length).isLessThan(2048);

        // a raw key that spells a long key's hash is another item (its sort key says raw)
        String spelledHash = hashed.get("pk").s().substring("I#t#notify#".length());
        assertThat(backend.done(SCOPE, List.of(spelledHash))).isEmpty();
    }

    @Test
    void eachMarkerCostsOneWriteUnitAndRequestsAreChunkedByTwentyFiveAndOneHundred() {
        List<String> keys = keys("key-", 250);
        keys.add("é".repeat(1500)); // hashed: still one small item
        double writesBefore = backend.usage().writeUnits();
        backend.markDone(SCOPE, keys, Duration.ofDays(7));
        assertThat(backend.usage().writeUnits() - writesBefore).isEqualTo(251.0);
        assertThat(roundTrips.markerWrites.get()).isEqualTo(11); // ceil(251 / 25)

        double readsBefore = backend.usage().readUnits();
        assertThat(backend.done(SCOPE, keys)).hasSize(251);
        assertThat(roundTrips.markerReads.get()).isEqualTo(3); // ceil(251 / 100)
        assertThat(backend.usage().readUnits() - readsBefore).as("consistent reads of items under 4 KB")
                .isEqualTo(251.0);
    }

    @Test
    void unprocessedKeysAndItemsAreAskedForAgain() {
        try (Injector injector = new Injector(DynamoDbLocal.endpoint());
             DynamoDbStateBackend throttled = new DynamoDbStateBackend(client(injector), table, clock)) {
            List<String> keys = keys("k", 10);
            injector.split("BatchWriteItem", 3);
            throttled.markDone(SCOPE, keys, Duration.ofDays(7));
            injector.split("BatchGetItem", 4);
            assertThat(throttled.done(SCOPE, keys)).containsExactlyInAnyOrderElementsOf(keys);

            for (String operation : List.of("BatchWriteItem", "BatchGetItem")) {
                List<ThrottlingEndToEndTest.Request> split = injector.requests(operation, "split");
                assertThat(split).as(operation).hasSize(1);
                JsonNode withheld = split.get(0).withheld();
                assertThat(withheld.size()).isEqualTo(operation.equals("BatchWriteItem") ? 7 : 6);
                assertThat(injector.requests(operation, "forwarded"))
                        .extracting(ThrottlingEndToEndTest.Request::entries)
                        .as("the next request asks for exactly what was left").contains(withheld);
            }
        }
        assertThat(backend.done(SCOPE, keys("k", 10))).hasSize(10);
    }

    @Test
    void duplicateKeysInOneCallAreOneItem() {
        List<String> keys = new ArrayList<>(Collections.nCopies(30, "same"));
        backend.markDone(SCOPE, keys, Duration.ofDays(7));
        assertThat(roundTrips.markerWrites.get()).isEqualTo(1);
        assertThat(backend.done(SCOPE, keys)).containsExactly("same");
    }
}

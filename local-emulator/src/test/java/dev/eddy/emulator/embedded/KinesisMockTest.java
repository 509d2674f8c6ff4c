package dev.eddy.emulator.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.PutRecordsRequestEntry;
import software.amazon.awssdk.services.kinesis.model.PutRecordsResultEntry;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.StreamStatus;

/**
 * {@link KinesisMock} and {@link Kinesalite} side by side, through SDK v2 clients in one JVM: the same calls against
 * both, asserting what they share and pinning where they differ. Prints what it saw and how long it took.
 */
class KinesisMockTest {

    private static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("eddylocal", "eddylocal"));
    private static final BigInteger HALF = BigInteger.ONE.shiftLeft(127);
    private static final BigInteger TOP = BigInteger.ONE.shiftLeft(128).subtract(BigInteger.ONE);

    private static final Map<String, Started> STARTED = new ConcurrentHashMap<>();
    /** observation -> emulator -> what it did; printed at the end. */
    private static final Map<String, Map<String, String>> SEEN = new TreeMap<>();

    private record Started(KinesisEmulator emulator, KinesisClient kinesis) {
    }

    @BeforeAll
    static void json() {
        Kinesalite.disableCbor();
    }

    @AfterAll
    static void stop() {
        STARTED.values().forEach(s -> {
            s.kinesis().close();
            s.emulator().close();
        });
        StringBuilder table = new StringBuilder("\n=== kinesalite vs kinesis-mock ===\n");
        SEEN.forEach((what, byKind) -> {
            table.append("# ").append(what).append('\n');
            byKind.forEach((kind, value) -> table.append("  ").append(kind).append(": ").append(value).append('\n'));
        });
        System.out.println(table);
    }

    private static void seen(String kind, String what, Object value) {
        synchronized (SEEN) {
            SEEN.computeIfAbsent(what, k -> new TreeMap<>()).put(kind, String.valueOf(value));
        }
    }

    private static Started emulator(String kind) {
        return STARTED.computeIfAbsent(kind, k -> {
            long start = System.nanoTime();
            KinesisEmulator emulator = KinesisEmulator.start(k);
            long millis = (System.nanoTime() - start) / 1_000_000;
            seen(k, "start time (ms)", millis);
            return new Started(emulator, client(emulator));
        });
    }

    private static KinesisClient client(KinesisEmulator emulator) {
        return KinesisClient.builder().httpClient(UrlConnectionHttpClient.create()).credentialsProvider(CREDENTIALS)
                .endpointOverride(emulator.endpoint()).region(Region.US_EAST_1).build();
    }

    private static String createStream(KinesisClient kinesis, String kind, String name, int shards) {
        kinesis.createStream(b -> b.streamName(name).shardCount(shards));
        StreamStatus right = kinesis.describeStreamSummary(b -> b.streamName(name)).streamDescriptionSummary()
                .streamStatus();
        seen(kind, "status right after CreateStream", right);
        kinesis.waiter().waitUntilStreamExists(b -> b.streamName(name));
        return name;
    }

    private static List<Shard> shards(KinesisClient kinesis, String stream) {
        return kinesis.listShards(b -> b.streamName(stream)).shards();
    }

    private static String describe(Shard s) {
        return s.shardId() + " parent=" + s.parentShardId() + " adjacent=" + s.adjacentParentShardId()
                + " hash=[" + s.hashKeyRange().startingHashKey() + ".." + s.hashKeyRange().endingHashKey() + "]"
                + " seq=[" + s.sequenceNumberRange().startingSequenceNumber() + ".."
                + s.sequenceNumberRange().endingSequenceNumber() + "]";
    }

    private static String iterator(KinesisClient kinesis, String stream, String shard, ShardIteratorType type,
            String sequence, Instant at) {
        return kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard).shardIteratorType(type)
                .startingSequenceNumber(sequence).timestamp(at)).shardIterator();
    }

    private static GetRecordsResponse get(KinesisClient kinesis, String iterator) {
        return kinesis.getRecords(b -> b.shardIterator(iterator).limit(10_000));
    }

    private static List<PutRecordsResultEntry> put(KinesisClient kinesis, String stream, List<String> keys,
            String hashKey) {
        List<PutRecordsRequestEntry> entries = keys.stream().map(key -> PutRecordsRequestEntry.builder()
                .partitionKey(key).explicitHashKey(hashKey).data(SdkBytes.fromUtf8String("payload of " + key))
                .build()).toList();
        var response = kinesis.putRecords(b -> b.streamName(stream).records(entries));
        assertThat(response.failedRecordCount()).isZero();
        return response.records();
    }

    private static List<String> keys(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + i).toList();
    }

    private static List<String> payloads(List<Record> records) {
        return records.stream().map(r -> r.data().asUtf8String()).toList();
    }

    private static List<String> payloads(String... keys) {
        return List.of(keys).stream().map(k -> "payload of " + k).toList();
    }

    private static BigInteger md5(String partitionKey) {
        try {
            return new BigInteger(1, MessageDigest.getInstance("MD5")
                    .digest(partitionKey.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean mock(String kind) {
        return kind.equals(KinesisEmulator.KINESIS_MOCK);
    }

    @Test
    void unknownKindIsRejected() {
        assertThatThrownBy(() -> KinesisEmulator.start("kinesis"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kinesalite").hasMessageContaining("kinesis-mock");
    }

    @ParameterizedTest
    @ValueSource(strings = {KinesisEmulator.KINESALITE, KinesisEmulator.KINESIS_MOCK})
    void listensOnLoopbackAndCreatesATwoShardStreamSplitEvenly(String kind) {
        Started started = emulator(kind);
        KinesisClient kinesis = started.kinesis();
        assertThat(started.emulator().endpoint().getHost()).isEqualTo("127.0.0.1");
        assertThat(started.emulator().endpoint().getScheme()).isEqualTo("http");

        String stream = createStream(kinesis, kind, "two-shards", 2);

        var summary = kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary();
        seen(kind, "DescribeStreamSummary", summary);
        assertThat(summary.streamStatus()).isEqualTo(StreamStatus.ACTIVE);
        assertThat(summary.openShardCount()).isEqualTo(2);
        List<Shard> shards = shards(kinesis, stream);
        seen(kind, "ListShards after CreateStream(2)", shards.stream().map(KinesisMockTest::describe).toList());
        assertThat(shards).extracting(Shard::shardId).containsExactly("shardId-000000000000", "shardId-000000000001");
        // kinesalite splits the hash key space as AWS does, at 2^127; kinesis-mock one lower, at 2^127 - 1
        BigInteger boundary = mock(kind) ? HALF.subtract(BigInteger.ONE) : HALF;
        assertThat(shards).extracting(s -> s.hashKeyRange().startingHashKey())
                .containsExactly("0", boundary.toString());
        assertThat(shards).extracting(s -> s.hashKeyRange().endingHashKey())
                .containsExactly(boundary.subtract(BigInteger.ONE).toString(), TOP.toString());
        assertThat(shards).allSatisfy(s -> {
            assertThat(s.parentShardId()).isNull();
            assertThat(s.sequenceNumberRange().endingSequenceNumber()).isNull();
        });

        // partition keys go to the shard whose range holds their MD5, on both
        List<String> keys = keys("key-", 20);
        List<PutRecordsResultEntry> results = put(kinesis, stream, keys, null);
        for (int i = 0; i < keys.size(); i++) {
            String expected = md5(keys.get(i)).compareTo(HALF) < 0 ? "shardId-000000000000" : "shardId-000000000001";
            assertThat(results.get(i).shardId()).as(keys.get(i)).isEqualTo(expected);
        }
        seen(kind, "PutRecords result entry", results.get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {KinesisEmulator.KINESALITE, KinesisEmulator.KINESIS_MOCK})
    void everyIteratorTypeStartsWhereItShould(String kind) throws InterruptedException {
        KinesisClient kinesis = emulator(kind).kinesis();
        String stream = createStream(kinesis, kind, "iterators", 2);
        String shard = "shardId-000000000000";

        String latest = iterator(kinesis, stream, shard, ShardIteratorType.LATEST, null, null);
        GetRecordsResponse emptyLatest = get(kinesis, latest);
        seen(kind, "GetRecords LATEST on an empty shard", emptyLatest);
        assertThat(emptyLatest.records()).isEmpty();
        GetRecordsResponse emptyTrim = get(kinesis, iterator(kinesis, stream, shard, ShardIteratorType.TRIM_HORIZON,
                null, null));
        seen(kind, "GetRecords TRIM_HORIZON on an empty shard", emptyTrim);
        assertThat(emptyTrim.records()).isEmpty();

        List<PutRecordsResultEntry> first = put(kinesis, stream, keys("a", 5), "0");
        assertThat(first).allSatisfy(r -> assertThat(r.shardId()).isEqualTo(shard));
        Thread.sleep(1_000);
        Instant between = Instant.now();
        Thread.sleep(1_000);
        List<PutRecordsResultEntry> second = put(kinesis, stream, keys("b", 5), "0");

        // LATEST taken before the puts sees exactly them, from the first
        GetRecordsResponse fromLatest = get(kinesis, emptyLatest.nextShardIterator());
        assertThat(payloads(fromLatest.records()))
                .containsExactlyElementsOf(payloads("a0", "a1", "a2", "a3", "a4", "b0", "b1", "b2", "b3", "b4"));

        GetRecordsResponse all = get(kinesis, iterator(kinesis, stream, shard, ShardIteratorType.TRIM_HORIZON,
                null, null));
        seen(kind, "GetRecords TRIM_HORIZON, 10 records: MillisBehindLatest", all.millisBehindLatest());
        seen(kind, "GetRecords TRIM_HORIZON, 10 records: ChildShards", all.childShards());
        seen(kind, "GetRecords TRIM_HORIZON, 10 records: NextShardIterator null?", all.nextShardIterator() == null);
        seen(kind, "GetRecords record", all.records().get(0));
        assertThat(all.records()).extracting(Record::sequenceNumber).containsExactlyElementsOf(
                Stream.concat(first.stream(), second.stream())
                        .map(PutRecordsResultEntry::sequenceNumber).toList());
        assertThat(all.nextShardIterator()).isNotNull();
        GetRecordsResponse oldest = kinesis.getRecords(b -> b.limit(1).shardIterator(iterator(kinesis, stream, shard,
                ShardIteratorType.TRIM_HORIZON, null, null)));
        seen(kind, "GetRecords TRIM_HORIZON limit 1 (a0, 2 s older than the tip b4): MillisBehindLatest",
                oldest.millisBehindLatest());
        assertThat(payloads(oldest.records())).containsExactly("payload of a0");
        // kinesalite says 0 except at the end of a closed shard; kinesis-mock measures it as AWS does
        if (mock(kind)) {
            assertThat(oldest.millisBehindLatest()).isBetween(1_500L, 10_000L);
        } else {
            assertThat(oldest.millisBehindLatest()).isZero();
        }

        String third = first.get(2).sequenceNumber();
        List<Record> at = get(kinesis, iterator(kinesis, stream, shard, ShardIteratorType.AT_SEQUENCE_NUMBER,
                third, null)).records();
        assertThat(payloads(at)).startsWith("payload of a2").hasSize(8);
        List<Record> after = get(kinesis, iterator(kinesis, stream, shard, ShardIteratorType.AFTER_SEQUENCE_NUMBER,
                third, null)).records();
        assertThat(payloads(after)).startsWith("payload of a3").hasSize(7);

        List<Record> atTime = get(kinesis, iterator(kinesis, stream, shard, ShardIteratorType.AT_TIMESTAMP,
                null, between)).records();
        assertThat(payloads(atTime)).containsExactlyElementsOf(payloads("b0", "b1", "b2", "b3", "b4"));
        seen(kind, "ApproximateArrivalTimestamps of a0, b0 (AT_TIMESTAMP " + "between them)",
                all.records().get(0).approximateArrivalTimestamp() + ", "
                        + all.records().get(5).approximateArrivalTimestamp());

        // LATEST now: nothing until the next put; the other shard stayed empty
        String latestNow = iterator(kinesis, stream, shard, ShardIteratorType.LATEST, null, null);
        assertThat(get(kinesis, latestNow).records()).isEmpty();
        put(kinesis, stream, List.of("c0"), "0");
        GetRecordsResponse newest = get(kinesis, latestNow);
        assertThat(payloads(newest.records())).containsExactly("payload of c0");
        assertThat(get(kinesis, iterator(kinesis, stream, "shardId-000000000001", ShardIteratorType.TRIM_HORIZON,
                null, null)).records()).isEmpty();

        GetRecordsResponse tip = get(kinesis, newest.nextShardIterator());
        seen(kind, "GetRecords at the tip: MillisBehindLatest", tip.millisBehindLatest());
        assertThat(tip.records()).isEmpty();
        assertThat(tip.millisBehindLatest()).isZero();
        assertThat(all.millisBehindLatest()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {KinesisEmulator.KINESALITE, KinesisEmulator.KINESIS_MOCK})
    void splitShardClosesTheParentAndItsIteratorEnds(String kind) {
        KinesisClient kinesis = emulator(kind).kinesis();
        String stream = createStream(kinesis, kind, "split", 2);
        List<PutRecordsResultEntry> before = put(kinesis, stream, keys("before", 3), "0");
        String splitAt = BigInteger.ONE.shiftLeft(126).toString();

        long start = System.nanoTime();
        var split = kinesis.splitShard(b -> b.streamName(stream).shardToSplit("shardId-000000000000")
                .newStartingHashKey(splitAt));
        StreamStatus right = kinesis.describeStreamSummary(b -> b.streamName(stream)).streamDescriptionSummary()
                .streamStatus();
        seen(kind, "SplitShard response", split);
        seen(kind, "status right after SplitShard", right);
        kinesis.waiter().waitUntilStreamExists(b -> b.streamName(stream));
        seen(kind, "SplitShard until ACTIVE (ms)", (System.nanoTime() - start) / 1_000_000);

        List<Shard> shards = shards(kinesis, stream);
        seen(kind, "ListShards after SplitShard", shards.stream().map(KinesisMockTest::describe).toList());
        Map<String, Shard> byId = shards.stream().collect(Collectors.toMap(Shard::shardId, Function.identity(),
                (a, b) -> a, LinkedHashMap::new));
        assertThat(byId.keySet()).containsExactly("shardId-000000000000", "shardId-000000000001",
                "shardId-000000000002", "shardId-000000000003");
        Shard parent = byId.get("shardId-000000000000");
        String ending = parent.sequenceNumberRange().endingSequenceNumber();
        if (mock(kind)) {
            // not a sequence number of the shard: Long.MAX_VALUE, below every real one
            assertThat(ending).isEqualTo(Long.toString(Long.MAX_VALUE));
        } else {
            assertThat(new BigInteger(ending)).isGreaterThan(new BigInteger(before.get(2).sequenceNumber()));
        }
        assertThat(parent.hashKeyRange().startingHashKey()).isEqualTo("0");
        Shard low = byId.get("shardId-000000000002");
        Shard high = byId.get("shardId-000000000003");
        assertThat(low.parentShardId()).isEqualTo("shardId-000000000000");
        assertThat(high.parentShardId()).isEqualTo("shardId-000000000000");
        assertThat(low.hashKeyRange().startingHashKey()).isEqualTo("0");
        assertThat(low.hashKeyRange().endingHashKey()).isEqualTo(new BigInteger(splitAt).subtract(BigInteger.ONE)
                .toString());
        assertThat(high.hashKeyRange().startingHashKey()).isEqualTo(splitAt);
        assertThat(high.hashKeyRange().endingHashKey()).isEqualTo(parent.hashKeyRange().endingHashKey());
        assertThat(byId.get("shardId-000000000001").sequenceNumberRange().endingSequenceNumber()).isNull();

        List<PutRecordsResultEntry> later = put(kinesis, stream, keys("after", 2), "0");
        assertThat(later).allSatisfy(r -> assertThat(r.shardId()).isEqualTo("shardId-000000000002"));

        // read the closed parent from its start until NextShardIterator is null
        String it = iterator(kinesis, stream, "shardId-000000000000", ShardIteratorType.TRIM_HORIZON, null, null);
        List<String> reads = new ArrayList<>();
        List<Record> records = new ArrayList<>();
        GetRecordsResponse last = null;
        for (int call = 0; call < 10 && it != null; call++) {
            last = get(kinesis, it);
            records.addAll(last.records());
            reads.add(last.records().size() + " records, next " + (last.nextShardIterator() == null ? "null" : "set")
                    + ", MillisBehindLatest " + last.millisBehindLatest() + ", ChildShards "
                    + (last.hasChildShards() ? last.childShards() : "absent"));
            it = last.nextShardIterator();
        }
        seen(kind, "GetRecords on the closed parent, call by call", reads);
        assertThat(payloads(records)).containsExactlyElementsOf(payloads("before0", "before1", "before2"));
        assertThat(it).as("NextShardIterator at the end of a closed shard").isNull();
        if (mock(kind)) {
            // the last records come with NextShardIterator null and the children, as on AWS
            assertThat(reads).hasSize(1);
            assertThat(last.childShards()).extracting(c -> c.shardId())
                    .containsExactly("shardId-000000000002", "shardId-000000000003");
        } else {
            // the records, then an empty response with NextShardIterator null and no ChildShards
            assertThat(reads).hasSize(2);
            assertThat(last.records()).isEmpty();
            assertThat(last.hasChildShards()).isFalse();
        }

        String latestOnParent = iterator(kinesis, stream, "shardId-000000000000", ShardIteratorType.LATEST, null,
                null);
        GetRecordsResponse latestRead = get(kinesis, latestOnParent);
        seen(kind, "GetRecords LATEST on the closed parent", latestRead);
        assertThat(latestRead.records()).isEmpty();
        assertThat(latestRead.nextShardIterator()).isNull();
    }

    /** @return "ok: " and the response, or the exception's class and message */
    private static String outcome(Supplier<?> call) {
        try {
            return "ok: " + call.get();
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {KinesisEmulator.KINESALITE, KinesisEmulator.KINESIS_MOCK})
    void edgeCasesOfIterators(String kind) {
        KinesisClient kinesis = emulator(kind).kinesis();
        String stream = createStream(kinesis, kind, "edges", 2);
        String shard = "shardId-000000000000";
        List<PutRecordsResultEntry> zero = put(kinesis, stream, keys("z", 3), "0");
        List<PutRecordsResultEntry> one = put(kinesis, stream, keys("o", 3), TOP.toString());

        String future = outcome(() -> get(kinesis, iterator(kinesis, stream, shard, ShardIteratorType.AT_TIMESTAMP,
                null, Instant.now().plus(Duration.ofHours(1)))).records());
        seen(kind, "AT_TIMESTAMP one hour ahead", future);
        String otherShard = outcome(() -> get(kinesis, iterator(kinesis, stream, shard,
                ShardIteratorType.AFTER_SEQUENCE_NUMBER, one.get(0).sequenceNumber(), null)).records().size()
                + " records");
        seen(kind, "AFTER_SEQUENCE_NUMBER with a sequence number of the other shard", otherShard);
        String startingSeq = shards(kinesis, stream).get(0).sequenceNumberRange().startingSequenceNumber();
        String atStart = outcome(() -> payloads(get(kinesis, iterator(kinesis, stream, shard,
                ShardIteratorType.AT_SEQUENCE_NUMBER, startingSeq, null)).records()));
        seen(kind, "AT_SEQUENCE_NUMBER the shard's StartingSequenceNumber", atStart);
        String missingShard = outcome(() -> iterator(kinesis, stream, "shardId-000000000009",
                ShardIteratorType.TRIM_HORIZON, null, null));
        seen(kind, "GetShardIterator on a shard that does not exist", missingShard);
        String garbage = outcome(() -> get(kinesis, "AAAAAAAAAAGarbage"));
        seen(kind, "GetRecords with a malformed iterator", garbage);
        String missingStream = outcome(() -> kinesis.describeStreamSummary(b -> b.streamName("absent")));
        seen(kind, "DescribeStreamSummary of a stream that does not exist", missingStream);
        assertThat(future).startsWith("InvalidArgumentException");
        assertThat(otherShard).startsWith(mock(kind) ? "ResourceNotFoundException" : "InvalidArgumentException");
        assertThat(atStart).isEqualTo("ok: " + payloads("z0", "z1", "z2"));
        assertThat(missingShard).startsWith("ResourceNotFoundException");
        // kinesis-mock fails on it with HTTP 500, which the SDK retries before throwing
        assertThat(garbage).startsWith(mock(kind) ? "KinesisException: Service returned HTTP status code 500"
                : "InvalidArgumentException");
        assertThat(missingStream).startsWith("ResourceNotFoundException");
        assertThat(zero).extracting(PutRecordsResultEntry::shardId).containsOnly(shard);
    }

    @ParameterizedTest
    @ValueSource(strings = {KinesisEmulator.KINESALITE, KinesisEmulator.KINESIS_MOCK})
    void putsAndReadsTwoThousandRecords(String kind) {
        KinesisClient kinesis = emulator(kind).kinesis();
        String stream = createStream(kinesis, kind, "throughput", 2);
        long putMillis = putTwoThousand(kinesis, stream, 0);

        long start = System.nanoTime();
        int read = 0;
        int calls = 0;
        for (String shard : List.of("shardId-000000000000", "shardId-000000000001")) {
            String it = iterator(kinesis, stream, shard, ShardIteratorType.TRIM_HORIZON, null, null);
            while (true) {
                GetRecordsResponse response = get(kinesis, it);
                calls++;
                read += response.records().size();
                it = response.nextShardIterator();
                if (response.records().isEmpty()) {
                    break;
                }
            }
        }
        long readMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(read).isEqualTo(2_000);
        seen(kind, "2,000 records: PutRecords x4 of 500 (ms)", putMillis);
        seen(kind, "2,000 records: GetRecords from TRIM_HORIZON, both shards (ms, calls)", readMillis + ", " + calls);
        seen(kind, "2,000 more records into that stream: PutRecords x4 of 500 (ms)",
                putTwoThousand(kinesis, stream, 2_000));
    }

    /** @return how long 4 PutRecords calls of 500 records of about 100 bytes took, in ms */
    private static long putTwoThousand(KinesisClient kinesis, String stream, int first) {
        String body = "x".repeat(100);
        long start = System.nanoTime();
        for (int batch = 0; batch < 4; batch++) {
            int offset = first + batch * 500;
            List<PutRecordsRequestEntry> entries = IntStream.range(offset, offset + 500)
                    .mapToObj(i -> PutRecordsRequestEntry.builder().partitionKey("k" + i)
                            .data(SdkBytes.fromUtf8String(i + body)).build()).toList();
            assertThat(kinesis.putRecords(b -> b.streamName(stream).records(entries)).failedRecordCount()).isZero();
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    @ParameterizedTest
    @ValueSource(strings = {KinesisEmulator.KINESALITE, KinesisEmulator.KINESIS_MOCK})
    void cborClient(String kind) {
        KinesisEmulator emulator = emulator(kind).emulator();
        KinesisClient cbor;
        synchronized (System.getProperties()) {
            String before = System.getProperty("aws.cborEnabled");
            System.setProperty("aws.cborEnabled", "true");
            try {
                cbor = client(emulator);
            } finally {
                if (before == null) {
                    System.clearProperty("aws.cborEnabled");
                } else {
                    System.setProperty("aws.cborEnabled", before);
                }
            }
        }
        String outcome;
        try (cbor) {
            outcome = outcome(() -> {
                String stream = "cbor";
                cbor.createStream(b -> b.streamName(stream).shardCount(1));
                cbor.waiter().waitUntilStreamExists(b -> b.streamName(stream));
                put(cbor, stream, List.of("c"), null);
                return payloads(get(cbor, iterator(cbor, stream, "shardId-000000000000",
                        ShardIteratorType.AT_TIMESTAMP, null, Instant.now().minus(Duration.ofMinutes(1)))).records());
            });
        }
        seen(kind, "SDK v2 client with aws.cborEnabled=true", outcome);
        if (mock(kind)) {
            assertThat(outcome).isEqualTo("ok: " + payloads("c"));
        } else {
            assertThat(outcome).startsWith("KinesisException: Start of structure or map found where not expected.");
        }
    }
}

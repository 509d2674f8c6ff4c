package dev.eddy.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.aggregate.Aggregator;
import dev.eddy.codec.Json;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.PipelineDefinition;
import dev.eddy.pipeline.RecordErrorPolicy;
import dev.eddy.pipeline.Windowed;
import dev.eddy.sink.Firehose;
import dev.eddy.sink.Sns;
import dev.eddy.window.GlobalWindows;
import dev.eddy.window.TumblingWindows;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EddyTestDriverTest {

    /** A sensor reading; {@code at} is its event time. */
    record Reading(String sensor, Instant at, long value) {
    }

    /** Count and sum of a window's readings. */
    record Sum(long count, long sum) {
        static final Aggregator<Reading, Sum, Sum> AGGREGATOR = Aggregator.of(Sum.class, () -> new Sum(0, 0),
                (s, r) -> new Sum(s.count + 1, s.sum + r.value()), (a, b) -> new Sum(a.count + b.count, a.sum + b.sum),
                s -> s);
    }

    /** A result as the sinks get it. */
    record Total(String id, String sensor, Instant windowStart, Instant windowEnd, long count, long sum, int firing) {
        static Total of(Windowed<Sum> w) {
            return new Total(w.id(), w.key(), w.window().start(), w.window().end(), w.value().count(),
                    w.value().sum(), w.firing());
        }
    }

    private static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");

    /** Per sensor and minute, to Firehose; minutes whose sum reaches 100 also to SNS. */
    private static final PipelineDefinition MINUTES = () -> Pipeline.named("minutes")
            .from(KinesisSource.stream("readings").decode(Json.of(Reading.class)))
            .withEventTime(Reading::at, Duration.ofSeconds(5))
            .keyBy(Reading::sensor)
            .window(TumblingWindows.of(Duration.ofMinutes(1)))
            .aggregate(Sum.AGGREGATOR)
            .map(Total::of)
            .to(Firehose.deliveryStream("totals"))
            .branch(totals -> totals.filter(t -> t.sum() >= 100).to(Sns.topic("high")))
            .build();

    private static Reading reading(String sensor, int second, long value) {
        return new Reading(sensor, T0.plusSeconds(second), value);
    }

    /** Three sensors over three minutes, some out of order within the 5 s bound. */
    private static List<Reading> input() {
        List<Reading> input = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            int second = i * 2 - (i % 3 == 0 ? 3 : 0);
            input.add(reading("s" + (i % 3), Math.max(0, second), i + 1));
        }
        return input;
    }

    /** The expected totals, folded directly from the input: "sensor@minute" → [count, sum]. */
    private static Map<String, List<Long>> expected(List<Reading> input) {
        Map<String, List<Long>> totals = new HashMap<>();
        for (Reading r : input) {
            Instant minute = Instant.ofEpochSecond(r.at().getEpochSecond() / 60 * 60);
            totals.merge(r.sensor() + "@" + minute, List.of(1L, r.value()),
                    (a, b) -> List.of(a.get(0) + b.get(0), a.get(1) + b.get(1)));
        }
        return totals;
    }

    private static Map<String, List<Long>> byWindow(List<Total> totals) {
        Map<String, List<Long>> map = new HashMap<>();
        for (Total t : totals) {
            assertThat(map.put(t.sensor() + "@" + t.windowStart(), List.of(t.count(), t.sum())))
                    .as("one result per window: %s", t).isNull();
        }
        return map;
    }

    /** Results once per id, as a consumer that deduplicates sees them. */
    private static List<Total> distinctById(List<Total> totals) {
        Map<String, Total> byId = new LinkedHashMap<>();
        totals.forEach(t -> byId.putIfAbsent(t.id(), t));
        return List.copyOf(byId.values());
    }

    private static void putAll(EddyTestDriver driver, List<Reading> input) {
        input.forEach(r -> driver.put(r.sensor(), r));
    }

    @Test
    void windowsFireWhenTheWatermarkPassesThemAndTheRestOnDrain() {
        try (var driver = EddyTestDriver.of(MINUTES)) {
            driver.put("s0", reading("s0", 0, 7));
            driver.put("s0", reading("s0", 30, 8));
            driver.flush();
            assertThat(driver.output("totals")).as("the minute is still open").isEmpty();

            driver.put("s0", reading("s0", 64, 1)); // watermark 10:01:04 - 5 s - 1 ms: before the minute's end - 1
            driver.flush();
            assertThat(driver.output("totals")).isEmpty();
            driver.put("s0", reading("s0", 65, 1)); // watermark 10:00:59.999: the first minute fires
            driver.flush();
            assertThat(driver.output("totals", Total.class)).singleElement()
                    .satisfies(t -> {
                        assertThat(t.windowStart()).isEqualTo(T0);
                        assertThat(t.count()).isEqualTo(2);
                        assertThat(t.sum()).isEqualTo(15);
                    });

            driver.drain();
            assertThat(driver.output("totals", Total.class)).extracting(Total::count).containsExactly(2L, 2L);
            assertThat(driver.output("high")).as("no minute reaches 100").isEmpty();
        }
    }

    @Test
    void resultsEqualAFoldOfTheInputWhateverTheShardsAndBatchSize() {
        List<Reading> input = input();
        for (int[] setting : new int[][] {{1, 1}, {1, 7}, {4, 100}, {3, 1000}}) {
            try (var driver = EddyTestDriver.builder(MINUTES).shards(setting[0]).batchSize(setting[1]).build()) {
                putAll(driver, input);
                driver.drain();
                assertThat(byWindow(driver.output("totals", Total.class)))
                        .as("%d shards, batch size %d", setting[0], setting[1]).isEqualTo(expected(input));
                assertThat(driver.output("high", Total.class)).allSatisfy(t -> assertThat(t.sum()).isGreaterThan(99))
                        .isNotEmpty();
                assertThat(driver.failures()).isEmpty();
                assertThat(driver.lateData()).isEmpty();
            }
        }
    }

    @Test
    void batchesHaveThePipelinesBatchSizeUnlessTheBuilderSaysOtherwise() {
        PipelineDefinition fives = () -> Pipeline.named("fives")
                .from(KinesisSource.stream("readings").withShards(1).withBatchSize(5).decode(Json.of(Reading.class)))
                .keyBy(Reading::sensor)
                .window(TumblingWindows.of(Duration.ofMinutes(1)))
                .count()
                .to(Firehose.deliveryStream("counts"))
                .build();
        try (var driver = EddyTestDriver.of(fives)) {
            for (int i = 0; i < 12; i++) {
                driver.put("s", reading("s", i, 1));
            }
            driver.flush();
            assertThat(driver.metrics().invocations()).isEqualTo(3);
            assertThat(driver.metrics().records()).isEqualTo(12);
        }
        try (var driver = EddyTestDriver.builder(fives).batchSize(100).build()) {
            for (int i = 0; i < 12; i++) {
                driver.put("s", reading("s", i, 1));
            }
            driver.flush();
            assertThat(driver.metrics().invocations()).isEqualTo(1);
        }
    }

    @Test
    void aDuplicatedOrRedeliveredBatchCountsNothingTwice() {
        List<Reading> input = input();
        try (var driver = EddyTestDriver.builder(MINUTES).shards(1).batchSize(10).build()) {
            putAll(driver, input.subList(0, 40));
            driver.duplicateNextBatch();
            driver.duplicateNextBatch();
            driver.flush();
            driver.redeliverLastBatch(); // read again, with what comes after it
            putAll(driver, input.subList(40, input.size()));
            driver.duplicateNextBatch();
            driver.drain();

            assertThat(byWindow(driver.output("totals", Total.class))).isEqualTo(expected(input));
            assertThat(driver.metrics().replaysSkipped()).as("two duplicates, a redelivery and its duplicate")
                    .isEqualTo(40);
            assertThat(driver.metrics().records()).isEqualTo(input.size());
        }
    }

    @Test
    void aFailingSinkFailsTheBatchWhichIsRetriedUntilEverythingIsDeliveredWithTheSameIds() {
        List<Reading> input = input();
        List<Total> clean;
        List<Total> cleanHigh;
        try (var driver = EddyTestDriver.builder(MINUTES).shards(1).batchSize(20).build()) {
            putAll(driver, input);
            driver.drain();
            clean = driver.output("totals", Total.class);
            cleanHigh = driver.output("high", Total.class);
        }
        try (var driver = EddyTestDriver.builder(MINUTES).shards(1).batchSize(20).build()) {
            driver.failSink("high", 3);
            putAll(driver, input);
            driver.drain();

            List<Total> totals = driver.output("totals", Total.class);
            assertThat(totals.size()).as("the healthy sink got some results again").isGreaterThan(clean.size());
            assertThat(distinctById(totals)).containsExactlyInAnyOrderElementsOf(clean);
            assertThat(driver.output("high", Total.class)).as("the failing sink got each result once it worked")
                    .containsExactlyInAnyOrderElementsOf(cleanHigh);
            assertThat(driver.metrics().records()).isEqualTo(input.size());
            assertThat(driver.metrics().windowsFired()).as("each window fired once").isEqualTo(clean.size());
        }
    }

    @Test
    void aSinkFailingOnDrainIsRetriedToo() {
        try (var driver = EddyTestDriver.of(MINUTES)) {
            driver.put("s0", reading("s0", 0, 5));
            driver.flush();
            driver.failSink("firehose:totals", 2);
            driver.drain();
            assertThat(driver.output("totals", Total.class)).singleElement()
                    .extracting(Total::count).isEqualTo(1L);
        }
    }

    @Test
    void aBatchThatKeepsFailingEndsInAnAssertionErrorNotAHang() {
        try (var driver = EddyTestDriver.builder(MINUTES).maxRetries(2).build()) {
            driver.failSink("totals", 5);
            driver.put("s0", reading("s0", 0, 5));
            driver.put("s0", reading("s0", 100, 5)); // fires the first minute in this batch
            assertThatThrownBy(driver::flush).isInstanceOf(AssertionError.class)
                    .hasMessageContaining(driver.shardOf("s0"))
                    .hasMessageContaining("failed 3 times (maxRetries 2)");
        }
    }

    @Test
    void retriesDefaultToThePipelinesMaximumRetryAttempts() {
        PipelineDefinition once = () -> Pipeline.named("once")
                .from(KinesisSource.stream("readings").withMaxRetryAttempts(1).decode(Json.of(Reading.class)))
                .keyBy(Reading::sensor)
                .window(GlobalWindows.withCountTrigger(1))
                .count()
                .to(Firehose.deliveryStream("counts"))
                .build();
        try (var driver = EddyTestDriver.of(once)) {
            driver.failSink("counts", 1);
            driver.put("s0", reading("s0", 0, 1));
            driver.flush();
            assertThat(driver.output("counts")).hasSize(1);

            driver.failSink("counts", 2);
            driver.put("s0", reading("s0", 1, 1));
            assertThatThrownBy(driver::flush).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("failed 2 times (maxRetries 1)")
                    .hasMessageContaining("on-failure destination");
        }
    }

    @Test
    void aRecordThatFailsUnderTheRetryPolicyIsRetriedFromItselfThenReported() {
        PipelineDefinition strict = () -> Pipeline.named("strict").onRecordError(RecordErrorPolicy.RETRY)
                .from(KinesisSource.stream("readings").withShards(1).decode(Json.of(Reading.class)))
                .withEventTime(Reading::at, Duration.ZERO)
                .keyBy(Reading::sensor)
                .window(TumblingWindows.of(Duration.ofMinutes(1)))
                .aggregate(Sum.AGGREGATOR)
                .map(Total::of)
                .to(Firehose.deliveryStream("totals"))
                .build();
        try (var driver = EddyTestDriver.builder(strict).maxRetries(3).build()) {
            driver.put("s0", reading("s0", 0, 5));
            driver.put("s0", "not json");
            driver.put("s0", reading("s0", 1, 5));
            assertThatThrownBy(driver::flush).isInstanceOf(AssertionError.class)
                    .hasMessageContaining("failed 4 times (maxRetries 3)");
            assertThat(driver.metrics().records()).as("the record before it is committed").isEqualTo(1);
            assertThat(driver.failures()).isEmpty();
        }
    }

    @Test
    void aRecordThatDoesNotDecodeGoesToTheFailureDestinationWithItsShardSequenceNumberAndData() {
        try (var driver = EddyTestDriver.builder(MINUTES).startTime(T0).build()) {
            driver.put("s1", reading("s1", 0, 5));
            driver.put("s1", "{\"sensor\": \"s1\"}");
            driver.drain();

            JsonNode poison = driver.failures().get(0);
            assertThat(driver.failures()).hasSize(1);
            assertThat(poison.get("type").asText()).isEqualTo("poison");
            assertThat(poison.get("shardId").asText()).isEqualTo(driver.shardOf("s1"));
            assertThat(poison.get("partitionKey").asText()).isEqualTo("s1");
            assertThat(poison.get("approximateArrivalTimestamp").asText()).isEqualTo(T0.toString());
            assertThat(new String(Base64.getDecoder().decode(poison.get("data").asText()), StandardCharsets.UTF_8))
                    .isEqualTo("{\"sensor\": \"s1\"}");
            String sequenceNumber = poison.get("sequenceNumber").asText();
            assertThat(sequenceNumber).hasSize(56).containsOnlyDigits();
            assertThat(poison.get("id").asText()).contains(driver.shardOf("s1") + ":" + sequenceNumber);
            assertThat(driver.output("totals")).hasSize(1);
        }
    }

    @Test
    void aRecordPastItsWindowGoesToLateData() {
        try (var driver = EddyTestDriver.of(MINUTES)) {
            driver.put("s0", reading("s0", 0, 5));
            driver.put("s0", reading("s0", 200, 5));
            driver.put("s0", reading("s0", 10, 5)); // its minute fired when the watermark passed 10:01
            driver.drain();
            assertThat(driver.lateData()).singleElement().satisfies(late -> {
                assertThat(late.get("type").asText()).isEqualTo("late");
                assertThat(late.get("key").asText()).isEqualTo("s0");
                assertThat(late.get("eventTime").asText()).isEqualTo(T0.plusSeconds(10).toString());
            });
            assertThat(driver.metrics().lateRecords()).isEqualTo(1);
            assertThat(driver.failures()).isEmpty();
        }
    }

    @Test
    void partitionKeysAreRoutedByTheirMd5OverEvenHashKeyRanges() throws Exception {
        try (var driver = EddyTestDriver.builder(MINUTES).shards(4).build()) {
            BigInteger quarter = BigInteger.TWO.pow(126);
            for (String key : List.of("s0", "s1", "s2", "DTW", "ATL", "LAX", "ORD", "card-42")) {
                BigInteger hash = new BigInteger(1, MessageDigest.getInstance("MD5")
                        .digest(key.getBytes(StandardCharsets.UTF_8)));
                assertThat(driver.shardOf(key)).as(key)
                        .isEqualTo(String.format("shardId-%012d", hash.divide(quarter).intValueExact()));
            }
        }
    }

    @Test
    void aKeyWhoseRecordsReachTwoShardsIsRefused() {
        try (var driver = EddyTestDriver.builder(MINUTES).shards(4).build()) {
            String other = List.of("a", "b", "c", "d", "e", "f", "g").stream()
                    .filter(p -> !driver.shardOf(p).equals(driver.shardOf("s0"))).findFirst().orElseThrow();
            driver.put("s0", reading("s0", 0, 1));
            assertThatThrownBy(() -> driver.put(other, reading("s0", 1, 1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("key 's0'").hasMessageContaining("partition key");
        }
    }

    @Test
    void withoutAnEventTimeExtractorTheArrivalTimeDecidesTheWindow() {
        PipelineDefinition arrivals = () -> Pipeline.named("arrivals")
                .from(KinesisSource.stream("readings").decode(Json.of(Reading.class)))
                .keyBy(Reading::sensor)
                .window(TumblingWindows.of(Duration.ofMinutes(1)))
                .count()
                .map(w -> Map.of("minute", w.window().start().toString(), "count", w.value()))
                .to(Firehose.deliveryStream("counts"))
                .build();
        try (var driver = EddyTestDriver.builder(arrivals).startTime(T0).build()) {
            driver.put("s0", reading("s0", 0, 1));
            driver.advanceTime(Duration.ofSeconds(30));
            driver.put("s0", reading("s0", 0, 1));
            driver.advanceTime(Duration.ofSeconds(40));
            driver.put("s0", reading("s0", 0, 1));
            driver.put("s0", reading("s0", 0, 1), T0.plusSeconds(10)); // arrived earlier: late, its minute fired
            driver.drain();
            assertThat(driver.output("counts")).extracting(n -> n.get("minute").asText() + "=" + n.get("count"))
                    .containsExactly(T0 + "=2", T0.plusSeconds(60) + "=1");
            assertThat(driver.lateData()).hasSize(1);
        }
    }

    /** Panes of a key, fired by a processing-time trigger. */
    record Pane(String sensor, int pane, long count) {
    }

    @Test
    void advancingTheClockDeliversHeartbeatsThatFireAProcessingTimePaneWithoutRecords() {
        PipelineDefinition minutely = () -> Pipeline.named("minutely")
                .from(KinesisSource.stream("readings").withShards(1).decode(Json.of(Reading.class)))
                .keyBy(Reading::sensor)
                .window(GlobalWindows.withProcessingTimeTrigger(Duration.ofMinutes(1)))
                .aggregate(Sum.AGGREGATOR)
                .map(w -> new Pane(w.key(), w.firing(), w.value().count()))
                .to(Sns.topic("panes"))
                .build();
        try (var driver = EddyTestDriver.of(minutely)) {
            driver.put("a", reading("a", 0, 1));
            driver.put("a", reading("a", 0, 1));
            driver.flush();
            driver.advanceTime(Duration.ofSeconds(59));
            driver.put("b", reading("b", 0, 1));
            driver.flush();
            assertThat(driver.output("panes")).as("a's pane is due at +60 s").isEmpty();

            driver.advanceTime(Duration.ofSeconds(1));
            driver.flush();
            assertThat(driver.output("panes", Pane.class)).as("no records: the heartbeat at +60 s fires a's pane")
                    .containsExactly(new Pane("a", 0, 2));
            assertThat(driver.metrics().count(dev.eddy.metrics.Metric.HEARTBEATS)).isEqualTo(1);
            driver.put("c", reading("c", 0, 1));
            driver.flush();
            assertThat(driver.output("panes", Pane.class)).containsExactly(new Pane("a", 0, 2));

            driver.advanceTime(Duration.ofMinutes(5));
            driver.put("d", reading("d", 0, 1));
            driver.drain(); // d's pane is not due: it stays, as in Flink
            assertThat(driver.output("panes", Pane.class)).containsExactlyInAnyOrder(new Pane("a", 0, 2),
                    new Pane("b", 0, 1), new Pane("c", 0, 1));
        }
    }

    @Test
    void withIdlenessAQuietShardsLastWindowFiresOnTheHeartbeatsAfterTheIdleness() {
        PipelineDefinition idle = () -> Pipeline.named("idle")
                .from(KinesisSource.stream("readings").withShards(1).withIdleness(Duration.ofMinutes(5))
                        .decode(Json.of(Reading.class)))
                .keyBy(Reading::sensor)
                .window(TumblingWindows.of(Duration.ofMinutes(1)))
                .count()
                .map(w -> Map.of("minute", w.window().start().toString(), "count", w.value()))
                .to(Firehose.deliveryStream("counts"))
                .build();
        try (var driver = EddyTestDriver.builder(idle).startTime(T0).build()) {
            driver.put("s0", reading("s0", 0, 1));
            driver.put("s0", reading("s0", 0, 1));
            driver.flush();
            driver.advanceTime(Duration.ofMinutes(4));
            driver.flush();
            assertThat(driver.output("counts")).as("idle for 4 of 5 minutes: the window waits").isEmpty();

            driver.advanceTime(Duration.ofMinutes(2));
            driver.duplicateNextBatch(); // the heartbeats' batch, delivered twice: it counts once
            driver.flush();
            assertThat(driver.output("counts")).extracting(n -> n.get("minute").asText() + "=" + n.get("count"))
                    .as("idle for 5 minutes: the watermark follows the heartbeats").containsExactly(T0 + "=2");
            assertThat(driver.metrics().count(dev.eddy.metrics.Metric.HEARTBEATS)).isEqualTo(6);
            driver.put("s0", reading("s0", 0, 1), T0.plusSeconds(30));
            driver.flush();
            assertThat(driver.lateData()).as("a record of the fired minute is late").hasSize(1);
            assertThat(driver.metrics().count(dev.eddy.metrics.Metric.IDLE_FIRINGS)).isEqualTo(1);
        }
    }

    @Test
    void aCountTriggerFiresEveryNElementsOfAKey() {
        PipelineDefinition threes = () -> Pipeline.named("threes")
                .from(KinesisSource.stream("readings").decode(Json.of(Reading.class)))
                .keyBy(Reading::sensor)
                .window(GlobalWindows.withCountTrigger(3))
                .aggregate(Sum.AGGREGATOR)
                .map(w -> new Pane(w.key(), w.firing(), w.value().sum()))
                .to(Firehose.deliveryStream("panes"))
                .build();
        try (var driver = EddyTestDriver.builder(threes).batchSize(2).build()) {
            for (int i = 1; i <= 7; i++) {
                driver.put("a", reading("a", i, i));
            }
            driver.duplicateNextBatch();
            driver.drain();
            assertThat(driver.output("panes", Pane.class)).containsExactly(new Pane("a", 0, 6),
                    new Pane("a", 1, 15));
        }
    }

    @Test
    void unknownSinksAreNamedInTheError() {
        try (var driver = EddyTestDriver.of(MINUTES)) {
            assertThatThrownBy(() -> driver.output("total")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("pipeline minutes has no sink 'total'; its sinks: [firehose:totals, sns:high]");
            assertThatThrownBy(() -> driver.failSink("total", 1)).hasMessageContaining("eddy-minutes-failures");
        }
    }

    @Test
    void theFailureDestinationCanFailToo() {
        try (var driver = EddyTestDriver.of(MINUTES)) {
            driver.failSink("eddy-minutes-failures", 1);
            driver.put("s0", "not json");
            driver.drain();
            assertThat(driver.failures()).hasSize(1);
        }
    }

    @Test
    void closingStopsDynamoDbLocalsThreadsSoThatAProgramCanEnd() throws InterruptedException {
        java.util.Set<Thread> before = nonDaemonThreads();
        try (var driver = EddyTestDriver.of(MINUTES)) {
            putAll(driver, input());
            driver.drain();
            assertThat(nonDaemonThreads()).as("DynamoDB Local runs threads of its own").isNotEqualTo(before);
        }
        for (int wait = 0; wait < 50 && !before.containsAll(nonDaemonThreads()); wait++) {
            Thread.sleep(100);
        }
        assertThat(nonDaemonThreads()).isSubsetOf(before);
    }

    private static java.util.Set<Thread> nonDaemonThreads() {
        java.util.Set<Thread> threads = new java.util.HashSet<>(Thread.getAllStackTraces().keySet());
        threads.removeIf(t -> t.isDaemon() || !t.isAlive());
        return threads;
    }

    @Test
    void aClosedDriverRefusesWork() {
        var driver = EddyTestDriver.of(MINUTES);
        driver.close();
        driver.close();
        assertThatThrownBy(() -> driver.put("s0", reading("s0", 0, 1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }
}

package dev.eddy.pipeline;

import dev.eddy.internal.Plans;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.aggregate.Aggregator;
import dev.eddy.codec.Json;
import dev.eddy.pipeline.internal.Plan;
import dev.eddy.pipeline.internal.RecordContext;
import dev.eddy.sink.Firehose;
import dev.eddy.sink.Sns;
import dev.eddy.window.TumblingWindows;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PipelineTest {

    record Ev(String key, long ts, long v) {
    }

    private static final Aggregator<Ev, Long, Long> SUM =
            Aggregator.of(Long.class, () -> 0L, (acc, e) -> acc + e.v(), Long::sum, acc -> acc);

    private static ResultStream<Windowed<Long>> results(String name) {
        return Pipeline.named(name)
                .from(KinesisSource.stream("events").decode(Json.of(Ev.class)))
                .withEventTime(e -> Instant.ofEpochMilli(e.ts()), Duration.ofMillis(5))
                .keyBy(Ev::key)
                .window(TumblingWindows.of(Duration.ofMillis(10)))
                .aggregate(SUM);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Flights", "1flights", "-flights", "flight_delays", "flight delays", "flights.v2",
        "a234567890123456789012345678901234567890123456789"})
    void invalidPipelineNamesAreRejected(String name) {
        assertThatThrownBy(() -> Pipeline.named(name))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + name + "'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "flight-delays", "f1", "a23456789012345678901234567890123456789012345678"})
    void validPipelineNamesAreAccepted(String name) {
        Pipeline pipeline = results(name).to(Firehose.deliveryStream("out")).build();
        assertThat(pipeline.name()).isEqualTo(name);
    }

    @Test
    void pipelineWithoutSinkIsRejected() {
        assertThatThrownBy(() -> results("t").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'t'")
                .hasMessageContaining(".to(");
    }

    @Test
    void sinksListsDistinctSinksInDefinitionOrder() {
        Pipeline pipeline = results("t")
                .to(Firehose.deliveryStream("stats"))
                .branch(s -> s.filter(w -> w.value() > 10).to(Sns.topic("alerts")))
                .to(Firehose.deliveryStream("stats"))
                .branch(s -> s.map(Windowed::value).to(Firehose.deliveryStream("raw")))
                .build();
        assertThat(pipeline.sinks()).containsExactly(
                Firehose.deliveryStream("stats"), Sns.topic("alerts"), Firehose.deliveryStream("raw"));
    }

    @Test
    void pipelineExposesItsSettings() {
        Pipeline pipeline = results("t").to(Firehose.deliveryStream("out")).build();
        assertThat(pipeline.source().streamName()).isEqualTo("events");
        assertThat(pipeline.outOfOrderness()).isEqualTo(Duration.ofMillis(5));
        assertThat(pipeline.windows()).isEqualTo(new TumblingWindows(10, 0));
        assertThat(Plans.of(pipeline).eventTimeFromRecords()).isTrue();
    }

    @Test
    void aStreamThatIsDroppedChangesNothing() {
        RecordStream<Ev> records = Pipeline.named("t")
                .from(KinesisSource.stream("events").decode(Json.of(Ev.class)));
        // a branch of the definition that is never used: its event time must not leak into the pipeline
        records.withEventTime(e -> java.time.Instant.ofEpochMilli(e.ts()), Duration.ofMinutes(5));
        Pipeline pipeline = records.keyBy(Ev::key).window(TumblingWindows.of(Duration.ofMillis(10))).aggregate(SUM)
                .to(Firehose.deliveryStream("out")).build();
        assertThat(pipeline.outOfOrderness()).isZero();
        assertThat(Plans.of(pipeline).eventTimeFromRecords()).isFalse();
    }

    @Test
    void withoutEventTimeTheBoundIsZeroAndArrivalTimeIsKept() {
        Pipeline pipeline = Pipeline.named("t")
                .from(KinesisSource.stream("events").decode(Json.of(Ev.class)))
                .keyBy(Ev::key)
                .window(TumblingWindows.of(Duration.ofMillis(10)))
                .aggregate(SUM)
                .to(Firehose.deliveryStream("out"))
                .build();
        assertThat(pipeline.outOfOrderness()).isZero();
        assertThat(Plans.of(pipeline).eventTimeFromRecords()).isFalse();
        RecordContext ctx = new RecordContext();
        ctx.timestampMs = 777;
        List<Object> out = new ArrayList<>();
        Plans.of(pipeline).preWindow().apply(new Ev("a", 5, 1), ctx, out::add);
        assertThat(out).containsExactly(new Ev("a", 5, 1));
        assertThat(ctx.timestampMs).isEqualTo(777);
    }

    @Test
    void statelessStepsRunInDefinitionOrderAndSetEventTime() {
        Pipeline pipeline = Pipeline.named("t")
                .from(KinesisSource.stream("events").decode(Json.of(Ev.class)))
                .filter(e -> e.v() >= 0)
                .flatMap(e -> List.of(e, new Ev(e.key() + "-copy", e.ts() + 1, e.v())))
                .map(e -> new Ev(e.key().toUpperCase(), e.ts(), e.v() * 2))
                .withEventTime(e -> Instant.ofEpochMilli(e.ts()), Duration.ZERO)
                .keyBy(Ev::key)
                .window(TumblingWindows.of(Duration.ofMillis(10)))
                .aggregate(SUM)
                .to(Firehose.deliveryStream("out"))
                .build();
        Plan plan = Plans.of(pipeline);
        Ev decoded = (Ev) plan.decoder().decode(
                "{\"key\":\"a\",\"ts\":40,\"v\":3}".getBytes(StandardCharsets.UTF_8));
        RecordContext ctx = new RecordContext();
        List<String> seen = new ArrayList<>();
        plan.preWindow().apply(decoded, ctx, e -> seen.add(plan.key().apply(e) + "@" + ctx.timestampMs + "="
                + ((Ev) e).v()));
        assertThat(seen).containsExactly("A@40=6", "A-COPY@41=6");
        List<Object> filtered = new ArrayList<>();
        plan.preWindow().apply(new Ev("a", 1, -1), ctx, filtered::add);
        assertThat(filtered).isEmpty();
    }

    @Test
    void eventTimeCanBeSetOnlyOnce() {
        RecordStream<Ev> stream = Pipeline.named("t").from(KinesisSource.stream("s").decode(Json.of(Ev.class)))
                .withEventTime(e -> Instant.ofEpochMilli(e.ts()), Duration.ZERO);
        assertThatThrownBy(() -> stream.withEventTime(e -> Instant.EPOCH, Duration.ZERO))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void negativeOutOfOrdernessIsRejected() {
        RecordStream<Ev> stream = Pipeline.named("t").from(KinesisSource.stream("s").decode(Json.of(Ev.class)));
        assertThatThrownBy(() -> stream.withEventTime(e -> Instant.EPOCH, Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
    }

    @Test
    void onlyOneWindowedAggregatePerPipeline() {
        KeyedStream<Ev> keyed = Pipeline.named("t").from(KinesisSource.stream("s").decode(Json.of(Ev.class)))
                .keyBy(Ev::key);
        keyed.window(TumblingWindows.of(Duration.ofMillis(10))).aggregate(SUM);
        assertThatThrownBy(() -> keyed.window(TumblingWindows.of(Duration.ofMillis(10))).aggregate(SUM))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("one per pipeline");
    }

    @Test
    void kinesisSourceDefaults() {
        KinesisSource<byte[]> source = KinesisSource.stream("flights");
        assertThat(source.batchSize()).isEqualTo(100);
        assertThat(source.shards()).isEqualTo(4);
        byte[] data = {1, 2, 3};
        assertThat(source.decoder().decode(data)).isEqualTo(data);
    }

    @Test
    void kinesisSourceBatchSizeMustBeOneToTenThousand() {
        KinesisSource<byte[]> source = KinesisSource.stream("flights");
        assertThat(source.withBatchSize(1).batchSize()).isEqualTo(1);
        assertThat(source.withBatchSize(10_000).batchSize()).isEqualTo(10_000);
        assertThatThrownBy(() -> source.withBatchSize(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("was 0");
        assertThatThrownBy(() -> source.withBatchSize(10_001))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("10001");
        assertThatThrownBy(() -> source.withBatchSize(-1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void kinesisSourceShardCountMustBeOneToFiveHundred() {
        KinesisSource<byte[]> source = KinesisSource.stream("flights");
        assertThat(source.withShards(1).shards()).isEqualTo(1);
        assertThat(source.withShards(500).shards()).isEqualTo(500);
        assertThatThrownBy(() -> source.withShards(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> source.withShards(501))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("501");
    }

    @Test
    void kinesisSourceCopiesKeepTheirSettings() {
        KinesisSource<Ev> source = KinesisSource.stream("flights").withShards(2).withBatchSize(50)
                .decode(Json.of(Ev.class));
        assertThat(source.shards()).isEqualTo(2);
        assertThat(source.batchSize()).isEqualTo(50);
        assertThat(source.streamName()).isEqualTo("flights");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "slash/name", "a:b",
        "x23456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
            + "0123456789012345678901234567890"})
    void invalidStreamNamesAreRejected(String name) {
        assertThatThrownBy(() -> KinesisSource.stream(name))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + name + "'");
    }

    @Test
    void sinkNamesAreValidated() {
        assertThatThrownBy(() -> Firehose.deliveryStream("bad name")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Sns.topic("bad.name")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Sns.topic("alerts.fifo").name()).isEqualTo("alerts.fifo");
        assertThat(Firehose.deliveryStream("out.v2").kind()).isEqualTo("firehose");
    }
}

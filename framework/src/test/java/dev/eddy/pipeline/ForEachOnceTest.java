package dev.eddy.pipeline;

import dev.eddy.sink.SideEffect;
import dev.eddy.internal.Plans;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.aggregate.Aggregator;
import dev.eddy.codec.Json;
import dev.eddy.pipeline.internal.Plan;
import dev.eddy.sink.Firehose;
import dev.eddy.window.TumblingWindows;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code forEachOnce} DSL: names, retention, and what it puts into the plan. */
class ForEachOnceTest {

    record Ev(String key, long ts, long v) {
    }

    private static final Aggregator<Ev, Long, Long> SUM =
            Aggregator.of(Long.class, () -> 0L, (acc, e) -> acc + e.v(), Long::sum, acc -> acc);

    private static final SideEffect<Object> NOTHING = (value, key) -> { };

    private static ResultStream<Windowed<Long>> results() {
        return Pipeline.named("t")
                .from(KinesisSource.stream("events").decode(Json.of(Ev.class)))
                .withEventTime(e -> Instant.ofEpochMilli(e.ts()), Duration.ofMillis(5))
                .keyBy(Ev::key)
                .window(TumblingWindows.of(Duration.ofMillis(10)))
                .aggregate(SUM);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "has space", "a#b", "a/b", "a:b", "naïve",
        "x2345678901234567890123456789012345678901234567890123456789012345"})
    void invalidNamesAreRejectedWithTheRule(String name) {
        assertThatThrownBy(() -> results().forEachOnce(name, NOTHING))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + name + "'")
                .hasMessageContaining("1-64 characters");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "welcome-mail_v2.1", "A.B-c_9",
        "x234567890123456789012345678901234567890123456789012345678901234"})
    void validNamesAreAccepted(String name) {
        Pipeline pipeline = results().forEachOnce(name, NOTHING).build();
        assertThat(Plans.of(pipeline).onceBindings()).extracting(Plan.OnceBinding::name).containsExactly(name);
    }

    @Test
    void aNameIsUsedOncePerPipeline() {
        ResultStream<Windowed<Long>> results = results().forEachOnce("notify", NOTHING);
        assertThatThrownBy(() -> results.branch(s -> s.filter(w -> w.value() > 0).forEachOnce("notify", NOTHING)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'notify'")
                .hasMessageContaining("already");
    }

    @Test
    void retentionBelowOneSecondIsRejected() {
        assertThatThrownBy(() -> results().forEachOnce("n", Windowed::key, Duration.ofMillis(999), NOTHING))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'n'")
                .hasMessageContaining("one second");
        assertThatThrownBy(() -> results().forEachOnce("n", Duration.ZERO, NOTHING))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nullArgumentsAreRejected() {
        assertThatThrownBy(() -> results().forEachOnce(null, NOTHING)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> results().forEachOnce("n", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> results().forEachOnce("n", (java.util.function.Function<Windowed<Long>, String>) null,
                NOTHING)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void aPipelineWhoseOnlyOutputIsASideEffectBuilds() {
        Pipeline pipeline = results().forEachOnce("notify", NOTHING).build();
        assertThat(pipeline.sinks()).isEmpty();
        Plan.OnceBinding binding = Plans.of(pipeline).onceBindings().get(0);
        assertThat(binding.idempotencyKey()).as("the result's id is the default key").isNull();
        assertThat(binding.retentionMs()).isEqualTo(Duration.ofDays(7).toMillis());
        assertThat(binding.scope("t")).isEqualTo("t#notify");
    }

    @Test
    void withoutSinkOrSideEffectTheErrorNamesBoth() {
        assertThatThrownBy(() -> results().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(".to(")
                .hasMessageContaining(".forEachOnce(");
    }

    @Test
    void bindingsKeepTheirStepsKeyAndRetentionBesideSinks() {
        Pipeline pipeline = results()
                .to(Firehose.deliveryStream("out"))
                .branch(s -> s.filter(w -> w.value() > 10)
                        .forEachOnce("alert", Windowed::key, Duration.ofHours(2), NOTHING))
                .forEachOnce("every", NOTHING)
                .build();
        assertThat(pipeline.sinks()).containsExactly(Firehose.deliveryStream("out"));
        assertThat(Plans.of(pipeline).onceBindings()).extracting(Plan.OnceBinding::name).containsExactly("alert", "every");
        Plan.OnceBinding alert = Plans.of(pipeline).onceBindings().get(0);
        assertThat(alert.retentionMs()).isEqualTo(Duration.ofHours(2).toMillis());
        Windowed<Long> small = new Windowed<>("k", new dev.eddy.window.Window(0, 10), 3L, 0, "id-1");
        Windowed<Long> big = new Windowed<>("k", new dev.eddy.window.Window(0, 10), 30L, 0, "id-2");
        java.util.List<Object> passed = new java.util.ArrayList<>();
        alert.steps().apply(small, new dev.eddy.pipeline.internal.RecordContext(), passed::add);
        alert.steps().apply(big, new dev.eddy.pipeline.internal.RecordContext(), passed::add);
        assertThat(passed).containsExactly(big);
        assertThat(alert.idempotencyKey().apply(big)).isEqualTo("k");
    }
}

package dev.eddy.internal;

import dev.eddy.internal.Plans;
import dev.eddy.pipeline.internal.Plan;
import dev.eddy.pipeline.internal.RecordContext;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eddy.aggregate.Aggregator;
import dev.eddy.codec.Json;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.ResultStream;
import dev.eddy.sink.SideEffect;
import dev.eddy.sink.SideEffectException;
import dev.eddy.pipeline.Windowed;
import dev.eddy.state.BatchRange;
import dev.eddy.state.CapacityUsage;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.StateBackend;
import dev.eddy.state.KeyLogic;
import dev.eddy.state.KeyUpdate;
import dev.eddy.window.TumblingWindows;
import dev.eddy.window.Window;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** {@link OnceEffects} against done-markers in memory: which calls are made, and when markers are written. */
class OnceEffectsTest {

    record Ev(String key, long ts, long v) {
    }

    private static final Aggregator<Ev, Long, Long> SUM =
            Aggregator.of(Long.class, () -> 0L, (acc, e) -> acc + e.v(), Long::sum, acc -> acc);

    /** Done-markers in a map. */
    static final class MemoryMarkers extends NoMarkers {
        final Map<String, Set<String>> done = new HashMap<>();
        final List<Integer> markDoneSizes = new ArrayList<>();
        final List<Duration> retentions = new ArrayList<>();
        int doneCalls;

        @Override
        public Set<String> done(String scope, Collection<String> keys) {
            doneCalls++;
            Set<String> found = new HashSet<>(keys);
            found.retainAll(done.getOrDefault(scope, Set.of()));
            return found;
        }

        @Override
        public void markDone(String scope, Collection<String> keys, Duration retention) {
            markDoneSizes.add(keys.size());
            retentions.add(retention);
            done.computeIfAbsent(scope, s -> new HashSet<>()).addAll(keys);
        }
    }

    /** A backend with the SPI's defaults for done-markers; every other method is unused here. */
    static class NoMarkers implements StateBackend {
        @Override
        public ShardCheckpoint readCheckpoint(String shardId) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Applied applyUpdates(String shardId, BatchRange range, List<KeyUpdate> updates, KeyLogic logic) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Due fireDue(String shardId, BatchRange range, long watermarkMs, KeyLogic logic) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Due fireDueProcessingTime(String shardId, BatchRange range, long nowMs, KeyLogic logic) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void clearTimers(String shardId, List<dev.eddy.state.TimerHandle> timers) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void commitCheckpoint(ShardCheckpoint previous, ShardCheckpoint next) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CapacityUsage usage() {
            return CapacityUsage.NONE;
        }

        @Override
        public void close() {
        }
    }

    /** The user's external service: records each call's idempotency key; throws on one call number (from 1). */
    static final class Service implements SideEffect<Windowed<Long>> {
        final List<String> calls = new ArrayList<>();
        final List<Windowed<Long>> values = new ArrayList<>();
        int failOn = -1;

        @Override
        public void apply(Windowed<Long> value, String idempotencyKey) throws IOException {
            calls.add(idempotencyKey);
            values.add(value);
            if (calls.size() == failOn) {
                throw new IOException("service unavailable");
            }
        }
    }

    private static ResultStream<Windowed<Long>> results() {
        return Pipeline.named("p")
                .from(KinesisSource.stream("events").decode(Json.of(Ev.class)))
                .keyBy(Ev::key)
                .window(TumblingWindows.of(Duration.ofMillis(10)))
                .aggregate(SUM);
    }

    private static Windowed<Long> result(String key, long start, long value) {
        Window window = new Window(start, start + 10);
        return new Windowed<>(key, window, value, 0, ResultIds.ofFiring("p", key, window, 0));
    }

    /** Emits the results through one {@link OnceEffects}, as one batch does. */
    private static void emit(Plan plan, StateBackend state, List<Windowed<Long>> results) {
        OnceEffects once = new OnceEffects(plan);
        for (Windowed<Long> result : results) {
            once.add(result, new RecordContext(), result.id());
        }
        once.run(state);
    }

    private static List<Windowed<Long>> results(int count) {
        List<Windowed<Long>> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(result("k" + i, 0, i));
        }
        return list;
    }

    @Test
    void eachResultIsCalledOnceWithItsIdAndNotAgainInALaterEmission() {
        Service service = new Service();
        Plan plan = Plans.of(results().forEachOnce("notify", service).build());
        MemoryMarkers state = new MemoryMarkers();
        List<Windowed<Long>> batch = results(3);
        emit(plan, state, batch);
        emit(plan, state, batch);
        assertThat(service.calls).containsExactly(batch.get(0).id(), batch.get(1).id(), batch.get(2).id());
        assertThat(state.done).containsOnlyKeys("p#notify");
        assertThat(state.retentions).containsOnly(Duration.ofDays(7));
    }

    @Test
    void equalKeysInABatchCallOnceWithTheFirstResult() {
        Service service = new Service();
        Plan plan = Plans.of(results().forEachOnce("welcome", Windowed::key, service).build());
        MemoryMarkers state = new MemoryMarkers();
        emit(plan, state, List.of(result("a", 0, 1), result("b", 0, 2), result("a", 10, 3)));
        assertThat(service.calls).containsExactly("a", "b");
        assertThat(service.values).extracting(Windowed::value).containsExactly(1L, 2L);
        assertThat(state.doneCalls).as("one lookup for the batch").isEqualTo(1);
    }

    @Test
    void markersAreWrittenEveryTwentyFiveCallsAndForTheRest() {
        Service service = new Service();
        Plan plan = Plans.of(results().forEachOnce("notify", service).build());
        MemoryMarkers state = new MemoryMarkers();
        emit(plan, state, results(60));
        assertThat(service.calls).hasSize(60);
        assertThat(state.markDoneSizes).containsExactly(25, 25, 10);
    }

    @Test
    void aThrowingCallMarksTheCallsBeforeItThenFailsAndTheRetryCallsTheRest() {
        Service service = new Service();
        service.failOn = 3;
        Plan plan = Plans.of(results().forEachOnce("notify", Windowed::key, service).build());
        MemoryMarkers state = new MemoryMarkers();
        List<Windowed<Long>> batch = results(5);
        assertThatThrownBy(() -> emit(plan, state, batch))
                .isInstanceOf(SideEffectException.class)
                .hasMessageContaining("'notify'")
                .hasMessageContaining("'k2'")
                .hasMessageContaining("2 of 5")
                .hasCauseInstanceOf(IOException.class);
        assertThat(state.done.get("p#notify")).containsExactlyInAnyOrder("k0", "k1");
        emit(plan, state, batch);
        assertThat(service.calls).containsExactly("k0", "k1", "k2", "k2", "k3", "k4");
    }

    @Test
    void stepsBeforeTheSideEffectApplyAndBindingsAreIndependent() {
        Service big = new Service();
        Service all = new Service();
        Plan plan = Plans.of(results()
                .branch(s -> s.filter(w -> w.value() >= 2).forEachOnce("big", Windowed::key, big))
                .forEachOnce("all", Windowed::key, all)
                .build());
        MemoryMarkers state = new MemoryMarkers();
        emit(plan, state, results(4));
        assertThat(big.calls).containsExactly("k2", "k3");
        assertThat(all.calls).containsExactly("k0", "k1", "k2", "k3");
        assertThat(state.done).containsOnlyKeys("p#big", "p#all");
    }

    @Test
    void aNullIdempotencyKeyIsAnErrorNamingTheSideEffect() {
        Plan plan = Plans.of(results().forEachOnce("welcome", (Function<Windowed<Long>, String>) w -> null,
                new Service()).build());
        assertThatThrownBy(() -> emit(plan, new MemoryMarkers(), results(1)))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("'welcome'");
    }

    @Test
    void aBackendWithoutMarkersSaysWhatIsNeeded() {
        StateBackend plain = new NoMarkers();
        Plan plan = Plans.of(results().forEachOnce("notify", new Service()).build());
        assertThatThrownBy(() -> emit(plan, plain, results(1)))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("forEachOnce")
                .hasMessageContaining("DynamoDB");
    }
}

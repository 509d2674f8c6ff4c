package dev.eddy.internal;

import dev.eddy.internal.Plans;
import dev.eddy.codec.internal.Jsons;
import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.aggregate.Aggregator;
import dev.eddy.codec.Json;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.Windowed;
import dev.eddy.sink.Firehose;
import dev.eddy.state.Firing;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.KeyLogic;
import dev.eddy.state.KeyState;
import dev.eddy.window.GlobalWindows;
import dev.eddy.window.SessionWindows;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Session merging and firing, in memory: the session logic fed batch by batch, as the processor and backend feed
 * it, gives the sessions a plain record-by-record model gives, for any input and any batch boundaries.
 */
class SessionLogicPropertiesTest {

    record Ev(String key, long ts, long v) {
    }

    record Acc(long count, long sum) {
    }

    record Result(String key, long start, long end, long count, long sum) {
    }

    record Case(List<Ev> events, long gap, long bound, List<Integer> cuts) {
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<Ev> event = Combinators.combine(Arbitraries.of("a", "b", "c"), Arbitraries.longs().between(-100, 300),
                Arbitraries.longs().between(-5, 20)).as(Ev::new);
        return Combinators.combine(event.list().ofMinSize(1).ofMaxSize(60), Arbitraries.longs().between(1, 40),
                        Arbitraries.longs().between(0, 50), Arbitraries.integers().between(1, 10).list().ofMaxSize(30))
                .as(Case::new);
    }

    static Pipeline pipeline(long gap, long bound) {
        return Pipeline.named("p")
                .from(KinesisSource.stream("s").decode(Json.of(Ev.class)))
                .withEventTime(e -> Instant.ofEpochMilli(e.ts()), Duration.ofMillis(bound))
                .keyBy(Ev::key)
                .window(SessionWindows.withGap(Duration.ofMillis(gap)))
                .aggregate(Aggregator.of(Acc.class, () -> new Acc(0, 0),
                        (Acc acc, Ev e) -> new Acc(acc.count() + 1, acc.sum() + e.v()),
                        (Acc x, Acc y) -> new Acc(x.count() + y.count(), x.sum() + y.sum()), acc -> acc))
                .to(Firehose.deliveryStream("out"))
                .build();
    }

    /** The model: sessions fire and close when the watermark reaches end − 1; late elements are dropped. */
    static Set<Result> model(List<Ev> events, long gap, long bound) {
        Map<String, List<long[]>> open = new HashMap<>();
        Set<Result> results = new HashSet<>();
        long watermark = Long.MIN_VALUE;
        for (Ev e : events) {
            for (Map.Entry<String, List<long[]>> entry : open.entrySet()) {
                long wm = watermark;
                entry.getValue().removeIf(s -> {
                    if (s[1] - 1 <= wm) {
                        results.add(new Result(entry.getKey(), s[0], s[1], s[2], s[3]));
                        return true;
                    }
                    return false;
                });
            }
            List<long[]> sessions = open.computeIfAbsent(e.key(), k -> new ArrayList<>());
            long[] merged = {e.ts(), e.ts() + gap, 1, e.v()};
            List<long[]> joined = new ArrayList<>();
            for (boolean grew = true; grew; ) {
                grew = false;
                for (long[] s : sessions) {
                    if (!joined.contains(s) && s[0] <= merged[1] && merged[0] <= s[1]) {
                        joined.add(s);
                        merged = new long[] {Math.min(merged[0], s[0]), Math.max(merged[1], s[1]), merged[2] + s[2],
                            merged[3] + s[3]};
                        grew = true;
                    }
                }
            }
            if (merged[1] - 1 > watermark) {
                sessions.removeAll(joined);
                sessions.add(merged);
            }
            watermark = Math.max(watermark, Watermarks.bounded(e.ts(), bound));
        }
        open.forEach((key, sessions) -> sessions.forEach(s -> results.add(new Result(key, s[0], s[1], s[2], s[3]))));
        return results;
    }

    @Property(tries = 300)
    void batchedSessionsEqualTheModel(@ForAll("cases") Case c) {
        Pipeline pipeline = pipeline(c.gap(), c.bound());
        Map<String, KeyState> store = new HashMap<>();
        Set<List<Object>> seen = new HashSet<>();
        Set<Result> results = new HashSet<>();
        long watermark = Long.MIN_VALUE;
        long maxTs = Long.MIN_VALUE;
        int from = 0;
        int cut = 0;
        while (from <= c.events().size()) {
            boolean drain = from == c.events().size();
            int size = drain ? 0 : c.cuts().isEmpty() ? c.events().size() : c.cuts().get(cut++ % c.cuts().size());
            int to = Math.min(c.events().size(), from + size);
            Map<String, List<SequencedValue>> byKey = new HashMap<>();
            BigInteger last = BigInteger.valueOf(from);
            for (int i = from; i < to; i++) {
                Ev e = c.events().get(i);
                byKey.computeIfAbsent(e.key(), k -> new ArrayList<>())
                        .add(new SequencedValue(BigInteger.valueOf(i + 1), e, e.ts(), false, watermark));
                maxTs = Math.max(maxTs, e.ts());
                watermark = Math.max(watermark, Watermarks.bounded(maxTs, c.bound()));
                last = BigInteger.valueOf(i + 1);
            }
            long batchWatermark = drain ? Long.MAX_VALUE : watermark;
            KeyWindowsLogic logic = new KeyWindowsLogic(Plans.of(pipeline), batchWatermark, Jsons.strictMapper(),
                    Clock.systemUTC());
            byKey.forEach((key, values) -> {
                KeyLogic.Outcome outcome = logic.apply(key, store.get(key), values);
                if (outcome.state() != null) {
                    store.put(key, outcome.state());
                }
            });
            for (Map.Entry<String, KeyState> entry : store.entrySet()) {
                KeyState state = entry.getValue();
                if (state.timerMs() != null && state.timerMs() <= batchWatermark) {
                    entry.setValue(logic.onTimer(entry.getKey(), state, state.timerMs(), last));
                }
            }
            for (Map.Entry<String, KeyState> entry : store.entrySet()) {
                for (Firing f : entry.getValue().pending()) {
                    if (seen.add(List.of(entry.getKey(), f.window(), f.firing()))) {
                        @SuppressWarnings("unchecked")
                        Windowed<Acc> w = (Windowed<Acc>) logic.emitted(
                                new Firing(entry.getKey(), f.window(), f.firing(), f.accumulator(), f.tag()), "id");
                        results.add(new Result(w.key(), w.window().startMs(), w.window().endMs(), w.value().count(),
                                w.value().sum()));
                    }
                }
            }
            if (drain) {
                break;
            }
            from = to;
        }

        assertThat(results).isEqualTo(model(c.events(), c.gap(), c.bound()));
    }
}

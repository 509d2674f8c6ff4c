package dev.eddy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.internal.BatchRun.Out;
import dev.eddy.internal.TestInput.Ev;
import dev.eddy.internal.TestInput.In;
import dev.eddy.process.KeyedProcess;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.process.ProcessContext;
import dev.eddy.fixtures.MemoryStateBackend;
import dev.eddy.fixtures.MutableClock;
import dev.eddy.fixtures.ShardRecords;
import dev.eddy.window.GlobalWindows;
import dev.eddy.window.SessionWindows;
import dev.eddy.window.SlidingWindows;
import dev.eddy.window.TumblingWindows;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every kind of stateful step through {@link BatchProcessor} with the state in memory: sliding windows, allowed
 * lateness, sessions, global windows with a count or processing-time trigger, a keyed process with event-time timers.
 * Each is checked against a direct computation over the input ({@link Reference}), whatever the batch size.
 */
class WindowKindsTest {

    static final long BOUND = 5;
    static final List<In> INPUT = TestInput.generated(200, 7);

    @ParameterizedTest(name = "batches of {0}")
    @ValueSource(ints = {1, 13, 200})
    void slidingWindowsFireOncePerWindowAndSendEachMissedWindowToTheLateOutput(int batchSize) {
        Pipeline pipeline = BatchRun.windowed("sliding", BOUND, SlidingWindows.of(Duration.ofMillis(30),
                Duration.ofMillis(10)), 0);
        Reference.Expected expected = Reference.windows(INPUT, BOUND, 0, Reference.sliding(30, 10), 30);
        assertThat(expected.results()).hasSizeGreaterThan(150);
        assertThat(expected.late()).hasSizeGreaterThan(10);
        try (BatchRun run = new BatchRun(pipeline).runAll(INPUT, batchSize)) {
            run.assertMatches(expected);
        }
    }

    @ParameterizedTest(name = "batches of {0}")
    @ValueSource(ints = {1, 9, 200})
    void withAllowedLatenessALateElementFiresItsWindowAgainWithTheUpdatedResult(int batchSize) {
        Pipeline pipeline = BatchRun.windowed("lateness", BOUND, TumblingWindows.of(Duration.ofMillis(20)), 30);
        Reference.Expected expected = Reference.windows(INPUT, BOUND, 30, Reference.tumbling(20), 20);
        assertThat(expected.results()).anySatisfy(r -> assertThat(r.firing()).isGreaterThanOrEqualTo(1));
        assertThat(expected.late()).as("elements past the lateness too").isNotEmpty();
        try (BatchRun run = new BatchRun(pipeline).runAll(INPUT, batchSize)) {
            run.assertMatches(expected);
            // a late firing has an id of its own
            assertThat(run.outputs()).filteredOn(o -> o.firing() > 0).extracting(Out::id).doesNotHaveDuplicates();
        }
    }

    @ParameterizedTest(name = "batches of {0}")
    @ValueSource(ints = {1, 11, 200})
    void sessionsMergeFireAtTheWatermarkAndRefuseElementsOfSessionsAlreadyFired(int batchSize) {
        Pipeline pipeline = BatchRun.windowed("sessions", BOUND, SessionWindows.withGap(Duration.ofMillis(10)), 0);
        Reference.Expected expected = Reference.sessions(INPUT, BOUND, 10);
        assertThat(expected.results()).anySatisfy(r -> assertThat(r.end() - r.start()).isGreaterThan(10));
        assertThat(expected.late()).isNotEmpty();
        try (BatchRun run = new BatchRun(pipeline).runAll(INPUT, batchSize)) {
            assertThat(run.results()).containsExactlyInAnyOrderElementsOf(expected.results());
            assertThat(run.outputs()).extracting(Out::id).doesNotHaveDuplicates();
            // refused after merging, per key: the order within a batch follows the keys
            assertThat(run.late()).containsExactlyInAnyOrderElementsOf(expected.late());
            assertThat(run.failed()).containsExactlyElementsOf(expected.failed());
        }
    }

    @Test
    void anElementBetweenTwoSessionsBridgesThemIntoOne() {
        Pipeline pipeline = BatchRun.windowed("sessions", 100, SessionWindows.withGap(Duration.ofMillis(10)), 0);
        List<In> input = List.of(In.of(0, "a", 0, 1), In.of(1, "a", 15, 2), In.of(2, "a", 9, 4),
                In.of(3, "b", 3, 8));
        try (BatchRun run = new BatchRun(pipeline).runAll(input, 1)) {
            assertThat(run.results()).containsExactlyInAnyOrder(new Reference.Result("a", 0, 25, 0, 3, 7),
                    new Reference.Result("b", 3, 13, 0, 1, 8));
            assertThat(run.results()).containsExactlyInAnyOrderElementsOf(Reference.sessions(input, 100, 10)
                    .results());
        }
    }

    @ParameterizedTest(name = "batches of {0}")
    @ValueSource(ints = {1, 8, 200})
    void globalWindowsWithACountTriggerFireEveryThirdElementOfAKeyAndKeepTheRest(int batchSize) {
        Pipeline pipeline = BatchRun.events("count", BOUND).keyBy(Ev::key)
                .window(GlobalWindows.withCountTrigger(3)).aggregate(BatchRun.COUNT_AND_SUM)
                .map(BatchRun::out).to(BatchRun.OUT).build();
        Reference.Expected expected = Reference.countPanes(INPUT, 3);
        try (BatchRun run = new BatchRun(pipeline).runAll(INPUT, batchSize)) {
            run.assertMatches(expected);
            // the panes not full stay in state, as in Flink: the drain fired none
            assertThat(run.results()).extracting(Reference.Result::count).containsOnly(3L);
            assertThat(run.state.keys()).containsExactlyInAnyOrder("a", "b", "c", "d");
        }
    }

    @Test
    void globalWindowsWithAProcessingTimeTriggerFireAtTheFirstBatchAfterTheInterval() {
        MutableClock clock = new MutableClock(Instant.parse("2024-05-01T12:00:00Z"));
        Pipeline pipeline = BatchRun.events("clock", BOUND).keyBy(Ev::key)
                .window(GlobalWindows.withProcessingTimeTrigger(Duration.ofMinutes(1)))
                .aggregate(BatchRun.COUNT_AND_SUM).map(BatchRun::out).to(BatchRun.OUT).build();
        List<In> input = List.of(In.of(0, "a", 1, 1), In.of(1, "b", 2, 2), In.of(2, "a", 3, 4), // 12:00:00
                In.of(3, "c", 4, 8),                                                           // 12:00:30
                In.of(4, "d", 5, 16),                                                          // 12:01:10
                In.of(5, "a", 6, 32));                                                         // 12:02:10
        try (BatchRun run = new BatchRun(pipeline, new MemoryStateBackend(clock), b -> b, clock,
                new DeadlineBudget())) {
            run.processAll(List.of(input.subList(0, 3)));
            clock.advance(Duration.ofSeconds(30));
            run.processAll(List.of(input.subList(3, 4)));
            assertThat(run.results()).isEmpty();

            // a minute after their first elements, the panes of a and b fire with the next batch, whatever its keys
            clock.advance(Duration.ofSeconds(40));
            run.processAll(List.of(input.subList(4, 5)));
            assertThat(run.results()).containsExactlyInAnyOrder(
                    new Reference.Result("a", Long.MIN_VALUE, Long.MAX_VALUE, 0, 2, 5),
                    new Reference.Result("b", Long.MIN_VALUE, Long.MAX_VALUE, 0, 1, 2));

            // then c's, and d's; a's new element opens its second pane
            clock.advance(Duration.ofMinutes(1));
            run.processAll(List.of(input.subList(5, 6)));
            assertThat(run.results()).hasSize(4).contains(
                    new Reference.Result("c", Long.MIN_VALUE, Long.MAX_VALUE, 0, 1, 8),
                    new Reference.Result("d", Long.MIN_VALUE, Long.MAX_VALUE, 0, 1, 16));
            // the drain fires event-time timers only: a's open pane stays
            run.processor.drain(ShardRecords.SHARD);
            assertThat(run.results()).hasSize(4);
        }
    }

    /** A key's running totals. */
    record Totals(long count, long sum) {
    }

    /** An output of the keyed process: the totals at a time. */
    record Report(long time, long count, long sum) {
    }

    static Totals add(Totals state, Ev e, ProcessContext<Report> ctx) {
        Totals next = state == null ? new Totals(1, e.v()) : new Totals(state.count() + 1, state.sum() + e.v());
        ctx.registerEventTimeTimer(Instant.ofEpochMilli(Math.floorDiv(e.ts(), 50) * 50 + 49));
        if (next.count() % 4 == 0) {
            ctx.emit(new Report(e.ts(), next.count(), next.sum()));
        }
        return next;
    }

    static Totals report(Totals state, Instant time, ProcessContext<Report> ctx) {
        if (state != null) {
            ctx.emit(new Report(time.toEpochMilli(), state.count(), state.sum()));
        }
        return null;
    }

    @ParameterizedTest(name = "batches of {0}")
    @ValueSource(ints = {1, 10, 200})
    void aKeyedProcessOutputsFromItsElementsAndItsEventTimeTimers(int batchSize) {
        Pipeline pipeline = BatchRun.events("process", BOUND).keyBy(Ev::key)
                .process(KeyedProcess.<Ev, Totals, Report>of(Totals.class, Report.class, WindowKindsTest::add)
                        .onTimer(WindowKindsTest::report))
                .map(k -> new Out(k.id(), k.key(), k.value().time(), k.value().time(), k.index(), k.value().count(),
                        k.value().sum()))
                .to(BatchRun.OUT).build();
        Reference.Expected expected = Reference.process(INPUT, BOUND, 50);
        assertThat(expected.results()).anySatisfy(r -> assertThat(r.start() % 50).isEqualTo(49)); // by timers
        assertThat(expected.results()).anySatisfy(r -> assertThat(r.count() % 4).isZero());
        try (BatchRun run = new BatchRun(pipeline).runAll(INPUT, batchSize)) {
            run.assertMatches(expected);
            assertThat(run.state.timers(ShardRecords.SHARD)).isEmpty();
        }
    }
}

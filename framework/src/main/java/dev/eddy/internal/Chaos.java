package dev.eddy.internal;

import dev.eddy.config.EddySettings;
import dev.eddy.sink.SinkException;
import dev.eddy.sink.SinkFactory;
import dev.eddy.sink.SinkRecord;
import dev.eddy.sink.SinkWriter;
import dev.eddy.state.BatchRange;
import dev.eddy.state.ForwardingStateBackend;
import dev.eddy.state.KeyLogic;
import dev.eddy.state.KeyUpdate;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.StateBackend;
import dev.eddy.state.TimerHandle;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The handler's part of a chaos run ({@code eddy run --chaos SEED}, docs/local-testing.md "Chaos run"): crashes of
 * the function at points of the batch path and failures of sink calls, chosen by a seeded hash so that a seed names
 * one plan. The event source mapping's part (duplicate invocations, timeouts, replaced execution environments) and
 * DynamoDB's (throttling, partial batch results, conditional-check races) are the local emulator's. Setting
 * {@value #SETTING}: {@code <seed>@<rate>@<run>} (absent: no chaos), with {@code @unfenced} appended for the
 * harness's self-test only, which hides replayed values from the state's sequence-number fences so that the run
 * must be caught counting twice.
 *
 * <p>Each kind of fault meets each opportunity (a batch's point, a sink call) with probability {@code rate}, decided
 * by a hash of the seed, the kind, the shard, the batch's first sequence number and the opportunity's ordinal, and
 * at most once per opportunity: a retry gets past it, so a run always ends. Faults are counted per kind and run,
 * once per JVM however many handler instances share the run.
 */
public final class Chaos {

    /** The setting of a chaos run. */
    public static final String SETTING = "EDDY_CHAOS";

    /** Kinds of fault the handler's side injects, by the name the run's report gives them. */
    public enum Kind {
        /** The function crashes before the batch's state writes. */
        CRASH_BEFORE_STATE_WRITE("crash before state write"),
        /** The function crashes after the state writes, before firing. */
        CRASH_AFTER_STATE_WRITE("crash after state write"),
        /** The function crashes after firing the due timers, before emitting. */
        CRASH_AFTER_FIRING("crash after firing"),
        /** The function crashes after emitting, before the checkpoint. */
        CRASH_AFTER_EMISSION("crash after emission"),
        /** The function crashes just before the checkpoint's write. */
        CRASH_BEFORE_CHECKPOINT("crash before checkpoint"),
        /** The function crashes after the checkpoint's write: the work is done, the response lost. */
        CRASH_AFTER_CHECKPOINT("crash after checkpoint"),
        /** A sink call fails before anything is delivered. */
        SINK_CALL_FAILED("sink call failed"),
        /** A sink call delivers its first half, then fails: the retry delivers those records again. */
        SINK_CALL_FAILED_IN_PART("sink call failed in part");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** @return the report's name of the kind */
        public String label() {
            return label;
        }
    }

    /**
     * What a crash throws: an {@link Error}, which the handler does not catch, so that the invocation ends as a
     * function error, as a process that dies mid-batch does on Lambda.
     */
    public static final class Crash extends Error {
        private static final long serialVersionUID = 1L;

        Crash(String message) {
            super(message, null, false, false);
        }
    }

    /** Faults injected, per run and kind label. */
    private static final Map<String, Map<String, AtomicLong>> INJECTED = new ConcurrentHashMap<>();
    /** Opportunities that met their fault (their names hold the run): each meets at most one. */
    private static final Set<String> MET = ConcurrentHashMap.newKeySet();
    /** Per run: how often each opportunity (kind, shard, first record) was reached. */
    private static final Map<String, AtomicLong> REACHED = new ConcurrentHashMap<>();
    /** Per run, shard and key (unfenced self-test): the highest sequence number passed to the state. */
    private static final Map<String, BigInteger> PASSED = new ConcurrentHashMap<>();

    private Chaos() {
    }

    /** A run's plan, parsed from its setting. */
    record Plan(long seed, double rate, String run, boolean unfenced) {

        static Optional<Plan> of(EddySettings settings) {
            return settings.get(SETTING).map(Plan::parse);
        }

        static Plan parse(String spec) {
            String[] parts = spec.split("@");
            try {
                double rate = Double.parseDouble(parts[1]);
                if ((parts.length == 3 || parts.length == 4 && parts[3].equals("unfenced")) && rate >= 0
                        && rate <= 1) {
                    return new Plan(Long.parseLong(parts[0]), rate, parts[2], parts.length == 4);
                }
            } catch (RuntimeException ignored) {
                // reported below
            }
            throw new IllegalArgumentException(SETTING + " must be <seed>@<rate 0-1>@<run>[@unfenced], was '" + spec
                    + "'");
        }

        /**
         * @return whether the opportunity meets its fault: drawn anew each time it is reached, met at most once
         */
        boolean strikes(Kind kind, String shardId, BigInteger first) {
            String opportunity = run + "|" + kind + "|" + shardId + "|" + first;
            long reached = REACHED.computeIfAbsent(opportunity, o -> new AtomicLong()).incrementAndGet();
            return strike(run, kind.label(), opportunity, draw(seed, opportunity + "|" + reached) < rate);
        }

        void crashIf(Kind kind, String shardId, BigInteger first) {
            if (strikes(kind, shardId, first)) {
                throw new Crash("chaos (seed " + seed + "): " + kind.label() + ", shard " + shardId + ", batch from "
                        + first);
            }
        }
    }

    /**
     * The seeded draw every part of a chaos run decides by: a 64-bit mix (FNV-1a over the text, then a
     * MurmurHash3-style finaliser) of the seed and the opportunity's text.
     *
     * @param seed the run's seed
     * @param opportunity names the opportunity (kind, where, ordinal)
     * @return a number in [0, 1), the same for the same seed and text
     */
    public static double draw(long seed, String opportunity) {
        long h = seed * 0x9E3779B97F4A7C15L;
        for (byte b : opportunity.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ b) * 0x100000001B3L;
        }
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return (h >>> 11) * 0x1.0p-53;
    }

    /**
     * Records an opportunity's fault, at most once: the one home of a chaos run's "once per opportunity" and of its
     * counts, for the handler's faults and the emulator's alike.
     *
     * @param run the run's id, as in the setting
     * @param kind the fault's name in the report
     * @param opportunity names the opportunity, unique within the run (kind included)
     * @param drawn whether the seeded draw picked it this time
     * @return whether it meets its fault now: drawn, and not met before
     */
    public static boolean strike(String run, String kind, String opportunity, boolean drawn) {
        if (!drawn || MET.contains(opportunity) || !MET.add(opportunity)) {
            return false;
        }
        INJECTED.computeIfAbsent(run, r -> new ConcurrentHashMap<>()).computeIfAbsent(kind, k -> new AtomicLong())
                .incrementAndGet();
        return true;
    }

    /**
     * @param run the run's id, as in the setting
     * @return the faults the run injected so far (the handlers' and the emulator's), per kind label (sorted); empty
     *     before any
     */
    public static Map<String, Long> injected(String run) {
        Map<String, Long> counts = new TreeMap<>();
        INJECTED.getOrDefault(run, Map.of()).forEach((kind, count) -> counts.put(kind, count.get()));
        return counts;
    }

    /**
     * @param backend the state backend
     * @param settings the handler's settings
     * @return the backend, crashing at the points of the batch path the {@value #SETTING} plan picks; itself
     *     without the setting
     * @throws IllegalArgumentException if the setting is malformed
     */
    public static StateBackend state(StateBackend backend, EddySettings settings) {
        return Plan.of(settings).<StateBackend>map(plan -> new CrashingState(backend, plan)).orElse(backend);
    }

    /**
     * @param factory the sinks
     * @param settings the handler's settings
     * @return the sinks, their calls failing whole or in part as the {@value #SETTING} plan picks (the failure
     *     and late-data outputs aside: they are the run's own record of what happened); itself without the setting
     */
    public static SinkFactory sinks(SinkFactory factory, EddySettings settings) {
        Optional<Plan> plan = Plan.of(settings);
        if (plan.isEmpty()) {
            return factory;
        }
        return SinkFactories.wrappingResults(factory, (ref, writer) -> failing(writer, ref.describe(), plan.get()));
    }

    private static SinkWriter failing(SinkWriter writer, String sink, Plan plan) {
        return records -> {
            if (records.isEmpty()) {
                return writer.write(records);
            }
            // the call's opportunity: the sink and its first record's id (the same on every retry of the call)
            BigInteger call = BigInteger.valueOf(records.get(0).id().hashCode());
            if (plan.strikes(Kind.SINK_CALL_FAILED, sink, call)) {
                throw new SinkException(sink + ": chaos (seed " + plan.seed() + "): the call failed", null);
            }
            if (records.size() > 1 && plan.strikes(Kind.SINK_CALL_FAILED_IN_PART, sink, call)) {
                List<SinkRecord> half = records.subList(0, records.size() / 2);
                writer.write(half);
                throw new SinkException(sink + ": chaos (seed " + plan.seed() + "): the call failed after "
                        + half.size() + " of " + records.size() + " records", null);
            }
            return writer.write(records);
        };
    }

    /** The state backend of a chaos run: crashes at the batch path's points. */
    private static final class CrashingState extends ForwardingStateBackend {
        private final Plan plan;
        /** The first record of the batch whose timers fired last (an instance handles one batch at a time). */
        private BigInteger firing = BigInteger.ZERO;

        CrashingState(StateBackend delegate, Plan plan) {
            super(delegate);
            this.plan = plan;
        }

        @Override
        public Applied applyUpdates(String shardId, BatchRange range, List<KeyUpdate> updates, KeyLogic logic) {
            plan.crashIf(Kind.CRASH_BEFORE_STATE_WRITE, shardId, range.first());
            Applied applied = super.applyUpdates(shardId, range, plan.unfenced() ? unfenced(shardId, updates)
                    : updates, logic);
            plan.crashIf(Kind.CRASH_AFTER_STATE_WRITE, shardId, range.first());
            return applied;
        }

        @Override
        public Due fireDue(String shardId, BatchRange range, long watermarkMs, KeyLogic logic) {
            Due due = super.fireDue(shardId, range, watermarkMs, logic);
            firing = range.first();
            if (!due.firings().isEmpty()) {
                plan.crashIf(Kind.CRASH_AFTER_FIRING, shardId, range.first());
            }
            return due;
        }

        @Override
        public void clearTimers(String shardId, List<TimerHandle> timers) {
            // called once the batch's firings are delivered
            if (!timers.isEmpty()) {
                plan.crashIf(Kind.CRASH_AFTER_EMISSION, shardId, firing);
            }
            super.clearTimers(shardId, timers);
        }

        @Override
        public void commitCheckpoint(ShardCheckpoint previous, ShardCheckpoint next) {
            // the opportunity: the commit's new position
            BigInteger to = next.sequenceNumber() == null ? BigInteger.ZERO : next.sequenceNumber();
            plan.crashIf(Kind.CRASH_BEFORE_CHECKPOINT, previous.shardId(), to);
            super.commitCheckpoint(previous, next);
            plan.crashIf(Kind.CRASH_AFTER_CHECKPOINT, previous.shardId(), to);
        }

        /**
         * The self-test's broken state: values at or below the highest sequence number already passed for their
         * key are renumbered just above it, so that the backend's fence takes a replay as new.
         */
        private List<KeyUpdate> unfenced(String shardId, List<KeyUpdate> updates) {
            List<KeyUpdate> out = new ArrayList<>(updates.size());
            for (KeyUpdate update : updates) {
                String key = plan.run() + "|" + shardId + "|" + update.key();
                BigInteger passed = PASSED.getOrDefault(key, BigInteger.valueOf(-1));
                List<SequencedValue> values = new ArrayList<>();
                for (SequencedValue v : update.values()) {
                    BigInteger seq = v.sequenceNumber();
                    if (seq.compareTo(passed) <= 0) {
                        seq = passed.add(BigInteger.ONE);
                    }
                    passed = seq;
                    values.add(new SequencedValue(seq, v.value(), v.timestampMs(), v.late(), v.watermarkMs()));
                }
                PASSED.put(key, passed);
                out.add(new KeyUpdate(update.key(), values, update.partitionKey()));
            }
            return out;
        }
    }
}

package dev.eddy.internal;

import dev.eddy.pipeline.internal.Plan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.process.Keyed;
import dev.eddy.process.KeyedProcess;
import dev.eddy.process.ProcessContext;
import dev.eddy.state.Firing;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.KeyState;
import dev.eddy.window.Window;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * A keyed process: the key's state holds the user's state, when it was written and its event-time timers, and each
 * output is a pending firing (of the window that spans all time) tagged with the record that caused it. Internal.
 */
final class ProcessLogic implements BatchLogic {

    /** The window of a key's process state: all of time. */
    static final Window ALL_TIME = dev.eddy.window.GlobalWindows.ALL_TIME;
    static final Window[] ALL_TIME_ONLY = {ALL_TIME};

    private final KeyedProcess<Object, Object, Object> process;
    private final ObjectMapper json;
    private final StateJson codec;
    private final Clock clock;
    private final String pipeline;
    private final long watermarkMs;

    ProcessLogic(Plan plan, long watermarkMs, ObjectMapper json, Clock clock) {
        this.process = plan.process();
        this.watermarkMs = watermarkMs;
        this.json = json;
        this.codec = new StateJson(json, plan.name());
        this.clock = clock;
        this.pipeline = plan.name();
    }

    /** A key's state while a batch works on it. */
    private final class Run {
        final String key;
        final List<Firing> pending;
        final TreeSet<Long> timers = new TreeSet<>();
        Object state;
        int outputs;

        Run(String key, KeyState stored, Instant now) {
            this.key = key;
            this.pending = new ArrayList<>(stored == null ? List.of() : stored.pending());
            this.outputs = stored == null ? 0 : stored.firings();
            if (stored != null) {
                JsonNode node = codec.parse(stored.accumulator());
                JsonNode stateNode = node.get("state");
                boolean expired = process.stateTtl() != null
                        && Instant.ofEpochMilli(node.get("writtenAt").asLong()).plus(process.stateTtl()).isBefore(now);
                state = expired || stateNode == null || stateNode.isNull() ? null : codec.read(stateNode, process.stateType());
                JsonNode storedTimers = node.get("timers");
                if (storedTimers != null) {
                    storedTimers.forEach(t -> timers.add(t.asLong()));
                }
            }
        }

        /** Calls the function, or the timer function, with a context; collects outputs and timer changes. */
        void call(long timestampMs, BigInteger tag, java.util.function.Function<ProcessContext<Object>, Object> f) {
            List<Object> emitted = new ArrayList<>();
            Instant timestamp = Instant.ofEpochMilli(timestampMs);
            state = f.apply(new ProcessContext<>() {
                @Override
                public String key() {
                    return key;
                }

                @Override
                public Instant timestamp() {
                    return timestamp;
                }

                @Override
                public void emit(Object output) {
                    emitted.add(Objects.requireNonNull(output, "a keyed process emitted null"));
                }

                @Override
                public void registerEventTimeTimer(Instant time) {
                    if (process.timerFunction() == null) {
                        throw new IllegalStateException("pipeline " + pipeline + " registers a timer but its"
                                + " KeyedProcess has no onTimer function");
                    }
                    timers.add(time.toEpochMilli());
                }

                @Override
                public void deleteEventTimeTimer(Instant time) {
                    timers.remove(time.toEpochMilli());
                }
            });
            for (Object output : emitted) {
                ObjectNode node = json.createObjectNode().put("t", timestampMs);
                node.set("v", json.valueToTree(output));
                pending.add(new Firing(key, ALL_TIME, outputs++, node.toString(), tag));
            }
        }

        /** Fires, in time order, every timer the watermark has reached. */
        void fireTimers(long watermark, BigInteger tag) {
            while (!timers.isEmpty() && timers.first() <= watermark) {
                long time = timers.pollFirst();
                call(time, tag, ctx -> process.timerFunction().onTimer(state, Instant.ofEpochMilli(time), ctx));
            }
        }

        KeyState state(Instant now) {
            ObjectNode node = json.createObjectNode().put("writtenAt", now.toEpochMilli());
            node.set("state", json.valueToTree(state));
            timers.forEach(node.putArray("timers")::add);
            Instant expiresAt = process.stateTtl() == null ? null : now.plus(process.stateTtl());
            return new KeyState(node.toString(), outputs, pending, timers.isEmpty() ? null : timers.first(),
                    false, expiresAt);
        }
    }

    @Override
    public Outcome apply(String key, KeyState stored, List<SequencedValue> fresh) {
        Instant now = clock.instant();
        Run run = new Run(key, stored, now);
        for (SequencedValue value : fresh) {
            // timers the watermark reached before this element fired then
            run.fireTimers(value.watermarkMs(), value.sequenceNumber());
            run.call(value.timestampMs(), value.sequenceNumber(),
                    ctx -> process.function().apply(run.state, value.value(), ctx));
        }
        run.fireTimers(watermarkMs, fresh.get(fresh.size() - 1).sequenceNumber());
        return new Outcome(run.state(now), List.of());
    }

    @Override
    public KeyState onTimer(String key, KeyState stored, long timerMs, BigInteger tag) {
        Instant now = clock.instant();
        Run run = new Run(key, stored, now);
        run.fireTimers(watermarkMs, tag);
        return run.state(now);
    }

    @Override
    public Object emitted(Firing firing, String id) {
        JsonNode node = codec.parse(firing.accumulator());
        Object value = codec.read(node.get("v"), process.outputType());
        return new Keyed<>(firing.key(), value, Instant.ofEpochMilli(node.get("t").asLong()), firing.firing(), id);
    }
}

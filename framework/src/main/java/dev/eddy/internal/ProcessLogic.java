package dev.eddy.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.pipeline.Keyed;
import dev.eddy.pipeline.KeyedProcess;
import dev.eddy.pipeline.ProcessContext;
import dev.eddy.state.Firing;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.WindowState;
import dev.eddy.window.Window;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A keyed process, stored as one "window" per key that spans all time: the item holds the user's state and when
 * it was written, and each output is a pending firing tagged with the record that caused it. Internal.
 */
final class ProcessLogic implements BatchLogic {

    /** The window of a key's process state: all of time. */
    static final Window ALL_TIME = dev.eddy.window.GlobalWindows.ALL_TIME;
    static final Window[] ALL_TIME_ONLY = {ALL_TIME};

    private final KeyedProcess<Object, Object, Object> process;
    private final ObjectMapper json;
    private final Clock clock;
    private final String pipeline;

    ProcessLogic(Plan plan, ObjectMapper json, Clock clock) {
        this.process = plan.process();
        this.json = json;
        this.clock = clock;
        this.pipeline = plan.name();
    }

    @Override
    public WindowState onValues(String key, Window window, WindowState stored, List<SequencedValue> fresh) {
        Instant now = clock.instant();
        Object state = stored == null ? null : readState(stored.accumulator(), now);
        int outputs = stored == null ? 0 : stored.firings();
        List<Firing> pending = new ArrayList<>(stored == null ? List.of() : stored.pending());
        for (SequencedValue value : fresh) {
            List<Object> emitted = new ArrayList<>();
            Instant timestamp = Instant.ofEpochMilli(value.timestampMs());
            state = process.function().apply(state, value.value(), new ProcessContext<>() {
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
            });
            for (Object output : emitted) {
                ObjectNode node = json.createObjectNode().put("t", value.timestampMs());
                node.set("v", json.valueToTree(output));
                pending.add(new Firing(key, window, outputs++, node.toString(), value.sequenceNumber()));
            }
        }
        ObjectNode stateNode = json.createObjectNode().put("writtenAt", now.toEpochMilli());
        stateNode.set("state", json.valueToTree(state));
        Instant expiresAt = process.stateTtl() == null ? null : now.plus(process.stateTtl());
        return new WindowState(stateNode.toString(), outputs, pending, null, false, expiresAt);
    }

    @Override
    public WindowState onTimer(String key, Window window, WindowState stored, long timerMs, BigInteger tag) {
        return stored;
    }

    @Override
    public Object emitted(Firing firing, String id) {
        JsonNode node = parse(firing.accumulator());
        try {
            Object value = json.treeToValue(node.get("v"), process.outputType());
            return new Keyed<>(firing.key(), value, Instant.ofEpochMilli(node.get("t").asLong()), firing.firing(), id);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("output of pipeline " + pipeline + " cannot be read as "
                    + process.outputType().getName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** The stored state, or {@code null} if it was cleared or its time to live has passed (read-side expiry). */
    private Object readState(String text, Instant now) {
        JsonNode node = parse(text);
        if (process.stateTtl() != null
                && Instant.ofEpochMilli(node.get("writtenAt").asLong()).plus(process.stateTtl()).isBefore(now)) {
            return null;
        }
        JsonNode state = node.get("state");
        if (state == null || state.isNull()) {
            return null;
        }
        try {
            return json.treeToValue(state, process.stateType());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored state of pipeline " + pipeline + " cannot be read as "
                    + process.stateType().getName() + ": " + e.getOriginalMessage(), e);
        }
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON of pipeline " + pipeline + " is corrupt: "
                    + e.getOriginalMessage(), e);
        }
    }
}

package dev.eddy.internal;

import dev.eddy.pipeline.internal.Plan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.aggregate.Aggregator;
import dev.eddy.pipeline.Windowed;
import dev.eddy.state.Firing;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.KeyState;
import dev.eddy.window.SessionWindows;
import dev.eddy.window.Window;
import dev.eddy.window.WindowAssigner;
import java.math.BigInteger;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Event-time windows of every kind but global, with Flink's event-time trigger and allowed lateness. A key's open
 * windows live together in the key's state, so a batch writes once per
 * key it touches, whatever the number of its windows, and session merging is one conditional write. Internal.
 *
 * <p>Tumbling and sliding windows: an element joins each window it is assigned to that is not past its allowed
 * lateness (those were sent to the late-data output when the element was read). A window fires (firing 0) when the
 * watermark reaches its {@code end − 1}; each element that joins it later, within the allowed lateness, fires it
 * again (firing 1, 2, …, the full updated result). A window past its lateness is dropped from the item.
 *
 * <p>Sessions:
 * each element opens {@code [ts, ts + gap)} and merges with every open session it overlaps or touches. The
 * element is late only if the merged session is past its end plus allowed lateness at the element's watermark;
 * then it goes to the late-data output and the sessions stay as they were. A session fires (firing 0) when the
 * watermark reaches its {@code end − 1}; an element that joins it later, within the allowed lateness, fires it
 * again — with new bounds if it extended or bridged sessions, which makes it a new window (firing 0 of those
 * bounds). A session past its lateness is dropped from the item.
 */
final class KeyWindowsLogic implements BatchLogic {

    /** How long a key's item lives after its last session closed, for fencing of slow retries. */
    static final Duration QUIET_RETENTION = Duration.ofDays(7);

    private final WindowAssigner assigner;
    private final boolean refuseLate;
    private final boolean merging;
    private final Aggregator<Object, Object, Object> aggregator;
    private final long allowedLatenessMs;
    private final long watermarkMs;
    private final ObjectMapper json;
    private final StateJson codec;
    private final Clock clock;

    /** One open window. */
    private static final class OpenWindow {
        final Window window;
        Object accumulator;
        int firings;

        OpenWindow(Window window, Object accumulator, int firings) {
            this.window = window;
            this.accumulator = accumulator;
            this.firings = firings;
        }
    }

    KeyWindowsLogic(Plan plan, long watermarkMs, ObjectMapper json, Clock clock) {
        this(plan, watermarkMs, json, clock, false);
    }

    /**
     * @param refuseLate whether a value with a window past its allowed lateness is refused (reported as late data
     *     by the caller, for those windows): a redrive judges lateness here, after the fence, because values an
     *     attempt before the skip applied must be neither applied again nor reported late
     */
    KeyWindowsLogic(Plan plan, long watermarkMs, ObjectMapper json, Clock clock, boolean refuseLate) {
        this.refuseLate = refuseLate;
        this.assigner = plan.windows();
        this.merging = assigner.isMerging();
        this.aggregator = plan.aggregator();
        this.allowedLatenessMs = plan.allowedLatenessMs();
        this.watermarkMs = watermarkMs;
        this.json = json;
        this.codec = new StateJson(json, plan.name());
        this.clock = clock;
    }

    @Override
    public Outcome apply(String key, KeyState stored, List<SequencedValue> fresh) {
        List<OpenWindow> open = read(stored);
        List<Firing> pending = new ArrayList<>(stored == null ? List.of() : stored.pending());
        List<SequencedValue> refused = new ArrayList<>();
        for (SequencedValue value : fresh) {
            // sessions whose end the watermark passed before this element fired then (on time)
            advance(key, open, value.watermarkMs(), value.sequenceNumber(), pending);
            if (!merging) {
                if (assign(key, open, value, pending) && refuseLate) {
                    refused.add(value);
                }
                continue;
            }
            Window merged = assigner.assign(value.timestampMs())[0];
            List<OpenWindow> joined = new ArrayList<>();
            for (boolean grew = true; grew; ) {
                grew = false;
                for (OpenWindow session : open) {
                    if (!joined.contains(session) && SessionWindows.merges(session.window, merged)) {
                        joined.add(session);
                        merged = new Window(Math.min(merged.startMs(), session.window.startMs()),
                                Math.max(merged.endMs(), session.window.endMs()));
                        grew = true;
                    }
                }
            }
            if (cleanupTime(merged, allowedLatenessMs) <= value.watermarkMs()) {
                refused.add(value);
                continue;
            }
            Object accumulator = aggregator.createAccumulator();
            for (OpenWindow session : joined) {
                accumulator = aggregator.merge(accumulator, session.accumulator);
            }
            accumulator = aggregator.add(accumulator, value.value());
            int firings = joined.size() == 1 && joined.get(0).window.equals(merged) ? joined.get(0).firings : 0;
            open.removeAll(joined);
            OpenWindow session = new OpenWindow(merged, accumulator, firings);
            open.add(session);
            if (merged.maxTimestamp() <= value.watermarkMs()) {
                // late, within the allowed lateness: the session fires again with this element
                pending.add(new Firing(key, merged, session.firings++, codec.write(accumulator), value.sequenceNumber()));
            }
        }
        advance(key, open, watermarkMs, fresh.get(fresh.size() - 1).sequenceNumber(), pending);
        return new Outcome(state(open, pending), refused);
    }

    /**
     * Adds an element to each of its windows that is not past its allowed lateness.
     *
     * @return whether one of its windows was past it
     */
    private boolean assign(String key, List<OpenWindow> open, SequencedValue value, List<Firing> pending) {
        boolean late = false;
        for (Window window : assigner.assign(value.timestampMs())) {
            if (cleanupTime(window, allowedLatenessMs) <= value.watermarkMs()) {
                late = true;
                continue; // late data: sent to the late-data output when the element was read (or refused)
            }
            OpenWindow target = null;
            for (OpenWindow session : open) {
                if (session.window.equals(window)) {
                    target = session;
                }
            }
            if (target == null) {
                target = new OpenWindow(window, aggregator.createAccumulator(), 0);
                open.add(target);
            }
            target.accumulator = aggregator.add(target.accumulator, value.value());
            if (window.maxTimestamp() <= value.watermarkMs()) {
                // late, within the allowed lateness: the window fires again with this element
                pending.add(new Firing(key, window, target.firings++, codec.write(target.accumulator),
                        value.sequenceNumber()));
            }
        }
        return late;
    }

    /** @return the last watermark at which a window takes elements: {@code end − 1 + allowed lateness} */
    static long cleanupTime(Window window, long allowedLatenessMs) {
        long time = window.maxTimestamp() + allowedLatenessMs;
        return time < window.maxTimestamp() ? Long.MAX_VALUE : time;
    }

    @Override
    public KeyState onTimer(String key, KeyState stored, long timerMs, BigInteger tag) {
        List<OpenWindow> open = read(stored);
        List<Firing> pending = new ArrayList<>(stored.pending());
        advance(key, open, watermarkMs, tag, pending);
        return state(open, pending);
    }

    @Override
    public Object emitted(Firing firing, String id) {
        return new Windowed<>(firing.key(), firing.window(), aggregator.result(codec.read(firing.accumulator(),
                aggregator.accumulatorType())), firing.firing(), id);
    }

    /** Fires the sessions the watermark has reached and drops those past their allowed lateness. */
    private void advance(String key, List<OpenWindow> open, long watermark, BigInteger tag, List<Firing> pending) {
        open.sort(Comparator.comparingLong(s -> s.window.startMs()));
        for (OpenWindow session : open) {
            if (session.firings == 0 && session.window.maxTimestamp() <= watermark) {
                pending.add(new Firing(key, session.window, session.firings++, codec.write(session.accumulator), tag));
            }
        }
        open.removeIf(s -> s.firings > 0
                && cleanupTime(s.window, allowedLatenessMs) <= watermark);
    }

    private KeyState state(List<OpenWindow> open, List<Firing> pending) {
        ArrayNode array = json.createArrayNode();
        Long timer = null;
        for (OpenWindow session : open) {
            ObjectNode node = array.addObject().put("s", session.window.startMs()).put("e", session.window.endMs())
                    .put("f", session.firings);
            node.set("acc", json.valueToTree(session.accumulator));
            long due = session.firings == 0 ? session.window.maxTimestamp()
                    : cleanupTime(session.window, allowedLatenessMs);
            timer = timer == null ? due : Math.min(timer, due);
        }
        ObjectNode root = json.createObjectNode();
        root.set("windows", array);
        return new KeyState(root.toString(), 0, pending, timer, false,
                open.isEmpty() ? clock.instant().plus(QUIET_RETENTION) : null);
    }

    private List<OpenWindow> read(KeyState stored) {
        List<OpenWindow> open = new ArrayList<>();
        if (stored == null) {
            return open;
        }
        for (JsonNode node : codec.parse(stored.accumulator()).get("windows")) {
            open.add(new OpenWindow(new Window(node.get("s").asLong(), node.get("e").asLong()),
                    codec.read(node.get("acc"), aggregator.accumulatorType()), node.get("f").asInt()));
        }
        return open;
    }
}

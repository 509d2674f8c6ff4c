package dev.eddy.internal;

import dev.eddy.pipeline.internal.Plan;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.aggregate.Aggregator;
import dev.eddy.pipeline.Windowed;
import dev.eddy.state.Firing;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.KeyState;
import dev.eddy.window.GlobalWindows;
import dev.eddy.window.Window;
import java.math.BigInteger;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Global windows with a purging trigger. The key's item holds the current pane's accumulator and element count.
 * With a count trigger, every {@code count}-th element fires the pane (tagged with that element's record); with a
 * processing-time trigger, a pane's first element sets a processing-time timer {@code interval} later, which
 * fires it. Either way the pane then starts over. Internal.
 */
final class GlobalTriggerLogic implements BatchLogic {

    private final Aggregator<Object, Object, Object> aggregator;
    private final GlobalWindows trigger;
    private final ObjectMapper json;
    private final StateJson codec;
    private final Clock clock;

    GlobalTriggerLogic(Plan plan, ObjectMapper json, Clock clock) {
        this.aggregator = plan.aggregator();
        this.trigger = (GlobalWindows) plan.windows();
        this.json = json;
        this.codec = new StateJson(json, plan.name());
        this.clock = clock;
    }

    @Override
    public Outcome apply(String key, KeyState stored, List<SequencedValue> fresh) {
        Object accumulator = aggregator.createAccumulator();
        long elements = 0;
        if (stored != null) {
            JsonNode pane = codec.parse(stored.accumulator());
            elements = pane.get("n").asLong();
            accumulator = elements == 0 ? accumulator : codec.read(pane.get("acc"), aggregator.accumulatorType());
        }
        int panes = stored == null ? 0 : stored.firings();
        Long due = stored == null ? null : stored.processingTimerMs();
        List<Firing> pending = new ArrayList<>(stored == null ? List.of() : stored.pending());
        for (SequencedValue value : fresh) {
            if (elements == 0 && trigger.intervalMs() > 0) {
                due = clock.millis() + trigger.intervalMs(); // the pane opens
            }
            accumulator = aggregator.add(accumulator, value.value());
            if (++elements == trigger.count()) {
                pending.add(new Firing(key, GlobalWindows.ALL_TIME, panes++, codec.write(accumulator), value.sequenceNumber()));
                accumulator = aggregator.createAccumulator();
                elements = 0;
            }
        }
        return new Outcome(state(accumulator, elements, panes, pending, due), List.of());
    }

    @Override
    public boolean usesProcessingTime() {
        return trigger.intervalMs() > 0;
    }

    @Override
    public KeyState onTimer(String key, KeyState stored, long timerMs, BigInteger tag) {
        return stored;
    }

    @Override
    public KeyState onProcessingTimer(String key, KeyState stored, long timerMs,
            BigInteger tag) {
        JsonNode pane = codec.parse(stored.accumulator());
        if (pane.get("n").asLong() == 0) {
            return state(aggregator.createAccumulator(), 0, stored.firings(), stored.pending(), null);
        }
        List<Firing> pending = new ArrayList<>(stored.pending());
        int panes = stored.firings();
        pending.add(new Firing(key, GlobalWindows.ALL_TIME, panes++, pane.get("acc").toString(), tag));
        return state(aggregator.createAccumulator(), 0, panes, pending, null);
    }

    private KeyState state(Object accumulator, long elements, int panes, List<Firing> pending, Long due) {
        ObjectNode pane = json.createObjectNode().put("n", elements);
        pane.set("acc", json.valueToTree(accumulator));
        return new KeyState(pane.toString(), panes, pending, null, false, null, elements == 0 ? null : due);
    }

    @Override
    public Object emitted(Firing firing, String id) {
        return new Windowed<>(firing.key(), firing.window(), aggregator.result(codec.read(firing.accumulator(), aggregator.accumulatorType())),
                firing.firing(), id);
    }
}

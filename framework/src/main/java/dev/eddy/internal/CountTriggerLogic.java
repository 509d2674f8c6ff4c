package dev.eddy.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.aggregate.Aggregator;
import dev.eddy.pipeline.Windowed;
import dev.eddy.state.Firing;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.WindowState;
import dev.eddy.window.GlobalWindows;
import dev.eddy.window.Window;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Global windows with a purging count trigger: the key's item holds the current pane's accumulator and element
 * count; every {@code count}-th element fires the pane (tagged with that element's record) and starts a new one.
 * Internal.
 */
final class CountTriggerLogic implements BatchLogic {

    private final Aggregator<Object, Object, Object> aggregator;
    private final long count;
    private final ObjectMapper json;
    private final String pipeline;

    CountTriggerLogic(Plan plan, ObjectMapper json) {
        this.aggregator = plan.aggregator();
        this.count = ((GlobalWindows) plan.windows()).count();
        this.json = json;
        this.pipeline = plan.name();
    }

    @Override
    public WindowState onValues(String key, Window window, WindowState stored, List<SequencedValue> fresh) {
        Object accumulator = aggregator.createAccumulator();
        long elements = 0;
        if (stored != null) {
            JsonNode pane = parse(stored.accumulator());
            elements = pane.get("n").asLong();
            accumulator = elements == 0 ? accumulator : convert(pane.get("acc"));
        }
        int panes = stored == null ? 0 : stored.firings();
        List<Firing> pending = new ArrayList<>(stored == null ? List.of() : stored.pending());
        for (SequencedValue value : fresh) {
            accumulator = aggregator.add(accumulator, value.value());
            if (++elements == count) {
                pending.add(new Firing(key, window, panes++, write(accumulator), value.sequenceNumber()));
                accumulator = aggregator.createAccumulator();
                elements = 0;
            }
        }
        ObjectNode pane = json.createObjectNode().put("n", elements);
        pane.set("acc", json.valueToTree(accumulator));
        return new WindowState(pane.toString(), panes, pending, null, false);
    }

    @Override
    public WindowState onTimer(String key, Window window, WindowState stored, long timerMs, BigInteger tag) {
        return stored;
    }

    @Override
    public Object emitted(Firing firing, String id) {
        return new Windowed<>(firing.key(), firing.window(), aggregator.result(convert(parse(firing.accumulator()))),
                firing.firing(), id);
    }

    private Object convert(JsonNode node) {
        try {
            return json.treeToValue(node, aggregator.accumulatorType());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored accumulator of pipeline " + pipeline + " cannot be read as "
                    + aggregator.accumulatorType().getName() + ": " + e.getOriginalMessage(), e);
        }
    }

    private String write(Object accumulator) {
        try {
            return json.writeValueAsString(accumulator);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("accumulator of pipeline " + pipeline + " cannot be written as JSON: "
                    + e.getOriginalMessage(), e);
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

package dev.eddy.internal;

import dev.eddy.pipeline.internal.Plan;
import dev.eddy.pipeline.internal.RecordContext;
import dev.eddy.window.GlobalWindows;
import dev.eddy.window.Window;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a record's elements: decode, the stateless steps (filter, map, flatMap, event time), the key, the windows.
 * Internal; one per processor, not thread-safe.
 */
final class RecordReader {

    private static final Window[] ALL_TIME = {GlobalWindows.ALL_TIME};

    private final Plan plan;
    private final RecordContext ctx = new RecordContext();
    private final List<Element> elements = new ArrayList<>();

    RecordReader(Plan plan) {
        this.plan = plan;
    }

    /**
     * @param data the record's data
     * @param arrivalMs its approximate arrival time, ms: the event time unless an extractor sets one
     * @return its elements (none if the steps drop it), valid until the next call
     * @throws RuntimeException what the decoder, a step or the key function threw: the record cannot be processed
     */
    List<Element> read(byte[] data, long arrivalMs) {
        elements.clear();
        Object value = plan.decoder().decode(data);
        ctx.timestampMs = arrivalMs;
        plan.preWindow().apply(value, ctx, element -> elements.add(new Element(element, ctx.timestampMs,
                plan.key().apply(element), plan.process() != null ? ALL_TIME : plan.windows().assign(ctx.timestampMs))));
        return elements;
    }
}

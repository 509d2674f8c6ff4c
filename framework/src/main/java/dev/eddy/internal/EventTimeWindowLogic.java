package dev.eddy.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.aggregate.Aggregator;
import dev.eddy.pipeline.Windowed;
import dev.eddy.state.Firing;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.WindowState;
import dev.eddy.window.Window;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * Flink's event-time trigger with allowed lateness, for one batch. Internal.
 *
 * <p>A window fires once when the watermark reaches {@code end − 1} (firing 0, with every element that arrived
 * before), and again for each element that arrives after that but before {@code end − 1 + allowedLateness}
 * (firings 1, 2, …: the full updated result each time). It is then cleaned up: later elements are late data.
 * Every firing is tagged with the record that caused it (see {@link dev.eddy.state.BatchRange}).
 */
final class EventTimeWindowLogic implements BatchLogic {

    private final Aggregator<Object, Object, Object> aggregator;
    private final long allowedLatenessMs;
    private final long watermarkMs;
    private final StateJson codec;

    /**
     * @param plan the pipeline
     * @param watermarkMs the shard's watermark at the end of the batch
     * @param json the accumulator codec
     */
    EventTimeWindowLogic(Plan plan, long watermarkMs, ObjectMapper json) {
        this.aggregator = plan.aggregator();
        this.allowedLatenessMs = plan.allowedLatenessMs();
        this.watermarkMs = watermarkMs;
        this.codec = new StateJson(json, plan.name());
    }

    /** @return the last watermark at which the window takes elements: {@code end − 1 + allowed lateness} */
    static long cleanupTime(Window window, long allowedLatenessMs) {
        long time = window.maxTimestamp() + allowedLatenessMs;
        return time < window.maxTimestamp() ? Long.MAX_VALUE : time;
    }

    @Override
    public WindowState onValues(String key, Window window, WindowState stored, List<SequencedValue> fresh) {
        if (stored != null && stored.cleanedUp()) {
            return null;
        }
        Object accumulator = stored == null ? aggregator.createAccumulator()
                : codec.read(stored.accumulator(), aggregator.accumulatorType());
        int firings = stored == null ? 0 : stored.firings();
        List<Firing> pending = new ArrayList<>(stored == null ? List.of() : stored.pending());
        boolean hasElements = stored != null;
        for (SequencedValue value : fresh) {
            if (!value.late() && firings > 0) {
                return null; // on time by this shard's watermark, yet fired: another shard holds this key too
            }
            if (value.late() && firings == 0 && hasElements) {
                // the watermark passed the window's end before this element: the on-time firing came first
                pending.add(new Firing(key, window, firings++, codec.write(accumulator), value.sequenceNumber()));
            }
            accumulator = aggregator.add(accumulator, value.value());
            hasElements = true;
            if (value.late()) {
                pending.add(new Firing(key, window, firings++, codec.write(accumulator), value.sequenceNumber()));
            }
        }
        String text = codec.write(accumulator);
        if (firings == 0 && window.maxTimestamp() <= watermarkMs) {
            pending.add(new Firing(key, window, firings++, text, fresh.get(fresh.size() - 1).sequenceNumber()));
        }
        return next(window, text, firings, pending);
    }

    @Override
    public WindowState onTimer(String key, Window window, WindowState stored, long timerMs, BigInteger tag) {
        if (stored.cleanedUp()) {
            return stored;
        }
        int firings = stored.firings();
        List<Firing> pending = new ArrayList<>(stored.pending());
        if (firings == 0 && timerMs == window.maxTimestamp()) {
            pending.add(new Firing(key, window, firings++, stored.accumulator(), tag));
        }
        return next(window, stored.accumulator(), firings, pending);
    }

    /** The state after this batch: a firing timer until it fires, then a clean-up timer until lateness passes. */
    private WindowState next(Window window, String accumulator, int firings, List<Firing> pending) {
        if (firings == 0) {
            return new WindowState(accumulator, 0, pending, window.maxTimestamp(), false);
        }
        long cleanup = cleanupTime(window, allowedLatenessMs);
        if (cleanup <= watermarkMs) {
            return new WindowState(accumulator, firings, pending, null, true);
        }
        return new WindowState(accumulator, firings, pending, cleanup, false);
    }

    @Override
    public Object emitted(Firing firing, String id) {
        return new Windowed<>(firing.key(), firing.window(), aggregator.result(codec.read(firing.accumulator(), aggregator.accumulatorType())),
                firing.firing(), id);
    }
}

package dev.eddy.pipeline;

import dev.eddy.process.KeyedProcess;
import dev.eddy.aggregate.Aggregator;
import dev.eddy.pipeline.internal.Op;
import dev.eddy.pipeline.internal.Plan;
import dev.eddy.sink.SinkRef;
import dev.eddy.window.WindowAssigner;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Collects the parts of one definition while the fluent calls run. */
final class PlanBuilder {
    final String name;
    final dev.eddy.pipeline.KinesisSource<?> source;
    boolean eventTimeSet;
    long outOfOrdernessMs;
    Op preWindow;
    Function<Object, String> key;
    WindowAssigner windows;
    long allowedLatenessMs;
    SinkRef lateDataSink;
    RecordErrorPolicy onRecordError = RecordErrorPolicy.FAILURE_DESTINATION;
    SinkRef failureDestination;
    Aggregator<Object, Object, Object> aggregator;
    KeyedProcess<Object, Object, Object> process;
    final List<Plan.Binding> bindings = new ArrayList<>();
    final List<Plan.OnceBinding> onceBindings = new ArrayList<>();

    PlanBuilder(String name, KinesisSource<?> source) {
        this.name = name;
        this.source = source;
    }

    @SuppressWarnings("unchecked")
    void window(Op steps, EventTime eventTime, Function<?, String> key, WindowAssigner windows,
            long allowedLatenessMs, SinkRef lateDataSink, Aggregator<?, ?, ?> aggregator) {
        if (this.aggregator != null || this.process != null) {
            throw new IllegalStateException("pipeline '" + name + "' already has a windowed aggregate or a keyed"
                    + " process; one per pipeline is supported");
        }
        this.preWindow = steps;
        this.eventTimeSet = eventTime.fromRecords();
        this.outOfOrdernessMs = eventTime.outOfOrdernessMs();
        this.key = (Function<Object, String>) key;
        this.windows = windows;
        this.allowedLatenessMs = allowedLatenessMs;
        this.lateDataSink = lateDataSink;
        this.aggregator = (Aggregator<Object, Object, Object>) aggregator;
    }

    @SuppressWarnings("unchecked")
    void process(Op steps, EventTime eventTime, Function<?, String> key, KeyedProcess<?, ?, ?> process) {
        if (this.aggregator != null || this.process != null) {
            throw new IllegalStateException("pipeline '" + name + "' already has a windowed aggregate or a keyed"
                    + " process; one per pipeline is supported");
        }
        this.preWindow = steps;
        this.eventTimeSet = eventTime.fromRecords();
        this.outOfOrdernessMs = eventTime.outOfOrdernessMs();
        this.key = (Function<Object, String>) key;
        this.process = (KeyedProcess<Object, Object, Object>) process;
    }

    void once(Plan.OnceBinding binding) {
        for (Plan.OnceBinding other : onceBindings) {
            if (other.name().equals(binding.name())) {
                throw new IllegalArgumentException("pipeline '" + name + "' already has a forEachOnce named '"
                        + binding.name() + "': each needs its own name, since the name scopes its done-markers");
            }
        }
        onceBindings.add(binding);
    }

    Plan build() {
        if (aggregator == null && process == null) {
            throw new IllegalStateException("pipeline '" + name + "' has no windowed aggregate or keyed process");
        }
        if (bindings.isEmpty() && onceBindings.isEmpty()) {
            throw new IllegalStateException("pipeline '" + name + "' sends its results to no sink: add .to(...)"
                    + " or .forEachOnce(...)");
        }
        return new Plan(name, source.decoder(), preWindow, eventTimeSet, outOfOrdernessMs, key, windows,
                allowedLatenessMs, lateDataSink, onRecordError == RecordErrorPolicy.RETRY, failureDestination, aggregator,
                process,
                List.copyOf(bindings), List.copyOf(onceBindings));
    }
}

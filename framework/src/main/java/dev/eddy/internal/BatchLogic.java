package dev.eddy.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.pipeline.internal.Plan;
import dev.eddy.state.Firing;
import dev.eddy.state.KeyLogic;
import java.time.Clock;

/**
 * The key logic of a cycle, and what its firings look like to the result steps. Each kind of stateful step has
 * its own: event-time windows ({@link KeyWindowsLogic}: tumbling, sliding, sessions, with Flink's event-time
 * trigger), global windows with their count or processing-time trigger ({@link GlobalTriggerLogic}), a keyed
 * process ({@link ProcessLogic}). Internal.
 */
interface BatchLogic extends KeyLogic {

    /**
     * @param plan the pipeline
     * @param watermarkMs the shard's watermark at the end of the cycle, ms ({@link Long#MAX_VALUE} at end of input)
     * @param json the mapper of states and results
     * @param clock processing time
     * @return the logic of the pipeline's stateful step: as its window assigner says it fires
     *     ({@link dev.eddy.window.WindowAssigner#isEventTime}), or its keyed process
     */
    static BatchLogic of(Plan plan, long watermarkMs, ObjectMapper json, Clock clock) {
        if (plan.process() != null) {
            return new ProcessLogic(plan, watermarkMs, json, clock);
        }
        return plan.windows().isEventTime() ? new KeyWindowsLogic(plan, watermarkMs, json, clock)
                : new GlobalTriggerLogic(plan, json, clock);
    }

    /**
     * The logic of a redrive lane: as {@link #of}, but event-time windows refuse a value with a window past its
     * allowed lateness after the fence, so that the caller reports it as late data only if it was not applied
     * before the skip.
     *
     * @param plan the pipeline
     * @param watermarkMs the shard's watermark the lane judges by, ms
     * @param json the mapper of states and results
     * @param clock processing time
     * @return the lane's logic
     */
    static BatchLogic forRedrive(Plan plan, long watermarkMs, ObjectMapper json, Clock clock) {
        if (plan.process() == null && plan.windows().isEventTime()) {
            return new KeyWindowsLogic(plan, watermarkMs, json, clock, true);
        }
        return of(plan, watermarkMs, json, clock);
    }

    /**
     * @param firing a firing to emit
     * @param id its deterministic id
     * @return what the pipeline's result steps receive: a {@code Windowed} or a {@code Keyed}
     */
    Object emitted(Firing firing, String id);

    /** @return whether its states set processing-time timers, which each cycle then looks for */
    default boolean usesProcessingTime() {
        return false;
    }
}

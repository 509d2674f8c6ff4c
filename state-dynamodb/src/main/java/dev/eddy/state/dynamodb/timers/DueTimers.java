package dev.eddy.state.dynamodb.timers;

import dev.eddy.state.TimerHandle;
import java.util.List;

/**
 * The timers of one kind due on a shard.
 *
 * @param timers every entry of the due buckets, in due-time order, then in stored-form order
 * @param buckets the buckets they came from, to clear once their firings are delivered
 */
public record DueTimers(List<DueTimer> timers, List<TimerHandle> buckets) {

    /** Copies both lists. */
    public DueTimers {
        timers = List.copyOf(timers);
        buckets = List.copyOf(buckets);
    }
}

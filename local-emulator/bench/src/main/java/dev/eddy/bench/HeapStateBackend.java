package dev.eddy.bench;

import dev.eddy.state.BatchRange;
import dev.eddy.state.CapacityUsage;
import dev.eddy.state.Firing;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.StateBackend;
import dev.eddy.state.KeyLogic;
import dev.eddy.state.KeyState;
import dev.eddy.state.KeyUpdate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keyed window state in a {@code HashMap}, for measuring the handler's CPU without DynamoDB: one writer, no
 * fencing, no timers. Each key's item goes through the pipeline's real window logic exactly as the DynamoDB backend
 * passes it (stored state in, new state out, as JSON), and the firings that logic makes come back to be emitted. A
 * window fires when its key's next values arrive after the watermark passed its end (nearly every window of the
 * flights data); windows of keys that never come back stay unfired, as no timer is kept. Not for production.
 *
 * <p>Without {@code fire}, the firings are made (the window logic always makes them) but not handed back, so nothing
 * is emitted: the path measured ends at the pre-aggregated state.
 */
final class HeapStateBackend implements StateBackend {

    private final boolean fire;

    /** @param fire whether firings are handed back to be emitted */
    HeapStateBackend(boolean fire) {
        this.fire = fire;
    }

    private final Map<String, ShardCheckpoint> checkpoints = new HashMap<>();
    private final Map<String, KeyState> items = new HashMap<>();

    @Override
    public ShardCheckpoint readCheckpoint(String shardId) {
        return checkpoints.getOrDefault(shardId, ShardCheckpoint.initial(shardId));
    }

    @Override
    public Applied applyUpdates(String shardId, BatchRange range, List<KeyUpdate> updates, KeyLogic logic) {
        List<Firing> firings = new ArrayList<>();
        List<KeyUpdate> refused = new ArrayList<>();
        for (KeyUpdate update : updates) {
            KeyState stored = items.get(update.key());
            if (stored != null && !stored.pending().isEmpty()) {
                // emitted and committed with an earlier batch
                stored = new KeyState(stored.accumulator(), stored.firings(), List.of(), stored.timerMs(),
                        stored.cleanedUp());
            }
            KeyLogic.Outcome outcome = logic.apply(update.key(), stored, update.values());
            if (!outcome.refused().isEmpty()) {
                refused.add(new KeyUpdate(update.key(), outcome.refused()));
            }
            if (outcome.state() != null) {
                items.put(update.key(), outcome.state());
                if (!fire) {
                    continue;
                }
                for (Firing firing : outcome.state().pending()) {
                    firings.add(new Firing(update.key(), firing.window(),
                            firing.firing(), firing.accumulator(), firing.tag()));
                }
            }
        }
        return new Applied(firings, refused);
    }

    @Override
    public Due fireDue(String shardId, BatchRange range, long watermarkMs, KeyLogic logic) {
        return new Due(List.of(), List.of());
    }

    @Override
    public Due fireDueProcessingTime(String shardId, BatchRange range, long nowMs, KeyLogic logic) {
        return new Due(List.of(), List.of());
    }

    @Override
    public void clearTimers(String shardId, List<dev.eddy.state.TimerHandle> timers) {
    }

    @Override
    public void commitCheckpoint(ShardCheckpoint previous, ShardCheckpoint next) {
        checkpoints.put(next.shardId(), next);
    }

    @Override
    public CapacityUsage usage() {
        return CapacityUsage.NONE;
    }

    @Override
    public void close() {
    }
}

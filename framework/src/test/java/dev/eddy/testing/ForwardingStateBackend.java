package dev.eddy.testing;

import dev.eddy.state.BatchRange;
import dev.eddy.state.CapacityUsage;
import dev.eddy.state.KeyLogic;
import dev.eddy.state.KeyUpdate;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.StateBackend;
import dev.eddy.state.TimerHandle;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A state backend that passes every call to another: extend it and override a call to inject a fault (a crash
 * before the checkpoint commit, a throttled read) or to watch the calls. Models nothing itself; as thread-safe as
 * its delegate and the overrides.
 */
public class ForwardingStateBackend implements StateBackend {

    private final StateBackend delegate;

    /** @param delegate the backend every call goes to */
    public ForwardingStateBackend(StateBackend delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    /** @return the backend every call goes to */
    public StateBackend delegate() {
        return delegate;
    }

    @Override
    public ShardCheckpoint readCheckpoint(String shardId) {
        return delegate.readCheckpoint(shardId);
    }

    @Override
    public ShardCheckpoint inherit(String shardId, List<String> parents, Predicate<String> owns) {
        return delegate.inherit(shardId, parents, owns);
    }

    @Override
    public Applied applyUpdates(String shardId, BatchRange range, List<KeyUpdate> updates, KeyLogic logic) {
        return delegate.applyUpdates(shardId, range, updates, logic);
    }

    @Override
    public Due fireDue(String shardId, BatchRange range, long watermarkMs, KeyLogic logic) {
        return delegate.fireDue(shardId, range, watermarkMs, logic);
    }

    @Override
    public Due fireDueProcessingTime(String shardId, BatchRange range, long nowMs, KeyLogic logic) {
        return delegate.fireDueProcessingTime(shardId, range, nowMs, logic);
    }

    @Override
    public void clearTimers(String shardId, List<TimerHandle> timers) {
        delegate.clearTimers(shardId, timers);
    }

    @Override
    public void commitCheckpoint(ShardCheckpoint previous, ShardCheckpoint next) {
        delegate.commitCheckpoint(previous, next);
    }

    @Override
    public Set<String> done(String scope, Collection<String> keys) {
        return delegate.done(scope, keys);
    }

    @Override
    public void markDone(String scope, Collection<String> keys, Duration retention) {
        delegate.markDone(scope, keys, retention);
    }

    @Override
    public CapacityUsage usage() {
        return delegate.usage();
    }

    @Override
    public void close() {
        delegate.close();
    }
}

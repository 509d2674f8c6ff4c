package dev.eddy.internal;

import dev.eddy.pipeline.internal.Plan;
import dev.eddy.pipeline.internal.RecordContext;
import dev.eddy.sink.SideEffectException;
import dev.eddy.state.StateBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code forEachOnce} calls of one emission (one batch's results): collected per binding and idempotency key,
 * then made for the keys not marked done, and marked. Internal; {@code BatchProcessor} uses one per emission.
 *
 * <p>Per binding: one {@link StateBackend#done} for all keys (the backend reads 100 a round trip), the calls in
 * result order, and {@link StateBackend#markDone} for every {@value #MARK_EVERY} successful calls and for the rest
 * at the end (the backend writes 25 a round trip), so a crash repeats at most that many calls. A call that throws
 * stops the emission after the successful calls are marked.
 */
final class OnceEffects {

    /** Successful calls marked per {@link StateBackend#markDone}: one {@code BatchWriteItem} each. */
    static final int MARK_EVERY = 25;

    private static final Logger LOG = LoggerFactory.getLogger(OnceEffects.class);

    private final Plan plan;
    /** Per binding (in definition order), idempotency key → the first value with it, in result order. */
    private final List<Map<String, Object>> calls = new ArrayList<>();

    OnceEffects(Plan plan) {
        this.plan = plan;
        plan.onceBindings().forEach(b -> calls.add(new LinkedHashMap<>()));
    }

    /**
     * Collects the calls one result causes.
     *
     * @param result the result as the logic emits it (before the bindings' steps)
     * @param ctx the result's context
     * @param id the result's deterministic id: the default idempotency key
     */
    void add(Object result, RecordContext ctx, String id) {
        for (int i = 0; i < calls.size(); i++) {
            Plan.OnceBinding binding = plan.onceBindings().get(i);
            Map<String, Object> byKey = calls.get(i);
            int[] index = {0};
            binding.steps().apply(result, ctx, value -> {
                // the steps are filters and maps, one value per result; a further one gets its own key all the same
                String key = binding.idempotencyKey() == null ? (index[0] == 0 ? id : id + "#" + index[0])
                        : Objects.requireNonNull(binding.idempotencyKey().apply(value),
                                () -> "the idempotency key function of forEachOnce '" + binding.name()
                                        + "' returned null");
                index[0]++;
                byKey.putIfAbsent(key, value);
            });
        }
    }

    /**
     * Makes the collected calls whose keys are not done, binding by binding, and marks them.
     *
     * @param state the state backend, holding the done-markers
     * @throws SideEffectException if a call threw; the successful calls before it are marked
     */
    void run(StateBackend state) {
        for (int i = 0; i < calls.size(); i++) {
            if (!calls.get(i).isEmpty()) {
                run(state, plan.onceBindings().get(i), calls.get(i));
            }
        }
    }

    private void run(StateBackend state, Plan.OnceBinding binding, Map<String, Object> byKey) {
        String scope = binding.scope(plan.name());
        Duration retention = Duration.ofMillis(binding.retentionMs());
        Set<String> done = state.done(scope, byKey.keySet());
        List<String> succeeded = new ArrayList<>(MARK_EVERY);
        int called = 0;
        for (Map.Entry<String, Object> call : byKey.entrySet()) {
            if (done.contains(call.getKey())) {
                continue;
            }
            try {
                binding.effect().apply(call.getValue(), call.getKey());
            } catch (Throwable failure) {
                if (failure instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                markAfterFailure(state, scope, succeeded, retention, failure);
                if (failure instanceof Error error) {
                    throw error;
                }
                throw new SideEffectException("forEachOnce '" + binding.name() + "' of pipeline '" + plan.name()
                        + "' failed for idempotency key '" + abbreviate(call.getKey()) + "' (" + called + " of "
                        + (byKey.size() - done.size()) + " calls of this batch succeeded before it and are marked"
                        + " done): " + failure + ". The batch fails and is retried; the retry calls this key again",
                        failure);
            }
            called++;
            succeeded.add(call.getKey());
            if (succeeded.size() == MARK_EVERY) {
                state.markDone(scope, succeeded, retention);
                succeeded.clear();
            }
        }
        if (!succeeded.isEmpty()) {
            state.markDone(scope, succeeded, retention);
        }
        LOG.debug("pipeline {} forEachOnce {}: {} keys, {} already done, {} called", plan.name(), binding.name(),
                byKey.size(), done.size(), called);
    }

    /** Marks the calls that succeeded before {@code failure}; a failure to mark is added to it, not thrown. */
    private static void markAfterFailure(StateBackend state, String scope, List<String> succeeded,
            Duration retention, Throwable failure) {
        if (succeeded.isEmpty()) {
            return;
        }
        try {
            state.markDone(scope, succeeded, retention);
        } catch (RuntimeException markFailure) {
            failure.addSuppressed(markFailure);
        }
    }

    private static String abbreviate(String key) {
        return key.length() <= 200 ? key : key.substring(0, 200) + "…(" + key.length() + " chars)";
    }
}

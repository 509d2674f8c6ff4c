package dev.eddy.internal;

import dev.eddy.state.ForwardingStateBackend;
import dev.eddy.state.StateBackend;

/**
 * A state backend that is down for a window of time ({@link Outages#state}): every state call in the window throws,
 * as calls to an unavailable DynamoDB do once the SDK's retries are spent; outside it, calls go through.
 */
final class UnavailableState extends ForwardingStateBackend {

    private final Outages.Window window;

    UnavailableState(StateBackend delegate, Outages.Window window) {
        super(delegate);
        this.window = window;
    }

    @Override
    protected StateBackend delegate() {
        if (window.now()) {
            throw new IllegalStateException("the state backend is unavailable (an outage injected: " + window + ")");
        }
        return super.delegate();
    }
}

package dev.eddy.state.dynamodb;

import dev.eddy.state.KeyState;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.dynamodb.timers.Registration;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * What a batch does to one key's item, computed from the item as read.
 *
 * @param before the state read ({@code null}: none)
 * @param next the state to write ({@code null}: nothing to write)
 * @param written the item to write ({@code ver} is set by the write), or {@code null}
 * @param timers timers to register before the item is written (the item names them)
 * @param refused values the key logic refused
 */
record KeyChange(KeyState before, KeyState next, Map<String, AttributeValue> written, List<Registration> timers,
        List<SequencedValue> refused) {

    /** Copies the lists. */
    KeyChange {
        timers = List.copyOf(timers);
        refused = List.copyOf(refused);
    }

    /**
     * @param before the state read, or {@code null}
     * @return no change
     */
    static KeyChange none(KeyState before) {
        return new KeyChange(before, null, null, List.of(), List.of());
    }

    /** @return the state after this batch: the one written, else the one read */
    KeyState result() {
        return next != null ? next : before;
    }
}

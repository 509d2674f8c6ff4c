package dev.eddy.state.dynamodb.timers;

import java.util.Objects;

/**
 * A timer to register: the entry goes into a bucket of partition {@code pk} due at {@code at}.
 *
 * @param pk the buckets' partition key ({@link TimerKind#bucketPk})
 * @param at when it is due: watermark or wall-clock ms
 * @param entry the key to wake
 */
public record Registration(String pk, long at, TimerEntry entry) {

    /** @throws NullPointerException if a part is {@code null} */
    public Registration {
        Objects.requireNonNull(pk, "pk");
        Objects.requireNonNull(entry, "entry");
    }
}

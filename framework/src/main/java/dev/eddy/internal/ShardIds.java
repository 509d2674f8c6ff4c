package dev.eddy.internal;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import java.util.Optional;

/**
 * The shard of a Kinesis record as Lambda delivers it: its {@code eventID} is {@code <shardId>:<sequenceNumber>}
 * (AWS Lambda Developer Guide, "Using Lambda with Kinesis", example event). The one place that parses it. Internal.
 */
public final class ShardIds {

    private ShardIds() {
    }

    /**
     * @param eventId a record's {@code eventID}, or {@code null}
     * @return its shard id; empty if there is none (no {@code eventID}, or no shard before a colon)
     */
    public static Optional<String> of(String eventId) {
        int colon = eventId == null ? -1 : eventId.indexOf(':');
        return colon <= 0 ? Optional.empty() : Optional.of(eventId.substring(0, colon));
    }

    /**
     * @param record a record of a Kinesis event
     * @return its shard id
     * @throws IllegalArgumentException if its {@code eventID} has none; the message gives the value and the form
     */
    public static String of(KinesisEvent.KinesisEventRecord record) {
        return of(record.getEventID()).orElseThrow(() -> new IllegalArgumentException("eventID '"
                + record.getEventID() + "' is not <shardId>:<sequenceNumber>, as Lambda sends Kinesis records"));
    }
}

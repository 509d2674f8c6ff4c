package dev.eddy.sink;

import java.util.List;

/** Delivers records to one destination. Implementations are thread-safe. */
public interface SinkWriter {

    /**
     * Delivers records, at least once: a retry after an exception may repeat some, with the same ids. A record the
     * destination can never take (over its size limit, refused for its content) is not an error of the batch: it
     * comes back as {@link Rejected} with the reason, and the handler sends it to the failure destination.
     *
     * @param records records in emission order
     * @return the records the destination refused for good, each with its reason; empty when all were delivered
     * @throws SinkException if records could not be delivered for a reason that may pass (throttling, an
     *     outage, a missing resource): the handler then fails the batch so that it is retried
     */
    List<Rejected> write(List<SinkRecord> records);

    /**
     * A record the destination refuses whatever the number of attempts.
     *
     * @param record the record
     * @param reason why, naming the limit or the destination's error code
     */
    record Rejected(SinkRecord record, String reason) {
    }
}

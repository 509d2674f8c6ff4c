package dev.eddy.sink;

import java.util.List;

/** Delivers records to one destination. Implementations are thread-safe. */
public interface SinkWriter {

    /**
     * Delivers all records or throws; records are delivered at least once, so a retry after an exception may
     * repeat some (with the same ids).
     *
     * @param records records in emission order
     * @throws SinkException if any record could not be delivered
     */
    void write(List<SinkRecord> records);
}

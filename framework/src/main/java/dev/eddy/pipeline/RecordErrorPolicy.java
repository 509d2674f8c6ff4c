package dev.eddy.pipeline;

/**
 * What happens to a record that cannot be processed: its data does not decode, or a function of the pipeline
 * (event-time extractor, key, map, filter, flatMap) throws.
 */
public enum RecordErrorPolicy {

    /**
     * The default: the record goes to the failure destination with its data (base64), shard, sequence number and
     * the error's type and message, and the shard goes on. Right for poison records, which no retry cures.
     */
    FAILURE_DESTINATION,

    /**
     * The batch stops at the record: the records before it are processed and committed, and the record is
     * reported as a batch item failure, so the event source mapping retries from it — and, once its retries are
     * exhausted, sends the batch to the mapping's on-failure destination. Right when a retry may cure the error
     * (a function that calls a service). The shard waits while it retries.
     */
    RETRY
}

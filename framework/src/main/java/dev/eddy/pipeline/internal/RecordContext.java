package dev.eddy.pipeline.internal;

/** What travels with a value through the stateless steps: its event time. Internal, mutable, per record. */
public final class RecordContext {

    /** Event time in ms since the epoch; starts as the record's arrival time. */
    public long timestampMs;
}

package dev.eddy.pipeline;

/**
 * The event-time setting a stream carries: whether {@link RecordStream#withEventTime} set an extractor (else
 * arrival time is event time) and the watermark's out-of-orderness bound. A value of the stream, not of the
 * definition being built, so a stream that is dropped changes nothing.
 *
 * @param fromRecords whether an extractor sets event time
 * @param outOfOrdernessMs the bound, ms
 */
record EventTime(boolean fromRecords, long outOfOrdernessMs) {

    /** Arrival time, bound zero. */
    static final EventTime ARRIVAL = new EventTime(false, 0);
}

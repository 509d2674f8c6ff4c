package dev.eddy.state.dynamodb.timers;

import dev.eddy.state.dynamodb.table.StateTable;

/** The two kinds of timers: their buckets' partition key and the key item's attribute that names them. */
public enum TimerKind {

    /** Due when the shard's watermark reaches its time. */
    EVENT_TIME("timer"),
    /** Due when the wall clock reaches its time. */
    PROCESSING_TIME("ptimer");

    private final String attribute;

    TimerKind(String attribute) {
        this.attribute = attribute;
    }

    /**
     * @return the key item's attribute holding the time (ms) of its current timer of this kind; a bucket entry at
     *     another time is stale
     */
    public String attribute() {
        return attribute;
    }

    /**
     * @param shardId a shard
     * @return the partition key of the shard's buckets of this kind: {@code T#<shardId>} or {@code P#<shardId>}
     */
    public String bucketPk(String shardId) {
        return this == EVENT_TIME ? StateTable.timerPk(shardId) : StateTable.processingTimerPk(shardId);
    }
}

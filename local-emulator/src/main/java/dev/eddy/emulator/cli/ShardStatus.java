package dev.eddy.emulator.cli;

import dev.eddy.state.RedriveLane;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.dynamodb.DynamoDbStateBackend;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.GetRecordsResponse;
import software.amazon.awssdk.services.kinesis.model.KinesisException;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/**
 * Where a pipeline stands on one shard, as {@code ./eddy status} collects it: the checkpoint committed in the state
 * table and the records of the shard after it.
 *
 * @param shard the shard
 * @param checkpoint its checkpoint (version 0 if none was committed)
 * @param behind records after the checkpoint, counted up to the limit
 * @param behindAtLeast whether counting stopped at the limit
 * @param latestSequenceNumber the shard's last record, if counting reached it
 * @param oldestPending arrival time of the first record after the checkpoint, or {@code null} if none
 * @param millisBehindLatest what Kinesis reported for that first read
 * @param note why the records behind could not be read, or {@code null}
 * @param lanes for each {@linkplain ShardCheckpoint#skipped() skipped range} of the checkpoint, the checkpoint of its
 *     {@link RedriveLane} (version 0 if it was never re-driven), in the same order
 * @param idleness the pipeline's watermark idleness, or {@code null} for none
 */
record ShardStatus(Shard shard, ShardCheckpoint checkpoint, long behind, boolean behindAtLeast,
        String latestSequenceNumber, Instant oldestPending, Long millisBehindLatest, String note,
        List<ShardCheckpoint> lanes, java.time.Duration idleness) {

    /** Most records one {@code GetRecords} call returns. */
    private static final int MAX_GET_RECORDS = 10_000;
    /** Empty responses in a row, while the shard is reported behind, before counting gives up (AWS only). */
    private static final int MAX_EMPTY_READS = 5;

    /**
     * Reads a shard's checkpoint (consistently) and counts the records after it; only reads.
     *
     * @param kinesis the stream's client
     * @param state the pipeline's state table
     * @param streamName the stream
     * @param shard one of its shards
     * @param countMax most records to count after the checkpoint; more give {@code behindAtLeast}
     * @param idleness the pipeline's watermark idleness, or {@code null}
     * @return the shard's status; with a {@link #note} if the records after the checkpoint could not be read
     */
    static ShardStatus read(KinesisClient kinesis, DynamoDbStateBackend state, String streamName, Shard shard,
            long countMax, java.time.Duration idleness) {
        ShardCheckpoint checkpoint = state.readCheckpoint(shard.shardId());
        List<ShardCheckpoint> lanes = checkpoint.skipped().stream()
                .map(r -> state.readCheckpoint(RedriveLane.of(shard.shardId(), r.from()))).toList();
        long behind = 0;
        boolean atLeast = false;
        String latest = checkpoint.sequenceNumber() == null ? null : checkpoint.sequenceNumber().toString();
        Instant oldest = null;
        Long millisBehind = null;
        try {
            String iterator = checkpoint.sequenceNumber() == null
                    ? kinesis.getShardIterator(b -> b.streamName(streamName).shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator()
                    : kinesis.getShardIterator(b -> b.streamName(streamName).shardId(shard.shardId())
                            .shardIteratorType(ShardIteratorType.AFTER_SEQUENCE_NUMBER)
                            .startingSequenceNumber(checkpoint.sequenceNumber().toString())).shardIterator();
            int empty = 0;
            boolean first = true;
            while (iterator != null) {
                String current = iterator;
                // the first read takes one record: the oldest waiting, and Kinesis's own MillisBehindLatest for it
                int max = first ? 1 : (int) Math.min(MAX_GET_RECORDS, countMax + 1 - behind);
                GetRecordsResponse response = kinesis.getRecords(b -> b.shardIterator(current).limit(max));
                if (first) {
                    millisBehind = response.millisBehindLatest();
                    first = false;
                }
                if (!response.records().isEmpty()) {
                    if (oldest == null) {
                        oldest = response.records().get(0).approximateArrivalTimestamp();
                    }
                    behind += response.records().size();
                    latest = response.records().get(response.records().size() - 1).sequenceNumber();
                    empty = 0;
                } else if (response.millisBehindLatest() == null || response.millisBehindLatest() == 0
                        || ++empty >= MAX_EMPTY_READS) {
                    break; // at the tip of the shard
                }
                if (behind > countMax) {
                    behind = countMax;
                    atLeast = true;
                    latest = null;
                    break;
                }
                iterator = response.nextShardIterator();
            }
        } catch (KinesisException e) {
            return new ShardStatus(shard, checkpoint, 0, false, null, null, null,
                    "cannot read the records after the checkpoint: " + EddyCli.oneLine(e), lanes, idleness);
        }
        return new ShardStatus(shard, checkpoint, behind, atLeast, latest, oldest, millisBehind, null, lanes, idleness);
    }

    /** @return whether the shard still takes records */
    boolean open() {
        return StreamShards.open(shard);
    }

    /**
     * @param now the wall clock
     * @return wall clock minus the checkpoint's watermark, ms, as the {@code WatermarkLag} metric; {@code null}
     *     before the first watermark and after end of input
     */
    Long watermarkLagMs(Instant now) {
        long watermark = checkpoint.watermarkMs();
        return watermark == Long.MIN_VALUE || watermark == Long.MAX_VALUE ? null : now.toEpochMilli() - watermark;
    }
}

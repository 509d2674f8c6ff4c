package dev.eddy.state;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The records of one batch not yet committed, and how the shard's watermark rose over them.
 *
 * <p>Every firing is tagged with a record of the batch that caused it; a firing whose tag lies in
 * {@code [first, last]} belongs to this batch and is emitted by it — again, after a crash, since the retry replays
 * the same records. Firings tagged below {@code first} were committed with an earlier batch.
 *
 * @param first sequence number of the batch's first uncommitted record
 * @param last sequence number of its last record
 * @param watermarkSteps watermark after a record → that record's sequence number, for each record that raised
 *     the watermark (ascending in both)
 * @param skipped the shard's {@linkplain ShardCheckpoint#skipped() skipped ranges}: a shard's write of a key whose
 *     fence lies in one (a failed attempt before the skip applied the key's values up to there) carries that fence
 *     over to the range's {@link RedriveLane}, and a lane's write takes it as its own; for a lane, its one range
 *     (or none, for a range skipped without a failed attempt)
 */
public record BatchRange(BigInteger first, BigInteger last, NavigableMap<Long, BigInteger> watermarkSteps,
        List<SkippedRange> skipped) {

    /** Requires all parts; copies the steps. */
    public BatchRange {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(last, "last");
        watermarkSteps = new TreeMap<>(watermarkSteps);
        skipped = List.copyOf(skipped);
    }

    /**
     * A batch of a shard without skipped ranges.
     *
     * @param first sequence number of the batch's first uncommitted record
     * @param last sequence number of its last record
     * @param watermarkSteps watermark after a record → that record's sequence number
     */
    public BatchRange(BigInteger first, BigInteger last, NavigableMap<Long, BigInteger> watermarkSteps) {
        this(first, last, watermarkSteps, List.of());
    }

    /**
     * The end of a bounded input after the last committed record: one virtual record, one sequence number above
     * the checkpoint, that raises the watermark to +∞.
     *
     * @param checkpoint the shard's checkpoint
     * @return the drain's range
     */
    public static BatchRange drain(ShardCheckpoint checkpoint) {
        BigInteger next = checkpoint.sequenceNumber() == null ? BigInteger.ZERO
                : checkpoint.sequenceNumber().add(BigInteger.ONE);
        return new BatchRange(next, next, new TreeMap<>(Map.of(Long.MAX_VALUE, next)));
    }

    /**
     * @param sequenceNumber a tag
     * @return whether it lies in {@code [first, last]}
     */
    public boolean contains(BigInteger sequenceNumber) {
        return sequenceNumber.compareTo(first) >= 0 && sequenceNumber.compareTo(last) <= 0;
    }

    /**
     * @param watermarkMs a time the watermark reached in this batch
     * @return the first record after which the watermark was at least that time; {@code last} if none
     */
    public BigInteger crossing(long watermarkMs) {
        Map.Entry<Long, BigInteger> step = watermarkSteps.ceilingEntry(watermarkMs);
        return step == null ? last : step.getValue();
    }
}

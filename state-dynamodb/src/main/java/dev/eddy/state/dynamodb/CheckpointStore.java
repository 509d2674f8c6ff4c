package dev.eddy.state.dynamodb;

import static dev.eddy.state.dynamodb.table.StateTable.PK;
import static dev.eddy.state.dynamodb.table.StateTable.SK;

import dev.eddy.metrics.Figures;
import dev.eddy.metrics.Metric;
import dev.eddy.state.ShardBlock;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.state.SkippedRange;
import dev.eddy.state.StateConflictException;
import dev.eddy.state.dynamodb.fencing.SequenceNumbers;
import dev.eddy.state.dynamodb.table.Capacity;
import dev.eddy.state.dynamodb.table.ItemKey;
import dev.eddy.state.dynamodb.table.ItemSize;
import dev.eddy.state.dynamodb.table.StateTable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * Shard checkpoints: one item per shard, {@code pk = C#<shardId>}, {@code sk = checkpoint}, holding {@code seq}
 * (the last committed sequence number as {@link SequenceNumbers} stores it; absent before the first record),
 * {@code wm} and {@code maxTs} (ms), {@code ver} (the commit count) and {@code totals} (a map from each
 * {@link Metric#checkpointedMetrics() checkpointed metric}'s {@link Metric#key()} to the shard's running total; an
 * item without it, written by an earlier Eddy, reads as zeros). See {@code docs/state.md}, "Item types".
 *
 * <p>Reads are strongly consistent; a commit is a compare-and-set on {@code ver} ({@code attribute_not_exists(pk)}
 * for the first). The item stays a few hundred bytes, one write unit per commit.
 */
final class CheckpointStore {

    private static final String BLOCKED = "blocked";
    private static final String SKIPPED = "skipped";
    private static final String LAST_ARRIVAL = "lastArr";

    private final DynamoDbClient client;
    private final String table;
    private final Capacity capacity;

    CheckpointStore(DynamoDbClient client, String table, Capacity capacity) {
        this.client = Objects.requireNonNull(client, "client");
        this.table = Objects.requireNonNull(table, "table");
        this.capacity = Objects.requireNonNull(capacity, "capacity");
    }

    /**
     * @param shardId a shard
     * @return its checkpoint, or {@link ShardCheckpoint#initial} for a shard never committed
     */
    ShardCheckpoint read(String shardId) {
        var response = client.getItem(b -> b.tableName(table).consistentRead(true)
                .returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                .key(StateTable.checkpointItem(shardId).attributes()));
        capacity.count(response.consumedCapacity(), false);
        if (!response.hasItem() || response.item().isEmpty()) {
            return ShardCheckpoint.initial(shardId);
        }
        Map<String, AttributeValue> item = response.item();
        ShardBlock blocked = blocked(item.get(BLOCKED));
        if (!item.containsKey("ver")) {
            // blocked before its first commit
            ShardCheckpoint initial = ShardCheckpoint.initial(shardId);
            return new ShardCheckpoint(shardId, null, initial.watermarkMs(), initial.maxEventTimeMs(), 0,
                    Figures.ZERO, blocked, skipped(item.get(SKIPPED)), Long.MIN_VALUE);
        }
        AttributeValue seq = item.get("seq");
        return new ShardCheckpoint(shardId, seq == null ? null : SequenceNumbers.parse(seq.s()),
                Long.parseLong(item.get("wm").n()), Long.parseLong(item.get("maxTs").n()),
                Long.parseLong(item.get("ver").n()), totals(item.get("totals")), blocked,
                skipped(item.get(SKIPPED)), item.containsKey(LAST_ARRIVAL)
                        ? Long.parseLong(item.get(LAST_ARRIVAL).n()) : Long.MIN_VALUE);
    }

    /**
     * Writes a block and the skipped ranges onto the checkpoint item if the checkpoint is still {@code read} (by
     * version); does nothing if another invocation committed since (the block is over).
     *
     * @param read the checkpoint the failed batch read
     * @param blocked {@code read} with its block and skipped ranges
     */
    void markBlocked(ShardCheckpoint read, ShardCheckpoint blocked) {
        ItemKey key = StateTable.checkpointItem(read.shardId());
        try {
            var response = client.updateItem(b -> {
                Map<String, AttributeValue> values = new HashMap<>();
                values.put(":b", blocked(blocked.blocked()));
                String update = "SET " + BLOCKED + " = :b";
                if (!blocked.skipped().isEmpty()) {
                    update += ", " + SKIPPED + " = :s";
                    values.put(":s", AttributeValue.fromL(blocked.skipped().stream().map(CheckpointStore::skipped)
                            .toList()));
                }
                if (read.version() == 0) {
                    b.conditionExpression("attribute_not_exists(ver)");
                } else {
                    b.conditionExpression("ver = :ver");
                    values.put(":ver", number(read.version()));
                }
                b.tableName(table).key(key.attributes()).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                        .updateExpression(update).expressionAttributeValues(values);
            });
            capacity.count(response.consumedCapacity(), true);
        } catch (ConditionalCheckFailedException committedSince) {
            capacity.addWriteUnits(1);
        }
    }

    /**
     * Writes {@code next} if the stored checkpoint is still {@code previous} (by version).
     *
     * @throws IllegalArgumentException if {@code next} is not one version ahead of {@code previous}
     * @throws StateConflictException if another invocation committed since {@code previous} was read; the failed
     *     write is counted as the item's size in write units, which DynamoDB bills but does not report
     */
    void commit(ShardCheckpoint previous, ShardCheckpoint next) {
        if (next.version() != previous.version() + 1) {
            throw new IllegalArgumentException("checkpoint of " + next.shardId() + " goes from version "
                    + previous.version() + " to " + next.version() + ": a commit advances the version by one"
                    + " (use ShardCheckpoint.advance)");
        }
        ItemKey key = StateTable.checkpointItem(next.shardId());
        Map<String, AttributeValue> item = new HashMap<>();
        item.put(PK, AttributeValue.fromS(key.pk()));
        item.put(SK, AttributeValue.fromS(key.sk()));
        if (next.sequenceNumber() != null) {
            item.put("seq", AttributeValue.fromS(SequenceNumbers.encode(next.sequenceNumber())));
        }
        item.put("wm", number(next.watermarkMs()));
        item.put("maxTs", number(next.maxEventTimeMs()));
        item.put("ver", number(next.version()));
        item.put("totals", totals(next.totals()));
        if (next.blocked() != null) {
            item.put(BLOCKED, blocked(next.blocked()));
        }
        if (next.lastArrivalMs() != Long.MIN_VALUE) {
            item.put(LAST_ARRIVAL, number(next.lastArrivalMs()));
        }
        if (!next.skipped().isEmpty()) {
            item.put(SKIPPED, AttributeValue.fromL(next.skipped().stream().map(CheckpointStore::skipped).toList()));
        }
        try {
            var response = client.putItem(b -> {
                b.tableName(table).item(item).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL);
                if (previous.version() == 0) {
                    // the item may exist without a commit: a block written before the first commit
                    b.conditionExpression("attribute_not_exists(ver)");
                } else {
                    b.conditionExpression("ver = :ver").expressionAttributeValues(Map.of(":ver",
                            number(previous.version())));
                }
            });
            capacity.count(response.consumedCapacity(), true);
        } catch (ConditionalCheckFailedException conflict) {
            capacity.addWriteUnits(ItemSize.writeUnits(item));
            throw new StateConflictException("checkpoint of " + next.shardId() + " moved since version "
                    + previous.version() + " was read: another invocation processed this shard (the batch fails"
                    + " and is retried from the checkpoint it committed)");
        }
    }

    /**
     * The first checkpoint of a child shard: its committed parents' lowest watermark and maximum event time, at
     * version 0, with totals of its own from zero.
     *
     * @param shardId the child
     * @param parents its parents
     * @return the child's checkpoint, and the parents that were ever committed (whose timers it continues)
     */
    Inheritance inherit(String shardId, List<String> parents) {
        Long watermark = null;
        Long maxEventTime = null;
        long lastArrival = Long.MIN_VALUE;
        List<String> committed = new ArrayList<>();
        for (String parent : parents) {
            ShardCheckpoint checkpoint = read(parent);
            if (checkpoint.version() == 0) {
                continue; // never processed here: nothing to continue
            }
            committed.add(parent);
            watermark = watermark == null ? checkpoint.watermarkMs() : Math.min(watermark, checkpoint.watermarkMs());
            maxEventTime = maxEventTime == null ? checkpoint.maxEventTimeMs()
                    : Math.min(maxEventTime, checkpoint.maxEventTimeMs());
            lastArrival = Math.max(lastArrival, checkpoint.lastArrivalMs());
        }
        // the child counts its own batches from zero: its parents keep their totals; it has been idle since its
        // parents' last record, so that heartbeats fire the windows it took over even if it gets none of its own
        ShardCheckpoint child = watermark == null ? ShardCheckpoint.initial(shardId)
                : new ShardCheckpoint(shardId, null, watermark, maxEventTime, 0, Figures.ZERO).arrived(lastArrival);
        return new Inheritance(child, committed);
    }

    /**
     * @param child the child's first checkpoint
     * @param committedParents the parents that were ever committed, in the order given
     */
    record Inheritance(ShardCheckpoint child, List<String> committedParents) {
    }

    /** @return the stored {@code totals} map as figures; a figure missing reads as zero */
    static Figures totals(AttributeValue stored) {
        Map<String, AttributeValue> m = stored == null || !stored.hasM() ? Map.of() : stored.m();
        Figures totals = Figures.ZERO;
        for (Metric metric : Metric.checkpointedMetrics()) {
            AttributeValue value = m.get(metric.key());
            if (value != null) {
                totals = totals.with(metric, Double.parseDouble(value.n()));
            }
        }
        return totals;
    }

    /** @return the totals as the {@code totals} map: counts as whole numbers, capacity units as plain decimals */
    static AttributeValue totals(Figures totals) {
        Map<String, AttributeValue> m = new LinkedHashMap<>();
        for (Metric metric : Metric.checkpointedMetrics()) {
            m.put(metric.key(), metric.kind() == Metric.Kind.COUNT ? number(totals.count(metric))
                    : AttributeValue.fromN(BigDecimal.valueOf(totals.get(metric)).toPlainString()));
        }
        return AttributeValue.fromM(m);
    }

    private static AttributeValue blocked(ShardBlock block) {
        return AttributeValue.fromM(Map.of("from", AttributeValue.fromS(SequenceNumbers.encode(block.from())),
                "since", number(block.sinceMs()), "last", number(block.lastMs()),
                "attempts", number(block.attempts()), "error", AttributeValue.fromS(block.error()),
                "emitFrom", AttributeValue.fromS(SequenceNumbers.encode(block.emitFrom()))));
    }

    private static ShardBlock blocked(AttributeValue stored) {
        if (stored == null || !stored.hasM()) {
            return null;
        }
        Map<String, AttributeValue> m = stored.m();
        BigInteger from = SequenceNumbers.parse(m.get("from").s());
        return new ShardBlock(from, Long.parseLong(m.get("since").n()), Long.parseLong(m.get("last").n()),
                Long.parseLong(m.get("attempts").n()), m.get("error").s(),
                m.containsKey("emitFrom") ? SequenceNumbers.parse(m.get("emitFrom").s()) : from);
    }

    private static AttributeValue skipped(SkippedRange range) {
        return AttributeValue.fromM(Map.of("from", AttributeValue.fromS(SequenceNumbers.encode(range.from())),
                "resumedAt", AttributeValue.fromS(SequenceNumbers.encode(range.resumedAt())),
                "since", number(range.blockedSinceMs()), "resumed", number(range.resumedMs()),
                "error", AttributeValue.fromS(range.error())));
    }

    private static List<SkippedRange> skipped(AttributeValue stored) {
        if (stored == null || !stored.hasL()) {
            return List.of();
        }
        List<SkippedRange> ranges = new ArrayList<>();
        for (AttributeValue value : stored.l()) {
            Map<String, AttributeValue> m = value.m();
            ranges.add(new SkippedRange(SequenceNumbers.parse(m.get("from").s()),
                    SequenceNumbers.parse(m.get("resumedAt").s()), Long.parseLong(m.get("since").n()),
                    Long.parseLong(m.get("resumed").n()), m.get("error").s()));
        }
        return ranges;
    }

    private static AttributeValue number(long value) {
        return AttributeValue.fromN(Long.toString(value));
    }
}

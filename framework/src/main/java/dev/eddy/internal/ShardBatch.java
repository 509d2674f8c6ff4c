package dev.eddy.internal;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import dev.eddy.pipeline.Heartbeat;
import dev.eddy.pipeline.RecordErrorPolicy;
import dev.eddy.pipeline.internal.Plan;
import dev.eddy.sink.SinkRecord;
import dev.eddy.state.KeyUpdate;
import dev.eddy.state.SequencedValue;
import dev.eddy.state.ShardCheckpoint;
import dev.eddy.window.Window;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The records of one cycle, read in memory: each key's elements in order (a key's state is one item, so one update
 * per key), the watermark over them, and the side outputs — failed records and late elements. Each element is judged
 * against the watermark of the records before it (docs/windows.md), so results do not depend on where batches are
 * cut. Internal.
 */
final class ShardBatch {

    private static final Logger LOG = LoggerFactory.getLogger(ShardBatch.class);

    private final Plan plan;
    private final String shardId;
    private final RecordReader reader;
    private final SideRecords side;
    /** Whether windows merge (sessions): their lateness is decided after merging, by the key logic. */
    private final boolean merging;
    /** Whether the key logic judges lateness (sessions after merging, a redrive after the fence). */
    private final boolean deferLateness;
    private final WatermarkTracker watermark;
    private final Map<String, List<SequencedValue>> updates = new LinkedHashMap<>();
    /** Per key, the partition key of its latest record: where the key lives after a reshard. */
    private final Map<String, String> partitionKeys = new HashMap<>();
    private final List<SinkRecord> failed = new ArrayList<>();
    private final List<SinkRecord> late = new ArrayList<>();
    /** Idleness, ms; 0 for none. */
    private final long idlenessMs;
    /** Arrival of the shard's last record, heartbeats aside, ms; {@link Long#MIN_VALUE} before any. */
    private long lastArrivalMs;
    /** The heartbeats of the cycle: firings tagged with one fired through idleness. */
    private final java.util.Set<BigInteger> heartbeats = new java.util.HashSet<>();
    private BigInteger last;
    private long records;
    private long replaysSkipped;

    ShardBatch(Plan plan, String shardId, ShardCheckpoint checkpoint, RecordReader reader, SideRecords side) {
        this(plan, shardId, checkpoint, reader, side, false, 0);
    }

    /**
     * @param frozenWatermark whether the watermark stays at the checkpoint's (a redrive: records are judged by the
     *     shard's watermark, and raise nothing)
     */
    ShardBatch(Plan plan, String shardId, ShardCheckpoint checkpoint, RecordReader reader, SideRecords side,
            boolean frozenWatermark, long idlenessMs) {
        this.idlenessMs = idlenessMs;
        this.lastArrivalMs = checkpoint.lastArrivalMs();
        this.plan = plan;
        this.shardId = shardId;
        this.reader = reader;
        this.side = side;
        this.merging = plan.windows() != null && plan.windows().isMerging();
        this.deferLateness = merging || frozenWatermark;
        this.watermark = new WatermarkTracker(checkpoint.watermarkMs(), checkpoint.maxEventTimeMs(),
                plan.outOfOrdernessMs(), frozenWatermark);
    }

    /** A record the checkpoint covers: an earlier attempt committed it. */
    void replaySkipped() {
        replaysSkipped++;
    }

    /**
     * Reads one record.
     *
     * @param record the record
     * @param sequence its sequence number
     * @return {@code false} if it failed under {@link RecordErrorPolicy#RETRY}: the cycle stops before it
     */
    boolean add(KinesisEvent.KinesisEventRecord record, BigInteger sequence) {
        KinesisEvent.Record kinesis = record.getKinesis();
        byte[] data = bytes(kinesis.getData());
        java.util.OptionalLong tick = Heartbeat.timeOf(kinesis.getPartitionKey(), data);
        if (tick.isPresent()) {
            tick(tick.getAsLong(), sequence);
            return true;
        }
        long arrival = kinesis.getApproximateArrivalTimestamp().getTime();
        lastArrivalMs = Math.max(lastArrivalMs, arrival);
        List<Element> elements;
        try {
            elements = reader.read(data, arrival);
        } catch (RuntimeException e) {
            if (plan.retryFailedRecords()) {
                LOG.warn("pipeline {} shard {}: record {} failed and will be retried: {}", plan.name(), shardId,
                        kinesis.getSequenceNumber(), e.toString());
                return false;
            }
            last = sequence;
            records++;
            failed.add(side.failure(record, data, e));
            return true;
        }
        last = sequence;
        records++;
        int index = 0;
        for (Element element : elements) {
            // a window past its allowed lateness takes no more elements: late data, one late record per element
            // naming every window it missed and how many took it, so a consumer of late data can re-process it
            // without counting it twice (Flink side-outputs an element only when all its windows are late, and
            // drops it silently from the others); sessions and redrives decide in the key logic
            List<Window> missed = deferLateness ? List.of() : pastLateness(element.windows(), watermark.watermarkMs());
            int joined = element.windows().length - missed.size();
            boolean joinsAWindow = joined > 0;
            if (!missed.isEmpty()) {
                late.add(side.late(ResultIds.ofRecord(plan.name(), shardId, kinesis.getSequenceNumber(), index++),
                        kinesis.getSequenceNumber(), element.value(), element.key(), element.timestampMs(), missed,
                        joined, watermark.watermarkMs()));
            }
            if (joinsAWindow) {
                updates.computeIfAbsent(element.key(), k -> new ArrayList<>()).add(new SequencedValue(sequence,
                        element.value(), element.timestampMs(), false, watermark.watermarkMs()));
                partitionKeys.put(element.key(), kinesis.getPartitionKey());
            }
            watermark.observe(element.timestampMs(), sequence);
        }
        return true;
    }

    /**
     * A heartbeat: not data. If the shard has had no records for the idleness, the watermark follows the wall
     * clock: at least {@code time − idleness − out-of-orderness − 1} (docs/windows.md, "Idleness"). A shard that never
     * had a record has nothing to fire and keeps its watermark.
     */
    private void tick(long timeMs, BigInteger sequence) {
        last = sequence;
        heartbeats.add(sequence);
        if (idlenessMs > 0 && lastArrivalMs != Long.MIN_VALUE && timeMs - lastArrivalMs >= idlenessMs) {
            watermark.idle(timeMs - idlenessMs - plan.outOfOrdernessMs() - 1, sequence);
        }
    }

    /** @return the heartbeats read in this cycle, by sequence number */
    java.util.Set<BigInteger> heartbeats() {
        return heartbeats;
    }

    /** @return arrival of the shard's last record so far, heartbeats aside, ms */
    long lastArrivalMs() {
        return lastArrivalMs;
    }

    /**
     * Values the key logic refused go to the late-data output too: a session past its allowed lateness after
     * merging, or in a redrive each window of the value past it.
     */
    void refused(KeyUpdate update) {
        // ids count the values of one record (a flatMap may make several): the same whatever else was refused
        String previous = null;
        int index = 0;
        for (SequencedValue value : update.values()) {
            String sequence = value.sequenceNumber().toString();
            index = sequence.equals(previous) ? index : 0;
            previous = sequence;
            List<Window> missed = lateWindows(value);
            int windows = plan.windows() == null || merging ? 1 : plan.windows().assign(value.timestampMs()).length;
            late.add(side.late(ResultIds.ofRecord(plan.name(), shardId, sequence, 0) + "@refused:"
                    + missed.get(0).startMs() + ":" + index++, sequence, value.value(), update.key(),
                    value.timestampMs(), missed, windows - missed.size(), watermark.watermarkMs()));
        }
    }

    /** @return the windows a refused value missed: a key's item names none, so the element's own */
    private List<Window> lateWindows(SequencedValue value) {
        if (plan.windows() == null) {
            return List.of(dev.eddy.window.GlobalWindows.ALL_TIME);
        }
        Window[] windows = plan.windows().assign(value.timestampMs());
        if (merging) {
            return List.of(windows[0]);
        }
        List<Window> late = pastLateness(windows, value.watermarkMs());
        return late.isEmpty() ? List.of(windows[0]) : late;
    }

    /** @return the windows past their allowed lateness at that watermark, by start */
    private List<Window> pastLateness(Window[] windows, long watermarkMs) {
        List<Window> late = new ArrayList<>();
        for (Window window : windows) {
            if (KeyWindowsLogic.cleanupTime(window, plan.allowedLatenessMs()) <= watermarkMs) {
                late.add(window);
            }
        }
        late.sort(java.util.Comparator.comparingLong(Window::startMs));
        return late;
    }

    /** @return one update per key, in first-seen order */
    List<KeyUpdate> updates() {
        List<KeyUpdate> list = new ArrayList<>(updates.size());
        updates.forEach((key, values) -> list.add(new KeyUpdate(key, values, partitionKeys.get(key))));
        return list;
    }

    /** @return the sequence number of the last record taken, or {@code null} if none was */
    BigInteger last() {
        return last;
    }

    /** @return the watermark over the records taken */
    WatermarkTracker watermark() {
        return watermark;
    }

    List<SinkRecord> failed() {
        return failed;
    }

    List<SinkRecord> late() {
        return late;
    }

    long records() {
        return records;
    }

    long replaysSkipped() {
        return replaysSkipped;
    }

    private static byte[] bytes(ByteBuffer data) {
        ByteBuffer copy = data.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }
}

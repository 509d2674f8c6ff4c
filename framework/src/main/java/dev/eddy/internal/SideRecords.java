package dev.eddy.internal;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.sink.SinkRecord;
import dev.eddy.window.Window;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * The side outputs of a shard's records: failure records (a record that could not be processed, with its data and
 * reason) and late records (an element past its window's allowed lateness). Shapes in docs/sinks.md. Internal.
 */
final class SideRecords {

    private final String pipeline;
    private final String shardId;
    private final ObjectMapper json;
    /** Why these records are side records beyond their own reason, e.g. a redrive; {@code null} for none. */
    private final String reason;

    SideRecords(String pipeline, String shardId, ObjectMapper json) {
        this(pipeline, shardId, json, null);
    }

    /**
     * @param reason added to every side record as {@code reason} (e.g. {@code re-driven after skip}), or
     *     {@code null}
     */
    SideRecords(String pipeline, String shardId, ObjectMapper json, String reason) {
        this.pipeline = pipeline;
        this.shardId = shardId;
        this.json = json;
        this.reason = reason;
    }

    /**
     * @param record the record
     * @param data its data, as delivered
     * @param error why it failed
     * @return its failure record: type {@code poison}, the data in base64, the error's type and message
     */
    SinkRecord failure(KinesisEvent.KinesisEventRecord record, byte[] data, RuntimeException error) {
        KinesisEvent.Record kinesis = record.getKinesis();
        ObjectNode node = json.createObjectNode()
                .put("id", ResultIds.ofRecord(pipeline, shardId, kinesis.getSequenceNumber(), 0))
                .put("type", "poison")
                .put("pipeline", pipeline)
                .put("shardId", shardId)
                .put("sequenceNumber", kinesis.getSequenceNumber())
                .put("partitionKey", kinesis.getPartitionKey())
                .put("approximateArrivalTimestamp", kinesis.getApproximateArrivalTimestamp().toInstant().toString())
                .put("errorType", error.getClass().getName())
                .put("errorMessage", String.valueOf(error.getMessage()))
                .put("data", Base64.getEncoder().encodeToString(data));
        if (reason != null) {
            node.put("reason", reason);
        }
        return SinkFlush.sideRecord(node, kinesis.getPartitionKey(), pipeline, bytes(node));
    }

    /**
     * @param id its deterministic id
     * @param sequenceNumber the record it came from
     * @param element the element
     * @param key its key
     * @param timestampMs its event time, ms
     * @param missed the windows it missed, past their allowed lateness (at least one); the first is
     *     {@code windowStart}/{@code windowEnd}, all are {@code missedWindows}
     * @param joined how many of its other windows took it ({@code countedInWindows}): 0 unless windows overlap
     * @param watermarkMs the watermark that made it late, ms
     * @return its late record: one per element, whatever the number of windows it missed
     */
    SinkRecord late(String id, String sequenceNumber, Object element, String key, long timestampMs,
            List<Window> missed, int joined, long watermarkMs) {
        Window first = missed.get(0);
        ObjectNode node = json.createObjectNode()
                .put("id", id)
                .put("type", "late")
                .put("pipeline", pipeline)
                .put("shardId", shardId)
                .put("sequenceNumber", sequenceNumber)
                .put("key", key)
                .put("eventTime", Instant.ofEpochMilli(timestampMs).toString())
                .put("windowStart", first.start().toString())
                .put("windowEnd", first.end().toString())
                .put("watermark", Instant.ofEpochMilli(watermarkMs).toString());
        ArrayNode windows = node.putArray("missedWindows");
        for (Window window : missed) {
            windows.addObject().put("start", window.start().toString()).put("end", window.end().toString());
        }
        node.put("countedInWindows", joined);
        if (reason != null) {
            node.put("reason", reason);
        }
        node.set("element", json.valueToTree(element));
        return SinkFlush.sideRecord(node, key, pipeline, bytes(node));
    }

    private byte[] bytes(ObjectNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a side record of pipeline " + pipeline + " cannot be written as JSON", e);
        }
    }
}

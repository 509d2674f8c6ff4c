package dev.eddy.emulator.sinks;

import dev.eddy.sink.SinkRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Result records as the handler makes them: an id, a key, JSON, and Eddy's message attributes. */
final class SinkRecords {

    private SinkRecords() {
    }

    /**
     * @param n how many
     * @param keys how many distinct keys, used in turn
     * @return records {@code {"id":..,"key":..,"n":i,"severity":..}} with ids {@code r-<i>}
     */
    static List<SinkRecord> results(int n, int keys) {
        List<SinkRecord> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(result("r-" + i, "K" + (i % keys), i, ""));
        }
        return records;
    }

    /**
     * @param padding extra text in the JSON, to reach a size
     * @return one result
     */
    static SinkRecord result(String id, String key, int n, String padding) {
        String json = "{\"id\":\"" + id + "\",\"key\":\"" + key + "\",\"n\":" + n + ",\"severity\":\""
                + (n % 3 == 0 ? "high" : "low") + "\",\"pad\":\"" + padding + "\"}";
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("id", id);
        attributes.put("pipeline", "test");
        attributes.put("key", key);
        attributes.put("windowStart", "2001-01-01T00:00:00Z");
        attributes.put("windowEnd", "2001-01-02T00:00:00Z");
        attributes.put("firing", n % 2);
        return new SinkRecord(id, key, json.getBytes(StandardCharsets.UTF_8), attributes);
    }

    /**
     * @param record a record
     * @param totalBytes the payload size wanted, bytes
     * @return the record padded to that size
     */
    static SinkRecord sized(String id, String key, int totalBytes) {
        int base = result(id, key, 0, "").payload().length;
        return result(id, key, 0, "x".repeat(totalBytes - base));
    }

    static List<String> payloads(List<SinkRecord> records) {
        return records.stream().map(SinkRecord::payloadText).toList();
    }
}

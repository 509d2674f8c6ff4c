package dev.eddy.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.sink.SinkException;
import dev.eddy.sink.SinkFactory;
import dev.eddy.sink.SinkRecord;
import dev.eddy.sink.SinkRef;
import dev.eddy.sink.SinkWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sinks that keep what they are handed, in memory and in delivery order, repeats included: each destination a
 * pipeline names, the failure destination and the late-data output (kept apart, as local file runs do). They take
 * records of any size and refuse none; a write fails only when told to ({@link #failNext}). Leaves out every
 * service limit and partial failure. Thread-safe: a batch writes its sinks in parallel.
 */
public final class MemorySinks implements SinkFactory {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String FAILURES = "failures";
    private static final String LATE = "late data";

    private final Map<String, List<SinkRecord>> delivered = new LinkedHashMap<>();
    private final Map<String, Integer> failuresLeft = new LinkedHashMap<>();

    @Override
    public SinkWriter open(SinkRef ref) {
        return writer(ref.describe());
    }

    @Override
    public SinkWriter failures(String pipeline, SinkRef destination) {
        return writer(FAILURES);
    }

    @Override
    public SinkWriter lateData(String pipeline, SinkRef failureDestination) {
        return writer(LATE);
    }

    /**
     * @param ref a destination the pipeline names
     * @return the records delivered to it so far, in order, repeats included
     */
    public synchronized List<SinkRecord> delivered(SinkRef ref) {
        return List.copyOf(delivered.getOrDefault(ref.describe(), List.of()));
    }

    /** @return the records of the failure destination: failed records and results a sink refused */
    public synchronized List<SinkRecord> failures() {
        return List.copyOf(delivered.getOrDefault(FAILURES, List.of()));
    }

    /** @return the records of the late-data output of a pipeline that names no sink for it */
    public synchronized List<SinkRecord> lateData() {
        return List.copyOf(delivered.getOrDefault(LATE, List.of()));
    }

    /**
     * Makes the next {@code times} non-empty writes to a destination throw {@link SinkException}, as an outage
     * would: the batch fails and is retried.
     *
     * @param ref a destination the pipeline names
     * @param times writes to fail, at least 1
     */
    public synchronized void failNext(SinkRef ref, int times) {
        if (times < 1) {
            throw new IllegalArgumentException("failNext needs at least 1 write to fail, was " + times);
        }
        failuresLeft.merge(ref.describe(), times, Integer::sum);
    }

    /**
     * @param record a delivered record
     * @return its payload as a JSON tree
     */
    public static JsonNode json(SinkRecord record) {
        try {
            return JSON.readTree(record.payload());
        } catch (IOException e) {
            throw new UncheckedIOException("payload of record " + record.id() + " is not JSON: "
                    + record.payloadText(), e);
        }
    }

    private SinkWriter writer(String destination) {
        return records -> {
            synchronized (this) {
                if (records.isEmpty()) {
                    return List.of();
                }
                int left = failuresLeft.getOrDefault(destination, 0);
                if (left > 0) {
                    failuresLeft.put(destination, left - 1);
                    throw new SinkException(destination + ": failure injected by MemorySinks.failNext ("
                            + (left - 1) + " more to come)", null);
                }
                delivered.computeIfAbsent(destination, d -> new ArrayList<>()).addAll(records);
                return List.of();
            }
        };
    }
}

package dev.eddy.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sinks that keep what they are handed, in memory and in delivery order, repeats included: each destination a
 * pipeline names (by its {@link SinkRef#describe()}, {@code kind:name}), the failure destination ({@link #FAILURES},
 * whatever destination the pipeline names) and the late-data output of a pipeline that names no sink for it
 * ({@link #LATE}, kept apart, as local file runs keep it). For tests and embedding: they take records of any size,
 * leave out every service limit and partial failure, and fail a write only when told to ({@link #failNext}).
 * Thread-safe: a batch writes its sinks in parallel.
 */
public final class MemorySinkFactory implements SinkFactory {

    /** The failure destination's records: failed records and results a sink refused. */
    public static final String FAILURES = "failures";
    /** The late-data output's records, when the pipeline names no sink for late data. */
    public static final String LATE = "late-data";

    private final Map<String, Destination> destinations = new ConcurrentHashMap<>();

    @Override
    public SinkWriter open(SinkRef ref) {
        return destination(ref.describe());
    }

    @Override
    public SinkWriter failures(String pipeline, SinkRef destination) {
        return destination(FAILURES);
    }

    @Override
    public SinkWriter lateData(String pipeline, SinkRef failureDestination) {
        return destination(LATE);
    }

    /**
     * @param destination a destination's {@code kind:name}, {@link #FAILURES} or {@link #LATE}
     * @return the records delivered to it so far, in order, repeats included
     */
    public List<SinkRecord> delivered(String destination) {
        return destination(destination).records();
    }

    /**
     * @param ref a destination the pipeline names
     * @return the records delivered to it so far, in order, repeats included
     */
    public List<SinkRecord> delivered(SinkRef ref) {
        return delivered(ref.describe());
    }

    /**
     * Makes the next {@code times} writes of at least one record to a destination throw {@link SinkException}, as an
     * outage would: the batch fails and is retried.
     *
     * @param destination as for {@link #delivered(String)}
     * @param times writes to fail, at least 1
     * @throws IllegalArgumentException if {@code times} is below 1
     */
    public void failNext(String destination, int times) {
        if (times < 1) {
            throw new IllegalArgumentException("failNext needs at least 1 write to fail, was " + times);
        }
        destination(destination).failNext(times);
    }

    private Destination destination(String name) {
        return destinations.computeIfAbsent(name, Destination::new);
    }

    private static final class Destination implements SinkWriter {
        private final String name;
        private final List<SinkRecord> records = new ArrayList<>();
        private int failuresLeft;

        Destination(String name) {
            this.name = name;
        }

        @Override
        public synchronized List<Rejected> write(List<SinkRecord> batch) {
            if (batch.isEmpty()) {
                return List.of();
            }
            if (failuresLeft > 0) {
                failuresLeft--;
                throw new SinkException(name + ": failure injected by failNext (" + failuresLeft + " more to come)",
                        null);
            }
            records.addAll(batch);
            return List.of();
        }

        synchronized List<SinkRecord> records() {
            return List.copyOf(records);
        }

        synchronized void failNext(int times) {
            failuresLeft += times;
        }
    }
}

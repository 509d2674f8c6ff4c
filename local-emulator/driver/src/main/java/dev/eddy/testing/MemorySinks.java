package dev.eddy.testing;

import dev.eddy.sink.SinkException;
import dev.eddy.sink.SinkFactory;
import dev.eddy.sink.SinkRecord;
import dev.eddy.sink.SinkRef;
import dev.eddy.sink.SinkWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sinks of a test driver: every destination keeps the records delivered to it, in delivery order, in memory. They
 * take records of any size (no service limits, as local file runs) and fail only when told to
 * ({@link #failNext}). Writers are thread-safe: a batch writes its sinks in parallel.
 */
final class MemorySinks implements SinkFactory {

    /** Where late data goes when the pipeline names no sink for it: kept apart, as local file runs do. */
    static final String LATE = "late-data";
    /** The failure destination's writer, whatever destination the pipeline names. */
    static final String FAILURES = "failures";

    private final Map<String, Writer> writers = new ConcurrentHashMap<>();

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
     * @param destination {@code kind:name} of a pipeline's sink, {@link #FAILURES} or {@link #LATE}
     * @return the records delivered to it so far, in order (repeats included)
     */
    List<SinkRecord> delivered(String destination) {
        return writer(destination).records();
    }

    /**
     * Makes the next {@code times} non-empty writes to a destination throw {@link SinkException}.
     *
     * @param destination as for {@link #delivered}
     * @param times writes to fail, at least 1
     */
    void failNext(String destination, int times) {
        writer(destination).failNext(times);
    }

    private Writer writer(String destination) {
        return writers.computeIfAbsent(destination, Writer::new);
    }

    private static final class Writer implements SinkWriter {
        private final String destination;
        private final List<SinkRecord> records = new ArrayList<>();
        private int failuresLeft;

        Writer(String destination) {
            this.destination = destination;
        }

        @Override
        public synchronized List<Rejected> write(List<SinkRecord> batch) {
            if (batch.isEmpty()) {
                return List.of();
            }
            if (failuresLeft > 0) {
                failuresLeft--;
                throw new SinkException(destination + ": failure injected by EddyTestDriver.failSink (" + failuresLeft
                        + " more to come)", null);
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

package dev.eddy.internal;

import dev.eddy.codec.internal.Jsons;
import dev.eddy.pipeline.internal.Plan;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.sink.SinkException;
import dev.eddy.sink.SinkRecord;
import dev.eddy.sink.SinkWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One flush of a batch's outputs: every sink written once, independent sinks in parallel; then the failure
 * destination gets the batch's failed records and the results a sink refused. A failure record the failure
 * destination itself refuses (over its size limit) is sent again without its bulky fields ({@code data},
 * {@code result}, {@code element}), which say where the original is instead. Internal.
 */
final class SinkFlush {

    /** Fields of a failure record that may be dropped to fit the failure destination, largest first. */
    private static final List<String> BULKY = List.of("data", "result", "element");

    private static final AtomicInteger THREADS = new AtomicInteger();

    /**
     * Records for one destination.
     *
     * @param destination how messages name it ({@code kind:name})
     * @param writer its writer
     * @param records the records, in order
     */
    record Delivery(String destination, SinkWriter writer, List<SinkRecord> records) {
    }

    private final Plan plan;
    private final SinkWriter failures;
    private final ObjectMapper json = Jsons.strictMapper();
    /** Threads writing sinks in parallel: at most one per writer; idle ones end after 60 s; daemons. */
    private final ThreadPoolExecutor pool;

    /**
     * @param plan the pipeline
     * @param failures its failure destination's writer
     * @param writers how many writers it has in all: the most sinks written at once
     */
    SinkFlush(Plan plan, SinkWriter failures, int writers) {
        this.plan = plan;
        this.failures = failures;
        int threads = Math.max(1, writers);
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                task -> {
                    Thread thread = new Thread(task, "eddy-sink-" + THREADS.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        this.pool.allowCoreThreadTimeOut(true);
    }

    /** Stops the threads. */
    void close() {
        pool.shutdown();
    }

    /**
     * A side-output record (a failed or late record) with its attributes.
     *
     * @param node its JSON, with an {@code id}
     * @param key the key or partition key it concerns
     * @param pipeline pipeline name
     * @param payload the JSON as bytes
     * @return the record
     */
    static SinkRecord sideRecord(ObjectNode node, String key, String pipeline, byte[] payload) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("id", node.get("id").asText());
        attributes.put("pipeline", pipeline);
        attributes.put("key", key == null ? "" : key);
        return new SinkRecord(node.get("id").asText(), key == null ? "" : key, payload, attributes);
    }

    /**
     * Writes every delivery (in parallel when there are several), then the failure destination.
     *
     * @param deliveries records per destination
     * @param failed the batch's failed records
     * @throws SinkException if a destination could not take its records; the others were still written
     */
    void deliver(List<Delivery> deliveries, List<SinkRecord> failed) {
        List<Delivery> work = deliveries.stream().filter(d -> !d.records().isEmpty()).toList();
        List<SinkRecord> toFailures = new ArrayList<>(failed);
        if (work.size() == 1) {
            Delivery only = work.get(0);
            only.writer().write(only.records()).forEach(r -> toFailures.add(undeliverable(only.destination(), r)));
        } else if (work.size() > 1) {
            List<CompletableFuture<List<SinkWriter.Rejected>>> futures = new ArrayList<>();
            for (Delivery delivery : work) {
                futures.add(CompletableFuture.supplyAsync(() -> delivery.writer().write(delivery.records()), pool));
            }
            RuntimeException error = null;
            for (int i = 0; i < work.size(); i++) {
                try {
                    for (SinkWriter.Rejected rejected : futures.get(i).join()) {
                        toFailures.add(undeliverable(work.get(i).destination(), rejected));
                    }
                } catch (CompletionException e) {
                    RuntimeException cause = e.getCause() instanceof RuntimeException r ? r : e;
                    if (error == null) {
                        error = cause;
                    } else {
                        error.addSuppressed(cause);
                    }
                }
            }
            if (error != null) {
                throw error;
            }
        }
        if (!toFailures.isEmpty()) {
            writeFailures(toFailures);
        }
    }

    private void writeFailures(List<SinkRecord> records) {
        List<SinkWriter.Rejected> refused = failures.write(records);
        if (refused.isEmpty()) {
            return;
        }
        List<SinkRecord> slim = new ArrayList<>(refused.size());
        for (SinkWriter.Rejected rejected : refused) {
            slim.add(slim(rejected));
        }
        List<SinkWriter.Rejected> still = failures.write(slim);
        if (!still.isEmpty()) {
            throw new SinkException("the failure destination of pipeline " + plan.name() + " refused "
                    + still.size() + " record(s) even without their data: " + still.get(0).reason(), null);
        }
    }

    /** A result a sink refused, as a failure record. */
    private SinkRecord undeliverable(String destination, SinkWriter.Rejected rejected) {
        SinkRecord record = rejected.record();
        ObjectNode node = json.createObjectNode()
                .put("id", record.id() + "@" + destination)
                .put("type", "undeliverable")
                .put("pipeline", plan.name())
                .put("destination", destination)
                .put("resultId", record.id())
                .put("key", record.partitionKey())
                .put("errorType", "RecordRejected")
                .put("errorMessage", rejected.reason());
        try {
            node.set("result", json.readTree(record.payload()));
        } catch (IOException e) {
            node.put("result", record.payloadText());
        }
        return sideRecord(node, record.partitionKey(), plan.name(), bytes(node));
    }

    /** A failure record without its bulky fields, saying which were left out and why. */
    private SinkRecord slim(SinkWriter.Rejected rejected) {
        ObjectNode node;
        try {
            node = (ObjectNode) json.readTree(rejected.record().payload());
        } catch (IOException | ClassCastException e) {
            throw new SinkException("the failure destination of pipeline " + plan.name() + " refused a record: "
                    + rejected.reason(), e);
        }
        var omitted = node.putArray("omitted");
        for (String field : BULKY) {
            if (node.remove(field) != null) {
                omitted.add(field);
            }
        }
        node.put("omittedReason", rejected.reason() + "; the original stays in the source stream at this sequence"
                + " number until the stream's retention ends, or is the result of this id");
        return new SinkRecord(rejected.record().id(), rejected.record().partitionKey(), bytes(node),
                rejected.record().attributes());
    }

    private byte[] bytes(ObjectNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}

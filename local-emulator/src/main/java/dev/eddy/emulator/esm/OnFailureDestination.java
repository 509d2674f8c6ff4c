package dev.eddy.emulator.esm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.emulator.lambda.LambdaEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import software.amazon.awssdk.services.kinesis.model.Record;

/**
 * The event source mapping's on-failure destination of local runs: one JSON object a line in
 * {@code DIR/esm-failures/<function>.jsonl}, in the shape Lambda sends to SQS/SNS/S3 for a Kinesis batch it gave
 * up on ({@code requestContext}, {@code responseContext}, {@code version}, {@code timestamp},
 * {@code KinesisBatchInfo}).
 */
public final class OnFailureDestination {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final String functionName;
    private final java.util.function.Consumer<String> alsoTo;
    private final java.util.concurrent.atomic.AtomicLong records = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param dir output folder
     * @param functionName the function
     */
    public OnFailureDestination(Path dir, String functionName) {
        this(dir, functionName, body -> { });
    }

    /**
     * @param dir output folder
     * @param functionName the function
     * @param alsoTo where each record's JSON also goes, as Lambda sends it to an SQS queue, SNS topic or S3 bucket
     *     (e.g. the pipeline's failure queue on moto)
     */
    public OnFailureDestination(Path dir, String functionName, java.util.function.Consumer<String> alsoTo) {
        this.file = dir.resolve("esm-failures").resolve(functionName + ".jsonl");
        this.functionName = functionName;
        this.alsoTo = java.util.Objects.requireNonNull(alsoTo, "alsoTo");
    }

    /** @return records left unprocessed in batches sent here so far */
    public long records() {
        return records.get();
    }

    /** @return the file records go to */
    public Path file() {
        return file;
    }

    /**
     * Writes one on-failure record.
     *
     * @param condition why: {@code RetryAttemptsExhausted} or {@code RecordAgeExceeded}, as Lambda names them
     */
    synchronized void batchDiscarded(String stream, String shardId, List<Record> records, int attempts,
            String condition) {
        ObjectNode node = JSON.createObjectNode();
        ObjectNode request = node.putObject("requestContext");
        request.put("requestId", java.util.UUID.randomUUID().toString());
        request.put("functionArn", "arn:aws:lambda:" + LambdaEvents.REGION + ":" + LambdaEvents.ACCOUNT
                + ":function:" + functionName);
        request.put("condition", condition);
        request.put("approximateInvokeCount", attempts);
        ObjectNode response = node.putObject("responseContext");
        response.put("statusCode", 200);
        response.put("executedVersion", "$LATEST");
        response.put("functionError", "Unhandled");
        node.put("version", "1.0");
        node.put("timestamp", Instant.now().toString());
        ObjectNode info = node.putObject("KinesisBatchInfo");
        info.put("shardId", shardId);
        info.put("startSequenceNumber", records.get(0).sequenceNumber());
        info.put("endSequenceNumber", records.get(records.size() - 1).sequenceNumber());
        info.put("approximateArrivalOfFirstRecord", records.get(0).approximateArrivalTimestamp().toString());
        info.put("approximateArrivalOfLastRecord",
                records.get(records.size() - 1).approximateArrivalTimestamp().toString());
        info.put("batchSize", records.size());
        info.put("streamArn", "arn:aws:kinesis:" + LambdaEvents.REGION + ":" + LambdaEvents.ACCOUNT + ":stream/"
                + stream);
        try {
            String body = JSON.writeValueAsString(node);
            Files.createDirectories(file.getParent());
            Files.writeString(file, body + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            alsoTo.accept(body);
            this.records.addAndGet(records.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}

package dev.eddy.emulator.bench;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.handler.EddyHandler;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * Runs in a fresh JVM whose class path is a function's shaded jar (plus this class): creates the handler as Lambda
 * does, optionally primes it as SnapStart's {@code beforeCheckpoint} would, and handles two batches, printing one JSON
 * line of timings. Uses only the JDK and what the function jar holds. Internal to {@code ./eddy bench startup}.
 */
public final class StartupProbe {

    private StartupProbe() {
    }

    /**
     * @param args handler class, batches file (a JSON array of two arrays of {@code {seq, pk, data, at}}, data in
     *     base64, at in ms), {@code prime} or {@code cold}
     * @throws Exception if anything fails: the parent reports it
     */
    public static void main(String[] args) throws Exception {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        long mainAt = System.currentTimeMillis();
        JsonNode batches = new ObjectMapper().readTree(Files.readAllBytes(Path.of(args[1])));
        long t0 = System.nanoTime();
        EddyHandler handler = (EddyHandler) Class.forName(args[0]).getDeclaredConstructor().newInstance();
        long constructed = System.nanoTime();
        boolean prime = "prime".equals(args[2]);
        if (prime) {
            handler.prime();
        }
        long primed = System.nanoTime();
        StreamsEventResponse first = handler.handleRequest(event(batches.get(0)), null);
        long firstDone = System.nanoTime();
        StreamsEventResponse second = handler.handleRequest(event(batches.get(1)), null);
        long secondDone = System.nanoTime();
        System.out.printf(java.util.Locale.ROOT,
                "{\"mode\":\"%s\",\"jvmToMainMs\":%d,\"constructMs\":%.1f,\"primeMs\":%.1f,\"firstBatchMs\":%.1f,"
                        + "\"secondBatchMs\":%.1f,\"records\":%d,\"failures\":%d}%n",
                args[2], mainAt - jvmStart, (constructed - t0) / 1e6, (primed - constructed) / 1e6,
                (firstDone - primed) / 1e6, (secondDone - firstDone) / 1e6, handler.metrics().records(),
                first.getBatchItemFailures().size() + second.getBatchItemFailures().size());
        System.exit(0);
    }

    private static KinesisEvent event(JsonNode batch) {
        List<KinesisEvent.KinesisEventRecord> records = new ArrayList<>();
        for (JsonNode r : batch) {
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setSequenceNumber(r.get("seq").asText());
            kinesis.setPartitionKey(r.get("pk").asText());
            kinesis.setData(ByteBuffer.wrap(Base64.getDecoder().decode(r.get("data").asText())));
            kinesis.setApproximateArrivalTimestamp(new Date(r.get("at").asLong()));
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setEventID("shardId-000000000000:" + kinesis.getSequenceNumber());
            record.setKinesis(kinesis);
            records.add(record);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(records);
        return event;
    }
}

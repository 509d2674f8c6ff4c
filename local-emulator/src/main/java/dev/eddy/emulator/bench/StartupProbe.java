package dev.eddy.emulator.bench;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.emulator.lambda.LocalContext;
import dev.eddy.handler.EddyHandler;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Runs in a fresh JVM whose class path is a function's shaded jar (plus this class): creates the handler as Lambda
 * does, optionally primes it as SnapStart's {@code beforeCheckpoint} would, and handles two batches, printing one JSON
 * line of timings. Uses only the JDK and what the function jar holds (and {@link LocalContext}). Internal to {@code
 * ./eddy bench startup} and to tests of the function jars; {@link #jvm} starts it.
 */
public final class StartupProbe {

    private StartupProbe() {
    }

    /**
     * @param args handler class, batches file (a JSON array of two arrays of {@code {seq, pk, data, at}}, data in
     *     base64, at in ms), {@code prime} or {@code cold}, and optionally {@code context}: each batch is then handled
     *     with a {@link LocalContext} (a request id of its own, 15 minutes left) rather than none
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
        boolean withContext = args.length > 3 && "context".equals(args[3]);
        StreamsEventResponse first = handler.handleRequest(event(batches.get(0)), context(withContext));
        long firstDone = System.nanoTime();
        StreamsEventResponse second = handler.handleRequest(event(batches.get(1)), context(withContext));
        long secondDone = System.nanoTime();
        System.out.printf(java.util.Locale.ROOT,
                "{\"mode\":\"%s\",\"jvmToMainMs\":%d,\"constructMs\":%.1f,\"primeMs\":%.1f,\"firstBatchMs\":%.1f,"
                        + "\"secondBatchMs\":%.1f,\"records\":%d,\"failures\":%d}%n",
                args[2], mainAt - jvmStart, (constructed - t0) / 1e6, (primed - constructed) / 1e6,
                (firstDone - primed) / 1e6, (secondDone - firstDone) / 1e6, handler.metrics().records(),
                first.getBatchItemFailures().size() + second.getBatchItemFailures().size());
        System.exit(0);
    }

    /**
     * A JVM to start that runs this probe on a function's shaded jar, with the flags Lambda's Java runtimes set by
     * default ({@code -XX:+TieredCompilation -XX:TieredStopAtLevel=1}) and this JVM's environment without {@code
     * AWS_LAMBDA_FUNCTION_NAME} (no EMF metrics) and {@code JAVA_TOOL_OPTIONS}, plus local credentials, region
     * {@code us-east-1} and the given settings.
     *
     * @param jar the function's shaded jar
     * @param handler the handler class
     * @param batches the batches file (see {@link #main})
     * @param modes {@code prime} or {@code cold}, and optionally {@code context}
     * @param settings environment variables to add, e.g. {@code EDDY_STATE_TABLE}
     * @return the process to start; its environment may still be changed
     */
    public static ProcessBuilder jvm(Path jar, String handler, Path batches, List<String> modes,
            Map<String, String> settings) {
        Path probeClasses;
        try {
            probeClasses = Path.of(StartupProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("where StartupProbe was loaded from is not a path", e);
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:+TieredCompilation", "-XX:TieredStopAtLevel=1", "-cp",
                jar + File.pathSeparator + probeClasses, StartupProbe.class.getName(), handler, batches.toString()));
        command.addAll(modes);
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.remove("AWS_LAMBDA_FUNCTION_NAME");
        env.remove("JAVA_TOOL_OPTIONS");
        env.putAll(settings);
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ACCESS_KEY_ID", "eddylocal");
        env.put("AWS_SECRET_ACCESS_KEY", "eddylocal");
        return builder;
    }

    private static Context context(boolean withContext) {
        return withContext ? new LocalContext("eddy-startup-probe", 1024, 15 * 60 * 1000) : null;
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

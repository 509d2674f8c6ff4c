package dev.eddy.emulator.cli;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import dev.eddy.emulator.embedded.DynamoDbLocal;
import dev.eddy.emulator.embedded.NodeModules;
import dev.eddy.emulator.input.InputFile;
import dev.eddy.functions.flightdelays.FlightDelays;
import dev.eddy.functions.flightdelays.FlightDelays.Flight;
import dev.eddy.internal.BatchProcessor;
import dev.eddy.internal.Jsons;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.sink.FileSinkFactory;
import dev.eddy.state.dynamodb.DynamoDbStateBackend;
import dev.eddy.state.dynamodb.table.StateTable;
import dev.eddy.time.Times;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * {@code ./eddy bench state}: DynamoDB cost of the flight-delays state against the per-record idempotency
 * pattern, on the same DynamoDB Local, in one run.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures the DynamoDB cost of state for the flight-delays pipeline over a flights file,"
            + " batch by batch on one shard, for Eddy (one conditional write per touched window per batch) and for"
            + " the per-record idempotency baseline (a conditional put of an idempotency record and an update of the"
            + " window per record, the Powertools pattern), on the same DynamoDB Local in the same run. Prints write"
            + " and read units per 1,000 records and records/s per batch size. A measurement, not a test."})
final class BenchCommand implements Callable<Integer> {

    private static final Duration DAY = Duration.ofDays(1);

    @Option(names = "--input", paramLabel = "FILE",
            description = "flights file (default: vega-datasets' flights-20k.json)")
    private Path input;

    @Option(names = "--batch-sizes", paramLabel = "N,N,...", split = ",", defaultValue = "100,500,1000",
            description = "batch sizes to measure (default: ${DEFAULT-VALUE})")
    private List<Integer> batchSizes;

    @Option(names = "--json", description = "print each row as one JSON object a line instead of the table")
    private boolean json;

    /** One measured row. */
    record Row(String system, int batchSize, double writeUnitsPer1k, double readUnitsPer1k, double recordsPerSecond) {
    }

    @Override
    public Integer call() throws Exception {
        Path file = input != null ? input : NodeModules.find("vega-datasets").resolve("data/flights-20k.json");
        List<byte[]> records = InputFile.read(file);
        for (int size : batchSizes) {
            if (size < 1 || size > 10_000) {
                throw new EddyCli.UsageError("batch sizes must be 1-10000, was " + size);
            }
        }
        List<Row> rows = new ArrayList<>();
        Path out = Files.createTempDirectory("eddy-bench");
        try (DynamoDbLocal local = DynamoDbLocal.start();
             DynamoDbClient client = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
                     .endpointOverride(local.endpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(
                             AwsBasicCredentials.create("eddybench", "eddybench"))).build()) {
            AtomicInteger tables = new AtomicInteger();
            // the baseline writes per record, whatever the batch: measured once, reported beside each batch size
            Row baseline = baseline(client, "bench-base", records);
            for (int size : batchSizes) {
                rows.add(eddy(client, "bench-eddy-" + tables.incrementAndGet(), records, size, out));
                rows.add(new Row(baseline.system(), size, baseline.writeUnitsPer1k(), baseline.readUnitsPer1k(),
                        baseline.recordsPerSecond()));
            }
        }
        if (json) {
            for (Row r : rows) {
                System.out.println(Jsons.strictMapper().writeValueAsString(r));
            }
            return 0;
        }
        System.out.printf(Locale.ROOT, "%-26s %10s %18s %17s %12s%n", "system", "batch size", "write units / 1k",
                "read units / 1k", "records/s");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-26s %10d %18.1f %17.1f %,12.0f%n", r.system(), r.batchSize(),
                    r.writeUnitsPer1k(), r.readUnitsPer1k(), r.recordsPerSecond());
        }
        for (int size : batchSizes) {
            Row e = rows.stream().filter(r -> r.batchSize() == size && r.system().startsWith("eddy")).findFirst()
                    .orElseThrow();
            Row b = rows.stream().filter(r -> r.batchSize() == size && r.system().startsWith("per-record"))
                    .findFirst().orElseThrow();
            System.out.printf(Locale.ROOT, "batch size %d: Eddy uses %.1fx fewer write units than per-record"
                    + " idempotency%n", size, b.writeUnitsPer1k() / e.writeUnitsPer1k());
        }
        return 0;
    }

    private static Row eddy(DynamoDbClient client, String table, List<byte[]> records, int batchSize, Path out)
            throws Exception {
        StateTable.create(client, table);
        Pipeline pipeline = new FlightDelays().define();
        // not closed: closing a backend closes its client, which the whole run shares
        DynamoDbStateBackend backend = new DynamoDbStateBackend(client, table);
        BatchProcessor processor = new BatchProcessor(pipeline.plan(), backend, new FileSinkFactory(out.resolve(table)));
        long started = System.nanoTime();
        for (int from = 0; from < records.size(); from += batchSize) {
            processor.process(event(records, from, Math.min(records.size(), from + batchSize)));
        }
        processor.drain("shardId-000000000000");
        double seconds = (System.nanoTime() - started) / 1e9;
        var usage = backend.usage();
        return new Row("eddy", batchSize, usage.writeUnits() * 1000 / records.size(),
                usage.readUnits() * 1000 / records.size(), records.size() / seconds);
    }

    /** Per record: a conditional put of an idempotency record, then an update of the record's window. */
    private static Row baseline(DynamoDbClient client, String table, List<byte[]> records) throws Exception {
        StateTable.create(client, table);
        double[] units = new double[2];
        long started = System.nanoTime();
        for (int i = 0; i < records.size(); i++) {
            Flight flight = Jsons.strictMapper().readValue(records.get(i), Flight.class);
            String sequence = sequence(i).toString();
            try {
                var put = client.putItem(b -> b.tableName(table).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                        .item(Map.of(StateTable.PK, AttributeValue.fromS("I#" + sequence),
                                StateTable.SK, AttributeValue.fromS("idempotency")))
                        .conditionExpression("attribute_not_exists(pk)"));
                units[0] += put.consumedCapacity().capacityUnits();
            } catch (ConditionalCheckFailedException seen) {
                units[0] += 1;
                continue;
            }
            long day = Times.utc(flight.date(), "yyyy/MM/dd HH:mm").toEpochMilli() / DAY.toMillis();
            var update = client.updateItem(b -> b.tableName(table).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                    .key(Map.of(StateTable.PK, AttributeValue.fromS("W#" + flight.origin()),
                            StateTable.SK, AttributeValue.fromS(Long.toString(day))))
                    .updateExpression("ADD flights :one, totalDelay :delay")
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"),
                            ":delay", AttributeValue.fromN(Integer.toString(flight.delay())))));
            units[0] += update.consumedCapacity().capacityUnits();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Row("per-record idempotency", 0, units[0] * 1000 / records.size(),
                units[1] * 1000 / records.size(), records.size() / seconds);
    }

    private static BigInteger sequence(int index) {
        return new BigInteger("49590338271490256608559692538361571095921575989136588898")
                .add(BigInteger.valueOf(index * 1_000L));
    }

    private static KinesisEvent event(List<byte[]> records, int from, int to) {
        List<KinesisEvent.KinesisEventRecord> list = new ArrayList<>();
        for (int i = from; i < to; i++) {
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setSequenceNumber(sequence(i).toString());
            kinesis.setPartitionKey("bench");
            kinesis.setData(ByteBuffer.wrap(records.get(i)));
            kinesis.setApproximateArrivalTimestamp(new Date(1_700_000_000_000L + i));
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setEventID("shardId-000000000000:" + kinesis.getSequenceNumber());
            record.setKinesis(kinesis);
            list.add(record);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(list);
        return event;
    }
}

package dev.eddy.emulator.bench;

import com.amazonaws.services.lambda.runtime.events.KinesisEvent;
import dev.eddy.emulator.console.UsageError;
import dev.eddy.state.dynamodb.local.DynamoDbLocal;
import dev.eddy.emulator.input.InputFile;
import dev.eddy.emulator.console.Pipelines;
import dev.eddy.handler.EddyHandler;
import dev.eddy.internal.BatchProcessor;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.sink.FileSinkFactory;
import dev.eddy.state.ShardLineage;
import dev.eddy.state.dynamodb.DynamoDbStateBackend;
import dev.eddy.state.dynamodb.table.StateTable;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
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
 *
 * <p>Records go to shards as Kinesis routes them: the MD5 hash of the partition key (the pipeline's key of the
 * record, as {@code run} puts it) into equal hash key ranges, one range per shard. Each shard's records are cut into batches
 * of the given size and processed in shard order, as one handler instance per shard would.
 */
@Command(name = "state", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Measures the DynamoDB cost of a pipeline's state (default: flight-delays over flights-20k), for"
            + " Eddy (one conditional write per touched key per batch) and for the per-record idempotency baseline"
            + " (a conditional put of an idempotency record and an update of the key's aggregate per record, the Powertools"
            + " pattern), on the same DynamoDB Local in the same run. Prints write and read units per 1,000 records"
            + " and records/s per shard count and batch size. A measurement, not a test."})
final class StateBench implements Callable<Integer> {


    @Mixin
    private BenchOptions options;

    @Option(names = "--batch-sizes", paramLabel = "N,N,...", split = ",", defaultValue = "100,500,1000",
            description = "batch sizes to measure (default: ${DEFAULT-VALUE})")
    private List<Integer> batchSizes;

    @Option(names = "--shards", paramLabel = "N,N,...", split = ",", defaultValue = "1,4",
            description = "shard counts to measure (default: ${DEFAULT-VALUE}; the pipeline's stream has 4)")
    private List<Integer> shardCounts;

    /** One measured row. */
    record Row(String system, int shards, int batchSize, double writeUnitsPer1k, double readUnitsPer1k,
            double recordsPerSecond) {
    }

    @Override
    public Integer call() throws Exception {
        List<BenchRow> figures = measure();
        if (options.json) {
            BenchRow.print(figures, true, System.out);
            return 0;
        }
        System.out.printf(Locale.ROOT, "%-24s %6s %10s %17s %16s %10s%n", "system", "shards", "batch size",
                "write units / 1k", "read units / 1k", "records/s");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-24s %6d %10d %17.1f %16.1f %,10.0f%n", r.system(), r.shards(),
                    r.batchSize(), r.writeUnitsPer1k(), r.readUnitsPer1k(), r.recordsPerSecond());
        }
        for (int i = 0; i < rows.size(); i += 2) {
            Row e = rows.get(i);
            Row b = rows.get(i + 1);
            System.out.printf(Locale.ROOT, "%d shard(s), batch size %d: Eddy uses %.1fx fewer write units than"
                    + " per-record idempotency%n", e.shards(), e.batchSize(), b.writeUnitsPer1k() / e.writeUnitsPer1k());
        }
        return 0;
    }

    /** The rows of the last {@link #measure()}: Eddy's, each followed by the baseline's. */
    private final List<Row> rows = new ArrayList<>();

    /**
     * Runs the measurement.
     *
     * @return per shard count and batch size: Eddy's write and read units per 1,000 records, the baseline's write
     *     units, and how many times fewer Eddy's are
     * @throws Exception if an emulator or a request fails
     */
    List<BenchRow> measure() throws Exception {
        Class<? extends EddyHandler> handler = options.handler();
        String pipelineName = BenchOptions.name(handler);
        Path file = options.input(pipelineName);
        List<byte[]> records = InputFile.data(InputFile.read(file));
        Pipeline pipeline = Pipelines.instantiate(handler).pipeline();
        // partition key = the pipeline's key, as `run` puts records; a record it cannot key (a failed record of
        // the pipeline) goes to a shard by an empty key
        List<String> keys = new ArrayList<>(records.size());
        for (byte[] record : records) {
            keys.add(pipeline.keyOf(record).orElse(""));
        }
        for (int size : batchSizes) {
            if (size < 1 || size > 10_000) {
                throw new UsageError("batch sizes must be 1-10000, was " + size);
            }
        }
        for (int shards : shardCounts) {
            if (shards < 1 || shards > 64) {
                throw new UsageError("shard counts must be 1-64, was " + shards);
            }
        }
        rows.clear();
        Path out = Files.createTempDirectory("eddy-bench");
        try (DynamoDbLocal local = DynamoDbLocal.server();
             DynamoDbClient client = DynamoDbClient.builder().httpClient(UrlConnectionHttpClient.create())
                     .endpointOverride(local.endpoint()).region(Region.US_EAST_1)
                     .credentialsProvider(StaticCredentialsProvider.create(
                             AwsBasicCredentials.create("eddybench", "eddybench"))).build()) {
            AtomicInteger tables = new AtomicInteger();
            progress("per-record idempotency baseline over " + records.size() + " records");
            // the baseline writes per record, whatever the batch or shard: measured once, reported on each row
            Row baseline = baseline(client, "bench-base", records, keys);
            for (int shards : shardCounts) {
                for (int size : batchSizes) {
                    progress("eddy, " + shards + " shard(s), batch size " + size);
                    rows.add(eddy(client, "bench-eddy-" + tables.incrementAndGet(), handler, records, keys, shards,
                            size, out));
                    rows.add(new Row(baseline.system(), shards, size, baseline.writeUnitsPer1k(),
                            baseline.readUnitsPer1k(), baseline.recordsPerSecond()));
                }
            }
        }
        List<BenchRow> figures = new ArrayList<>();
        Row base = rows.get(1);
        figures.add(new BenchRow("state", base.system(), "write units per 1,000 records", base.writeUnitsPer1k(),
                "WCU"));
        for (int i = 0; i < rows.size(); i += 2) {
            Row e = rows.get(i);
            String at = e.shards() + " shard(s), batch size " + e.batchSize();
            figures.add(new BenchRow("state", "eddy", "write units per 1,000 records, " + at, e.writeUnitsPer1k(),
                    "WCU"));
            figures.add(new BenchRow("state", "eddy", "read units per 1,000 records, " + at, e.readUnitsPer1k(),
                    "RCU"));
            figures.add(new BenchRow("state", "per-record/eddy", "write units, " + at,
                    base.writeUnitsPer1k() / e.writeUnitsPer1k(), "ratio"));
        }
        return figures;
    }

    private static void progress(String what) {
        System.err.println("[bench] " + what);
    }

    private static Row eddy(DynamoDbClient client, String table, Class<? extends EddyHandler> handler,
            List<byte[]> records, List<String> keys, int shards, int batchSize, Path out) throws Exception {
        StateTable.create(client, table);
        Pipeline pipeline = Pipelines.instantiate(handler).pipeline();
        // not closed: closing a backend closes its client, which the whole run shares
        DynamoDbStateBackend backend = new DynamoDbStateBackend(client, table);
        BatchProcessor processor = new BatchProcessor(pipeline, backend, new FileSinkFactory(out.resolve(table)));
        List<List<Integer>> byShard = new ArrayList<>();
        for (int s = 0; s < shards; s++) {
            byShard.add(new ArrayList<>());
        }
        for (int i = 0; i < records.size(); i++) {
            byShard.get(shardOf(keys.get(i), shards)).add(i);
        }
        long started = System.nanoTime();
        for (int s = 0; s < shards; s++) {
            List<Integer> indexes = byShard.get(s);
            String shardId = String.format("shardId-%012d", s);
            for (int from = 0; from < indexes.size(); from += batchSize) {
                processor.process(event(shardId, records, keys, indexes.subList(from,
                        Math.min(indexes.size(), from + batchSize)), from));
            }
            processor.drain(shardId);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        var usage = backend.usage();
        return new Row("eddy", shards, batchSize, usage.writeUnits() * 1000 / records.size(),
                usage.readUnits() * 1000 / records.size(), records.size() / seconds);
    }

    /** Kinesis's routing: the partition key's hash key ({@link ShardLineage.Shard#hashKey}) in equal ranges. */
    static int shardOf(String partitionKey, int shards) {
        return ShardLineage.Shard.hashKey(partitionKey).multiply(BigInteger.valueOf(shards)).shiftRight(128)
                .intValueExact();
    }

    /**
     * Per record: a conditional put of an idempotency record, then an update of the record's key's running
     * aggregate (one small item per key, as a per-record pattern keeps it).
     */
    private static Row baseline(DynamoDbClient client, String table, List<byte[]> records, List<String> keys) {
        StateTable.create(client, table);
        double[] units = new double[2];
        long started = System.nanoTime();
        for (int i = 0; i < records.size(); i++) {
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
            String key = keys.get(i);
            int bytes = records.get(i).length;
            var update = client.updateItem(b -> b.tableName(table).returnConsumedCapacity(ReturnConsumedCapacity.TOTAL)
                    .key(Map.of(StateTable.PK, AttributeValue.fromS("W#" + key),
                            StateTable.SK, AttributeValue.fromS("aggregate")))
                    .updateExpression("ADD records :one, totalBytes :bytes")
                    .expressionAttributeValues(Map.of(":one", AttributeValue.fromN("1"),
                            ":bytes", AttributeValue.fromN(Integer.toString(bytes)))));
            units[0] += update.consumedCapacity().capacityUnits();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return new Row("per-record idempotency", 0, 0, units[0] * 1000 / records.size(),
                units[1] * 1000 / records.size(), records.size() / seconds);
    }

    private static BigInteger sequence(int index) {
        return new BigInteger("49590338271490256608559692538361571095921575989136588898")
                .add(BigInteger.valueOf(index * 1_000L));
    }

    private static KinesisEvent event(String shardId, List<byte[]> records, List<String> keys,
            List<Integer> indexes, int position) {
        List<KinesisEvent.KinesisEventRecord> list = new ArrayList<>();
        for (int i = 0; i < indexes.size(); i++) {
            int index = indexes.get(i);
            KinesisEvent.Record kinesis = new KinesisEvent.Record();
            kinesis.setSequenceNumber(sequence(position + i).toString());
            kinesis.setPartitionKey(keys.get(index).isEmpty() ? "-" : keys.get(index));
            kinesis.setData(ByteBuffer.wrap(records.get(index)));
            kinesis.setApproximateArrivalTimestamp(new Date(1_700_000_000_000L + index));
            KinesisEvent.KinesisEventRecord record = new KinesisEvent.KinesisEventRecord();
            record.setEventID(shardId + ":" + kinesis.getSequenceNumber());
            record.setKinesis(kinesis);
            list.add(record);
        }
        KinesisEvent event = new KinesisEvent();
        event.setRecords(list);
        return event;
    }
}

package dev.eddy.emulator.sinks;

import dev.eddy.internal.BatchProcessor;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.sink.SinkFactory;
import dev.eddy.state.dynamodb.DynamoDbStateBackend;
import dev.eddy.state.dynamodb.table.StateTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.Record;
import software.amazon.awssdk.services.kinesis.model.Shard;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;

/** What the sink tests share: a pipeline's processor on a fresh state table, and a stream read back. */
public final class Fixtures {

    private Fixtures() {
    }

    /**
     * @param dynamo DynamoDB Local's client
     * @param table a table name not used yet in this DynamoDB Local
     * @return the handler's batch processor for the pipeline, its state in that new table
     */
    static BatchProcessor processor(DynamoDbClient dynamo, String table, Pipeline pipeline, SinkFactory sinks) {
        StateTable.create(dynamo, table);
        return new BatchProcessor(pipeline, new DynamoDbStateBackend(dynamo, table), sinks);
    }

    /**
     * @param kinesis a Kinesis client
     * @param stream the stream
     * @return every record of a stream, per shard in shard-id order, each in sequence order
     */
    public static Map<String, List<Record>> records(KinesisClient kinesis, String stream) {
        Map<String, List<Record>> byShard = new TreeMap<>();
        for (Shard shard : kinesis.listShards(b -> b.streamName(stream)).shards()) {
            List<Record> records = byShard.computeIfAbsent(shard.shardId(), k -> new ArrayList<>());
            String iterator = kinesis.getShardIterator(b -> b.streamName(stream).shardId(shard.shardId())
                    .shardIteratorType(ShardIteratorType.TRIM_HORIZON)).shardIterator();
            while (iterator != null) {
                String current = iterator;
                var response = kinesis.getRecords(b -> b.shardIterator(current).limit(10_000));
                records.addAll(response.records());
                iterator = response.records().isEmpty() ? null : response.nextShardIterator();
            }
        }
        return byShard;
    }
}

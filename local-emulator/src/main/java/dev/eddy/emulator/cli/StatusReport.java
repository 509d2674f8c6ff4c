package dev.eddy.emulator.cli;

import dev.eddy.state.dynamodb.table.StateTable;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.ReturnConsumedCapacity;

/**
 * Everything {@code ./eddy status} shows, collected before anything is printed; {@link StatusText} and
 * {@link StatusJson} print it.
 *
 * @param pipeline the pipeline's name
 * @param stream the stream's name
 * @param kinesisAt where the stream is: its endpoint, or {@code AWS [region]}
 * @param table the state table's name
 * @param dynamoDbAt where the table is
 * @param asOf when the status was taken (wall clock)
 * @param shards every shard of the stream, open and closed, in shard-id order
 * @param itemCounts the table's items by type ({@link #ITEM_TYPES}, in that order), or {@code null} without
 *     {@code --items}
 * @param unlistedCheckpoints shards with a checkpoint in the table that the stream no longer lists (found with
 *     {@code --items} only)
 */
record StatusReport(String pipeline, String stream, String kinesisAt, String table, String dynamoDbAt, Instant asOf,
        List<ShardStatus> shards, Map<String, Long> itemCounts, Set<String> unlistedCheckpoints) {

    /** Eddy's metrics that the checkpoint does not keep: only CloudWatch has them. */
    static final List<String> CLOUDWATCH_ONLY = List.of("SinkRetries", "BatchDuration");

    /** The item types {@link #countItems} counts, by the first letter of their partition key (W, T, P, C, I). */
    static final List<String> ITEM_TYPES = List.of("keyState", "eventTimeTimerBuckets", "processingTimeTimerBuckets",
            "checkpoints", "doneMarkers", "other");

    /**
     * Counts a state table's items by the type their partition key starts with; scans the whole table.
     *
     * @param dynamo the table's client
     * @param tableName the table
     * @param checkpointed where the shard ids of the checkpoint items ({@code C#<shardId>}) are added
     * @return items per type of {@link #ITEM_TYPES}, in that order
     */
    static Map<String, Long> countItems(DynamoDbClient dynamo, String tableName, Set<String> checkpointed) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String type : ITEM_TYPES) {
            counts.put(type, 0L);
        }
        dynamo.scanPaginator(b -> b.tableName(tableName).projectionExpression(StateTable.PK)
                .returnConsumedCapacity(ReturnConsumedCapacity.NONE)).items().forEach(item -> {
                    String pk = item.get(StateTable.PK).s();
                    String type = switch (pk.length() > 1 && pk.charAt(1) == '#' ? pk.charAt(0) : '?') {
                        case 'W' -> "keyState";
                        case 'T' -> "eventTimeTimerBuckets";
                        case 'P' -> "processingTimeTimerBuckets";
                        case 'C' -> "checkpoints";
                        case 'I' -> "doneMarkers";
                        default -> "other";
                    };
                    counts.merge(type, 1L, Long::sum);
                    if (type.equals("checkpoints")) {
                        checkpointed.add(pk.substring(2));
                    }
                });
        return counts;
    }
}

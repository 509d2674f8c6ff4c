package dev.eddy.emulator.cli;

import dev.eddy.emulator.console.UsageError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;
import software.amazon.awssdk.services.kinesis.model.ResourceNotFoundException;
import software.amazon.awssdk.services.kinesis.model.Shard;

/** Every shard of a stream, open and closed, through {@code ListShards} page by page. */
final class StreamShards {

    private StreamShards() {
    }

    /**
     * @param kinesis the client
     * @param stream the stream
     * @param where where the stream was looked for, for the message
     * @return its shards in shard-id order (a parent's id is below its children's)
     * @throws UsageError if there is no such stream
     */
    static List<Shard> list(KinesisClient kinesis, String stream, String where) {
        List<Shard> shards = new ArrayList<>();
        try {
            ListShardsResponse page = kinesis.listShards(b -> b.streamName(stream));
            shards.addAll(page.shards());
            while (page.nextToken() != null) {
                String token = page.nextToken();
                page = kinesis.listShards(b -> b.nextToken(token));
                shards.addAll(page.shards());
            }
        } catch (ResourceNotFoundException missing) {
            throw new UsageError("stream '" + stream + "' does not exist at " + where);
        }
        shards.sort(Comparator.comparing(Shard::shardId));
        return shards;
    }

    /**
     * @param shard a shard
     * @return whether it still takes records (no ending sequence number)
     */
    static boolean open(Shard shard) {
        return shard.sequenceNumberRange() == null || shard.sequenceNumberRange().endingSequenceNumber() == null;
    }

    /**
     * @param shard a shard
     * @return its parent and, after a merge, its adjacent parent; empty for an original shard
     */
    static List<String> parents(Shard shard) {
        List<String> parents = new ArrayList<>(2);
        if (shard.parentShardId() != null) {
            parents.add(shard.parentShardId());
        }
        if (shard.adjacentParentShardId() != null) {
            parents.add(shard.adjacentParentShardId());
        }
        return parents;
    }
}

package dev.eddy.internal;

import dev.eddy.config.internal.AwsClients;
import dev.eddy.config.EddySettings;
import dev.eddy.state.ShardLineage;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ListShardsResponse;

/**
 * {@link ShardLineage} from Kinesis {@code ListShards} (needs {@code kinesis:ListShards} on the stream). The
 * client is built on first use, which is a shard's first batch only, so it costs a warm function nothing; it is
 * configured by {@link AwsClients} (endpoint {@code AWS_ENDPOINT_URL_KINESIS} or {@code AWS_ENDPOINT_URL}). A
 * stream's shard list is cached and listed again when it does not name the shard asked for (a reshard since).
 */
public final class KinesisShardLineage implements ShardLineage, AutoCloseable {

    private final EddySettings settings;
    private final Map<String, Map<String, ShardLineage.Shard>> streams = new ConcurrentHashMap<>();
    private volatile KinesisClient client;

    /** @param settings where region and endpoint come from */
    public KinesisShardLineage(EddySettings settings) {
        this.settings = settings;
    }

    @Override
    public Optional<ShardLineage.Shard> describe(String streamArn, String shardId) {
        ShardLineage.Shard known = streams.getOrDefault(streamArn, Map.of()).get(shardId);
        if (known != null) {
            return Optional.of(known);
        }
        Map<String, ShardLineage.Shard> listed = list(streamArn);
        streams.put(streamArn, listed);
        return Optional.ofNullable(listed.get(shardId));
    }

    private Map<String, ShardLineage.Shard> list(String streamArn) {
        Map<String, ShardLineage.Shard> shards = new ConcurrentHashMap<>();
        String next = null;
        do {
            String token = next;
            ListShardsResponse response;
            try {
                // a next token stands alone: ListShards rejects it beside the stream
                response = client().listShards(b -> {
                    if (token == null) {
                        // by name, which every emulator understands; the ARN names a stream of the function's account
                        b.streamName(streamArn.substring(streamArn.indexOf(":stream/") + 8));
                    } else {
                        b.nextToken(token);
                    }
                });
            } catch (RuntimeException e) {
                throw new IllegalStateException("cannot list the shards of " + streamArn + " to find a new shard's"
                        + " parents (does the function have kinesis:ListShards?): " + e.getMessage(), e);
            }
            for (software.amazon.awssdk.services.kinesis.model.Shard shard : response.shards()) {
                List<String> parents = new ArrayList<>();
                if (shard.parentShardId() != null) {
                    parents.add(shard.parentShardId());
                }
                if (shard.adjacentParentShardId() != null) {
                    parents.add(shard.adjacentParentShardId());
                }
                shards.put(shard.shardId(), new ShardLineage.Shard(shard.shardId(), parents,
                        new BigInteger(shard.hashKeyRange().startingHashKey()),
                        new BigInteger(shard.hashKeyRange().endingHashKey())));
            }
            next = response.nextToken();
        } while (next != null);
        return shards;
    }

    private KinesisClient client() {
        KinesisClient c = client;
        if (c == null) {
            synchronized (this) {
                c = client;
                if (c == null) {
                    c = AwsClients.configure(KinesisClient.builder(), settings, "KINESIS").build();
                    client = c;
                }
            }
        }
        return c;
    }

    @Override
    public void close() {
        KinesisClient c = client;
        if (c != null) {
            c.close();
        }
    }
}

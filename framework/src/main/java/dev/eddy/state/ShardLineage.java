package dev.eddy.state;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a shard comes from: after a reshard (Kinesis {@code SplitShard} or {@code MergeShards}) a child shard
 * continues its parents' keys, and with them their watermark and timers (docs/state.md, "Resharding"). Lambda's event does not say
 * whether a shard has parents, so the handler asks Kinesis ({@code ListShards}) on a shard's first batch.
 */
@FunctionalInterface
public interface ShardLineage {

    /**
     * @param streamArn the stream, as the event's {@code eventSourceARN} names it
     * @param shardId the shard
     * @return the shard's parents and hash key range; empty if the stream does not list the shard
     * @throws RuntimeException if the stream cannot be asked (missing {@code kinesis:ListShards} permission, no
     *     network): the batch fails and is retried rather than starting a child shard without its parents' state
     */
    Optional<Shard> describe(String streamArn, String shardId);

    /**
     * A shard as {@code ListShards} describes it.
     *
     * @param shardId the shard
     * @param parents its parent shard and, after a merge, the adjacent parent; empty for an original shard
     * @param startingHashKey lowest hash key it owns (inclusive)
     * @param endingHashKey highest hash key it owns (inclusive)
     */
    record Shard(String shardId, List<String> parents, BigInteger startingHashKey, BigInteger endingHashKey) {

        /** Requires all parts; copies the parents. */
        public Shard {
            Objects.requireNonNull(shardId, "shardId");
            parents = List.copyOf(parents);
            Objects.requireNonNull(startingHashKey, "startingHashKey");
            Objects.requireNonNull(endingHashKey, "endingHashKey");
        }

        /**
         * Whether records of this partition key go to this shard: Kinesis maps a partition key to a 128-bit
         * hash key with MD5 (Kinesis Data Streams API, {@code PutRecord}: "MD5 hash function is used to map
         * partition keys to 128-bit integer values").
         *
         * @param partitionKey a partition key
         * @return whether its hash key lies in this shard's range
         */
        public boolean owns(String partitionKey) {
            BigInteger hash = hashKey(partitionKey);
            return hash.compareTo(startingHashKey) >= 0 && hash.compareTo(endingHashKey) <= 0;
        }

        /**
         * @param partitionKey a partition key
         * @return its hash key: the MD5 digest of its UTF-8 bytes as an unsigned 128-bit number
         */
        public static BigInteger hashKey(String partitionKey) {
            try {
                return new BigInteger(1, MessageDigest.getInstance("MD5")
                        .digest(partitionKey.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JVM has no MD5", e);
            }
        }
    }
}

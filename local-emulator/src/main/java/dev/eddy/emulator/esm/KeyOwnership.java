package dev.eddy.emulator.esm;

import software.amazon.awssdk.services.kinesis.model.Record;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Watches which shard each key's records arrive on. Keyed state belongs to the shard that owns the key, so every
 * record of a key must reach one shard — the key must follow the partition key (docs/windows.md, "Keys and shards"). A key seen on two
 * shards breaks that rule: its windows are judged by two watermarks. Thread-safe.
 */
public final class KeyOwnership {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KeyOwnership.class);

    private final Map<String, String> owner = new ConcurrentHashMap<>();
    private final ConcurrentSkipListMap<String, List<String>> violations = new ConcurrentSkipListMap<>();

    /**
     * @param shardId the shard a record of the key arrived on
     * @param key the record's key
     * @return {@code false} if the key was seen on another shard before
     */
    public boolean observe(String shardId, String key) {
        String first = owner.putIfAbsent(Objects.requireNonNull(key, "key"), shardId);
        if (first == null || first.equals(shardId)) {
            return true;
        }
        violations.putIfAbsent(key, List.of(first, shardId));
        return false;
    }

    /**
     * Observes a batch's records, and logs a warning at the first key seen on a second shard.
     *
     * @param shardId the shard they arrived on
     * @param records the records
     * @param function the function, which knows each record's key (or not)
     */
    void observe(String shardId, List<Record> records, LocalFunction function) {
        for (Record record : records) {
            function.keyOf(record.data().asByteArrayUnsafe()).ifPresent(key -> {
                if (!observe(shardId, key) && violationCount() == 1) {
                    LOG.warn("key {} has records on more than one shard ({}): keyed state belongs to one shard,"
                            + " so the records of a key must share a partition key", key, violations.get(key));
                }
            });
        }
    }

    /** @return each key seen on more than one shard, with the first two shards, in key order */
    public Map<String, List<String>> violations() {
        return Map.copyOf(violations);
    }

    /** @return how many keys were seen on more than one shard */
    public int violationCount() {
        return violations.size();
    }

    /** @return the first key seen on more than one shard, in key order, with its shards; empty if none */
    public String example() {
        var first = violations.firstEntry();
        return first == null ? "" : "'" + first.getKey() + "' on " + String.join(" and ", first.getValue());
    }
}

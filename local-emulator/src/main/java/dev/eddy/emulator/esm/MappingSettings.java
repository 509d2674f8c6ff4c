package dev.eddy.emulator.esm;

/**
 * Settings of one local event source mapping and of the function it invokes.
 *
 * @param batchSize most records per invocation, 1–10,000 (AWS default 100)
 * @param maxRetryAttempts retries of a failed batch before it goes to the on-failure destination and the shard
 *     moves on; AWS's default is -1 (until the records expire), which locally would hang a broken handler, so
 *     local runs default to 10
 * @param functionTimeoutMs the function's timeout, ms, reported by {@code Context.getRemainingTimeInMillis()}
 * @param memoryMb the function's memory, MB, reported by the context
 * @param idlePollMs pause before polling a shard again after an empty read, ms
 */
public record MappingSettings(int batchSize, int maxRetryAttempts, long functionTimeoutMs, int memoryMb,
        long idlePollMs) {

    /** Largest synchronous invocation payload Lambda accepts: 6 MB (6,291,456 bytes). */
    public static final int MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;

    /**
     * @throws IllegalArgumentException if a value is out of range
     */
    public MappingSettings {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new IllegalArgumentException("batch size must be 1-10000, was " + batchSize);
        }
        if (maxRetryAttempts < 0 || maxRetryAttempts > 10_000) {
            throw new IllegalArgumentException("maximum retry attempts must be 0-10000, was " + maxRetryAttempts);
        }
    }

    /**
     * @param batchSize records per invocation
     * @return local defaults with that batch size: 10 retries, 60 s timeout, 1024 MB, 100 ms idle poll
     */
    public static MappingSettings defaults(int batchSize) {
        return new MappingSettings(batchSize, 10, 60_000, 1024, 100);
    }
}

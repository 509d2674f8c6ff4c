package dev.eddy.emulator.esm;

/**
 * Faults of Lambda's side of an invocation that a chaos run injects ({@code eddy run --chaos}): the execution
 * environment replaced before it, a duplicate of it running at the same time in another environment, and a timeout.
 * Asked once per invocation, with the shard and the batch's first sequence number; implementations are thread-safe.
 */
public interface InvocationFaults {

    /** No faults: what Lambda does when nothing goes wrong. */
    InvocationFaults NONE = new InvocationFaults() {
        @Override
        public boolean replaceEnvironment(String shardId, String firstSequenceNumber) {
            return false;
        }

        @Override
        public boolean duplicate(String shardId, String firstSequenceNumber) {
            return false;
        }

        @Override
        public long timeoutAfterMs(String shardId, String firstSequenceNumber) {
            return -1;
        }
    };

    /** @return whether the invocation gets a new (cold) execution environment, as Lambda may give it at any time */
    boolean replaceEnvironment(String shardId, String firstSequenceNumber);

    /**
     * @return whether the same batch is also invoked, at the same time, in an execution environment of its own
     *     (Lambda invokes at least once), whose result the mapping ignores
     */
    boolean duplicate(String shardId, String firstSequenceNumber);

    /**
     * @return after how many ms the invocation times out (its response lost even if it came, its environment
     *     replaced, the invocation running on until the environment is ended), or -1 for none
     */
    long timeoutAfterMs(String shardId, String firstSequenceNumber);
}

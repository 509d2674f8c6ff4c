package dev.eddy.testing.internal;

import java.math.BigInteger;
import java.util.List;

/**
 * How Lambda's Kinesis event source mapping reads a function's response with {@code ReportBatchItemFailures} on
 * (AWS Lambda Developer Guide, "Configuring partial batch response with Kinesis Data Streams and Lambda"): no
 * failures is success; otherwise the lowest failed sequence number is the checkpoint and every record from it is
 * retried; a {@code null}, empty or unknown item identifier fails the whole batch. The one implementation of that
 * rule, used by the local event source mapping and by {@code EddyTestDriver}. Internal.
 */
public final class BatchResponses {

    private BatchResponses() {
    }

    /**
     * What one invocation did to a batch.
     *
     * @param done how many leading records of the batch are done (the whole batch on success)
     * @param retryFrom the sequence number to retry from, or {@code null} on success
     * @param wholeBatch whether the response failed the whole batch for an invalid identifier
     */
    public record Verdict(int done, String retryFrom, boolean wholeBatch) {

        /** @return whether every record of the batch is done */
        public boolean success() {
            return retryFrom == null;
        }
    }

    /**
     * @param batch the batch's sequence numbers, in order
     * @param itemFailures the response's item identifiers ({@code null} or empty for none)
     * @return the verdict
     * @throws IllegalArgumentException if the batch is empty
     */
    public static Verdict judge(List<String> batch, List<String> itemFailures) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("an event source mapping never invokes with an empty batch");
        }
        if (itemFailures == null || itemFailures.isEmpty()) {
            return new Verdict(batch.size(), null, false);
        }
        int lowest = -1;
        BigInteger lowestSequence = null;
        for (String id : itemFailures) {
            int index = id == null || id.isBlank() ? -1 : batch.indexOf(id);
            if (index < 0) {
                return new Verdict(0, batch.get(0), true);
            }
            BigInteger sequence = new BigInteger(id);
            if (lowestSequence == null || sequence.compareTo(lowestSequence) < 0) {
                lowestSequence = sequence;
                lowest = index;
            }
        }
        return new Verdict(lowest, batch.get(lowest), false);
    }
}

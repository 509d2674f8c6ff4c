package dev.eddy.state;

/**
 * DynamoDB capacity consumed, as {@code ReturnConsumedCapacity} reports it.
 *
 * @param writeUnits write capacity units (1 per KB written; transactions 2×)
 * @param readUnits read capacity units (strongly consistent: 1 per 4 KB)
 */
public record CapacityUsage(double writeUnits, double readUnits) {

    /** No capacity. */
    public static final CapacityUsage NONE = new CapacityUsage(0, 0);

    /**
     * @param other more usage
     * @return the sum
     */
    public CapacityUsage plus(CapacityUsage other) {
        return new CapacityUsage(writeUnits + other.writeUnits, readUnits + other.readUnits);
    }
}

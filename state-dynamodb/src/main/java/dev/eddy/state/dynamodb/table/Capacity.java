package dev.eddy.state.dynamodb.table;

import dev.eddy.state.CapacityUsage;
import java.util.concurrent.atomic.DoubleAdder;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;

/**
 * The capacity units a backend consumed, as DynamoDB reports them ({@code ReturnConsumedCapacity = TOTAL} on every
 * request), plus what it bills without reporting: failed conditional writes. Safe for concurrent use (the state
 * writer threads count into it).
 */
public final class Capacity implements BatchRequests.CapacityCounter {

    private final DoubleAdder writeUnits = new DoubleAdder();
    private final DoubleAdder readUnits = new DoubleAdder();

    /**
     * Counts what one request consumed.
     *
     * @param capacity as DynamoDB returned it; {@code null} (or without units) counts nothing
     * @param write whether the request wrote
     */
    @Override
    public void count(ConsumedCapacity capacity, boolean write) {
        if (capacity != null && capacity.capacityUnits() != null) {
            (write ? writeUnits : readUnits).add(capacity.capacityUnits());
        }
    }

    /**
     * Counts write units DynamoDB billed but did not report: a conditional write whose condition failed.
     *
     * @param units write capacity units, as {@link ItemSize#writeUnits} computes them
     */
    public void addWriteUnits(double units) {
        writeUnits.add(units);
    }

    /** @return the units counted so far */
    public CapacityUsage usage() {
        return new CapacityUsage(writeUnits.sum(), readUnits.sum());
    }
}

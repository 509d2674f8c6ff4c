package dev.eddy.state.dynamodb.timers;

import dev.eddy.state.TimerHandle;
import dev.eddy.state.dynamodb.table.ItemKey;

/**
 * A handled timer bucket, handed out as due and deleted by {@link TimerBuckets#clear}.
 *
 * @param item the bucket's primary key
 */
record Bucket(ItemKey item) implements TimerHandle {
}

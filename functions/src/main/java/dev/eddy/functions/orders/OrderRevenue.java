package dev.eddy.functions.orders;

import dev.eddy.aggregate.Aggregator;
import dev.eddy.codec.Json;
import dev.eddy.pipeline.KinesisSource;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.pipeline.PipelineDefinition;
import dev.eddy.pipeline.Windowed;
import dev.eddy.sink.Firehose;
import dev.eddy.window.TumblingWindows;
import java.time.Duration;
import java.time.Instant;

/**
 * Revenue, order count and average order value per store and minute: one-minute tumbling windows, orders up to 5
 * seconds out of order. Results go to the Firehose delivery stream {@code order-revenue}.
 */
public final class OrderRevenue implements PipelineDefinition {

    /**
     * One order.
     *
     * @param orderId order id
     * @param store the store that took it
     * @param amount order total, in the store's currency, two decimals
     * @param items number of items
     * @param time when it was placed, ISO-8601 UTC
     */
    public record Order(String orderId, String store, double amount, int items, Instant time) {
    }

    /**
     * The accumulator: counts and cents, so that sums are exact.
     *
     * @param orders orders counted
     * @param revenueCents sum of order totals, cents
     */
    public record Revenue(long orders, long revenueCents) {

        /** Counts orders and their totals. */
        static final Aggregator<Order, Revenue, Revenue> AGGREGATOR = Aggregator.of(Revenue.class,
                () -> new Revenue(0, 0),
                (r, order) -> new Revenue(r.orders() + 1, r.revenueCents() + Math.round(order.amount() * 100)),
                (a, b) -> new Revenue(a.orders() + b.orders(), a.revenueCents() + b.revenueCents()),
                r -> r);
    }

    /**
     * One store's minute, as written to the sink.
     *
     * @param id deterministic result id
     * @param store the store
     * @param windowStart start of the minute
     * @param windowEnd end of the minute (exclusive)
     * @param orders orders placed
     * @param revenue their total, two decimals
     * @param averageOrderValue revenue / orders, two decimals
     * @param firing 0 for the on-time result
     */
    public record StoreMinute(String id, String store, Instant windowStart, Instant windowEnd, long orders,
            double revenue, double averageOrderValue, int firing) {

        static StoreMinute of(Windowed<Revenue> minute) {
            Revenue r = minute.value();
            return new StoreMinute(minute.id(), minute.key(), minute.window().start(), minute.window().end(),
                    r.orders(), r.revenueCents() / 100.0, Math.round((double) r.revenueCents() / r.orders()) / 100.0,
                    minute.firing());
        }
    }

    @Override
    public Pipeline define() {
        return Pipeline.named("order-revenue")
                .from(KinesisSource.stream("orders").withBatchSize(500).decode(Json.of(Order.class)))
                .withEventTime(Order::time, Duration.ofSeconds(5))
                .keyBy(Order::store)
                .window(TumblingWindows.of(Duration.ofMinutes(1)))
                .aggregate(Revenue.AGGREGATOR)
                .map(StoreMinute::of)
                .to(Firehose.deliveryStream("order-revenue"))
                .build();
    }
}

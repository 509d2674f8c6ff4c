package dev.eddy.functions.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.functions.orders.OrderRevenue.Order;
import dev.eddy.functions.orders.OrderRevenue.Revenue;
import dev.eddy.functions.orders.OrderRevenue.StoreMinute;
import dev.eddy.pipeline.Windowed;
import dev.eddy.testing.EddyTestDriver;
import dev.eddy.window.TumblingWindows;
import dev.eddy.window.Window;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderRevenueTest {

    private static final Instant T = Instant.parse("2024-03-01T12:00:10Z");

    private static Revenue fold(List<Order> orders) {
        Revenue r = Revenue.AGGREGATOR.createAccumulator();
        for (Order o : orders) {
            r = Revenue.AGGREGATOR.add(r, o);
        }
        return r;
    }

    @Test
    void revenueIsSummedInExactCents() {
        // 0.1 + 0.2 is not 0.3 in doubles; in cents it is
        Revenue r = fold(List.of(new Order("a", "berlin", 0.1, 1, T), new Order("b", "berlin", 0.2, 1, T)));
        assertThat(r).isEqualTo(new Revenue(2, 30));
    }

    @Test
    void averageOrderValueIsRevenuePerOrderInCents() {
        Window minute = new Window(T.toEpochMilli() - 10_000, T.toEpochMilli() + 50_000);
        StoreMinute m = StoreMinute.of(new Windowed<>("berlin", minute, new Revenue(3, 1000), 0, "id"));
        assertThat(m.revenue()).isEqualTo(10.00);
        assertThat(m.averageOrderValue()).isEqualTo(3.33);
        assertThat(m.orders()).isEqualTo(3);
    }

    @Test
    void definitionUsesOneMinuteTumblingWindowsPerStore() {
        var pipeline = new OrderRevenue().define();
        assertThat(pipeline.windows()).isEqualTo(TumblingWindows.of(Duration.ofMinutes(1)));
        assertThat(pipeline.keyOf(
                "{\"orderId\":\"o\",\"store\":\"paris\",\"amount\":1.5,\"items\":1,\"time\":\"2024-03-01T00:00:00Z\"}"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))).contains("paris");
    }

    @Test
    void sampleOrdersAreReproducibleAndArriveAtMostFourSecondsOutOfOrder() {
        List<Order> orders = SampleOrders.generate(3000, T, 4);
        assertThat(SampleOrders.generate(3000, T, 4)).isEqualTo(orders);
        Instant max = orders.get(0).time();
        for (Order o : orders) {
            assertThat(Duration.between(o.time(), max).toMillis()).isLessThan(4_000);
            max = max.isAfter(o.time()) ? max : o.time();
            assertThat(o.amount()).isPositive();
            assertThat(o.items()).isBetween(1, 8);
        }
    }

    // ------------------------------------------------------------ the pipeline, run by EddyTestDriver

    private static final Instant NOON = Instant.parse("2024-03-01T12:00:00Z");

    private static void put(EddyTestDriver driver, String id, String store, double amount, int second) {
        driver.put(store, new Order(id, store, amount, 1, NOON.plusSeconds(second)));
    }

    @Test
    void eachStoresMinuteIsOneResultWithExactRevenueAndAverageOrderValue() {
        try (var driver = EddyTestDriver.of(new OrderRevenue())) {
            put(driver, "a", "berlin", 0.10, 10);
            put(driver, "b", "berlin", 0.20, 50);
            put(driver, "c", "paris", 12.35, 30);
            put(driver, "d", "berlin", 1.00, 61);
            driver.drain();

            assertThat(driver.output("order-revenue", StoreMinute.class))
                    .extracting(m -> m.store() + " " + m.windowStart() + " " + m.orders() + " " + m.revenue() + " "
                            + m.averageOrderValue())
                    .containsExactlyInAnyOrder(
                            "berlin 2024-03-01T12:00:00Z 2 0.3 0.15",
                            "paris 2024-03-01T12:00:00Z 1 12.35 12.35",
                            "berlin 2024-03-01T12:01:00Z 1 1.0 1.0");
        }
    }

    @Test
    void ordersUpToFiveSecondsOutOfOrderCountAndLaterOnesAreLateData() {
        try (var driver = EddyTestDriver.of(new OrderRevenue())) {
            put(driver, "a", "berlin", 1.00, 10);
            put(driver, "b", "berlin", 1.00, 64);  // watermark 12:00:58.999: the minute stays open
            put(driver, "c", "berlin", 1.00, 55);  // 9 s behind, but its minute is open: counted
            put(driver, "d", "berlin", 1.00, 66);  // watermark 12:01:00.999: the minute fires
            put(driver, "e", "berlin", 1.00, 59);  // its minute has fired: late data
            driver.drain();

            assertThat(driver.output("order-revenue", StoreMinute.class)).extracting(StoreMinute::orders)
                    .containsExactly(2L, 2L);
            assertThat(driver.lateData()).singleElement()
                    .satisfies(late -> assertThat(late.get("element").get("orderId").asText()).isEqualTo("e"));
        }
    }
}

package dev.eddy.functions.orders;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.functions.orders.OrderRevenue.Order;
import dev.eddy.functions.orders.OrderRevenue.Revenue;
import dev.eddy.functions.orders.OrderRevenue.StoreMinute;
import dev.eddy.pipeline.Windowed;
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
        assertThat(pipeline.plan().keyOf(
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
}

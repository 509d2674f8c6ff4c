package dev.eddy.functions.orders;

import dev.eddy.functions.orders.OrderRevenue.Order;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Realistic web-shop orders for trying and testing {@link OrderRevenue}, the same for the same seed: stores of
 * different sizes, order rates that follow the time of day (a quiet night, a lunch bump and an evening peak),
 * totals from 1 to 8 items at log-normal prices, and arrival up to 4 seconds out of order (mobile clients).
 */
public final class SampleOrders {

    private static final String[] STORES = {"berlin", "london", "paris", "madrid", "milan", "amsterdam",
        "new-york", "chicago", "toronto", "sao-paulo", "tokyo", "sydney"};

    private SampleOrders() {
    }

    /**
     * @param orders how many orders
     * @param start start of the day covered
     * @param seed random seed
     * @return the orders in arrival order (time order with up to 4 s of disorder)
     */
    public static List<Order> generate(int orders, Instant start, long seed) {
        Random random = new Random(seed);
        double[] weights = new double[STORES.length];
        double total = 0;
        for (int s = 0; s < STORES.length; s++) {
            weights[s] = 1.0 / (s + 1); // a few big stores, many small ones
            total += weights[s];
        }
        List<Order> list = new ArrayList<>(orders);
        List<Long> arrival = new ArrayList<>(orders);
        for (int i = 0; i < orders; i++) {
            long second = secondOfDay(random);
            String store = STORES[pick(random, weights, total)];
            int items = 1 + Math.min(7, (int) Math.floor(-Math.log(1 - random.nextDouble()) * 1.5));
            double amount = 0;
            for (int item = 0; item < items; item++) {
                amount += Math.exp(Math.log(25) + 0.8 * random.nextGaussian());
            }
            Instant time = start.plusSeconds(second).plusMillis(random.nextInt(1000));
            list.add(new Order(String.format(Locale.ROOT, "o-%07d", i), store, Math.round(amount * 100) / 100.0,
                    items, time));
            arrival.add(time.toEpochMilli() + random.nextInt(4000));
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < orders; i++) {
            order.add(i);
        }
        order.sort((a, b) -> Long.compare(arrival.get(a), arrival.get(b)));
        List<Order> sorted = new ArrayList<>(orders);
        order.forEach(i -> sorted.add(list.get(i)));
        return sorted;
    }

    /** A second of the day, drawn from a day curve: quiet at night, a bump at lunch, a peak in the evening. */
    private static long secondOfDay(Random random) {
        while (true) {
            double hour = random.nextDouble() * 24;
            double rate = 0.15 + 0.5 * Math.exp(-Math.pow(hour - 12.5, 2) / 2) + Math.exp(-Math.pow(hour - 20, 2) / 4);
            if (random.nextDouble() * 1.2 < rate) {
                return (long) (hour * 3600);
            }
        }
    }

    private static int pick(Random random, double[] weights, double total) {
        double r = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r <= 0) {
                return i;
            }
        }
        return weights.length - 1;
    }
}

package dev.eddy.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.codec.internal.Jsons;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./eddy sample orders} then {@code ./eddy run order-revenue}, against a direct computation. */
class OrderRevenueRunTest {

    @TempDir
    Path dir;

    @Test
    void revenueOrdersAndAverageOrderValuePerStoreAndMinuteMatchTheInput() throws Exception {
        Path input = dir.resolve("orders.jsonl");
        assertThat(EddyCli.execute("sample", "orders", "--orders", "6000", "--seed", "3", "--output",
                input.toString())).isZero();
        Map<String, long[]> expected = new HashMap<>(); // store + minute -> {orders, cents}
        List<String> lines = Files.readAllLines(input);
        for (String line : lines) {
            JsonNode order = Jsons.strictMapper().readTree(line);
            long minute = Instant.parse(order.get("time").asText()).toEpochMilli() / 60_000 * 60_000;
            long[] acc = expected.computeIfAbsent(order.get("store").asText() + " " + minute, k -> new long[2]);
            acc[0]++;
            acc[1] += Math.round(order.get("amount").asDouble() * 100);
        }

        int exit = EddyCli.execute("run", "order-revenue", "--input", input.toString(), "--out", dir.toString(),
                "--print", "0", "--quiet");

        assertThat(exit).isZero();
        assertThat(Files.exists(dir.resolve("late/order-revenue.jsonl"))).as("disorder stays within 5 s").isFalse();
        Map<String, long[]> actual = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("firehose/order-revenue.jsonl"))) {
            JsonNode r = Jsons.strictMapper().readTree(line);
            String id = r.get("store").asText() + " " + Instant.parse(r.get("windowStart").asText()).toEpochMilli();
            long orders = r.get("orders").asLong();
            long cents = Math.round(r.get("revenue").asDouble() * 100);
            assertThat(actual.put(id, new long[] {orders, cents})).as("one result for %s", id).isNull();
            assertThat(r.get("averageOrderValue").asDouble())
                    .isEqualTo(Math.round((double) cents / orders) / 100.0);
        }
        assertThat(actual.keySet()).isEqualTo(expected.keySet());
        expected.forEach((id, acc) -> assertThat(actual.get(id)).as(id).containsExactly(acc));
    }
}

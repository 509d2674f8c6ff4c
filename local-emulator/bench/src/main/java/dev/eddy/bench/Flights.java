package dev.eddy.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmarks' input: vega-datasets' real US flights of 2001, replicated with shifted dates to any volume.
 *
 * <p>Copy {@code r} (0, 1, …) of the file's flights keeps their order, airports, delays and distances and moves
 * every date forward by {@code r} times the file's span in whole days, so the copies follow one another in event
 * time: windows, keys and out-of-orderness look like the real data's, only longer.
 */
public final class Flights {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm");
    private static final ObjectMapper JSON = new ObjectMapper();

    private Flights() {
    }

    /**
     * @param file a vega-datasets flights file: a JSON array of {@code {"date": "yyyy/MM/dd HH:mm", "delay": minutes,
     *     "distance": miles, "origin": IATA, "destination": IATA}}
     * @param count how many records to make, ≥ 1
     * @return {@code count} records, each one flight as UTF-8 JSON in the file's shape
     * @throws UncheckedIOException if the file cannot be read or is not such an array
     */
    public static List<byte[]> replicated(Path file, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1: " + count);
        }
        List<ObjectNode> flights = read(file);
        LocalDateTime first = null;
        LocalDateTime last = null;
        List<LocalDateTime> dates = new ArrayList<>(flights.size());
        for (ObjectNode flight : flights) {
            LocalDateTime date = LocalDateTime.parse(flight.get("date").asText(), FORMAT);
            dates.add(date);
            first = first == null || date.isBefore(first) ? date : first;
            last = last == null || date.isAfter(last) ? date : last;
        }
        long spanDays = Duration.between(first, last).toDays() + 1;
        List<byte[]> records = new ArrayList<>(count);
        try {
            for (int i = 0; i < count; i++) {
                int copy = i / flights.size();
                int index = i % flights.size();
                ObjectNode flight = flights.get(index).deepCopy();
                flight.put("date", dates.get(index).plusDays(copy * spanDays).format(FORMAT));
                records.add(JSON.writeValueAsBytes(flight));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
    }

    private static List<ObjectNode> read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the flights file " + file, e);
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new UncheckedIOException(new IOException(file + " is not a JSON array of flights"));
        }
        List<ObjectNode> flights = new ArrayList<>(root.size());
        root.forEach(node -> flights.add((ObjectNode) node));
        return flights;
    }
}

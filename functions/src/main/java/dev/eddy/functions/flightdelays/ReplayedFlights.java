package dev.eddy.functions.flightdelays;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

/**
 * Real flights (vega-datasets' {@code flights-*.json}) replayed past their end, for the benchmarks: as many records
 * as wanted, with event times that keep moving forward so that {@link FlightDelays}' windows keep firing.
 *
 * <p>Copy {@code r} (0, 1, …) of the flights keeps their order, airports, delays and distances and moves every date
 * forward by {@code r} times the flights' span in whole days (from the earliest date's day to the latest's,
 * inclusive), so the copies follow one another in event time: windows, keys and out-of-orderness look like the real
 * data's, only longer. {@code ./eddy bench cpu} replicates a file with it; {@code ./eddy bench soak} cycles each
 * shard's flights with it (the emulator finds this class in the examples' jar, as it finds their sample generators).
 */
public final class ReplayedFlights {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReplayedFlights() {
    }

    /**
     * @param file a vega-datasets flights file: a JSON array of {@code {"date": "yyyy/MM/dd HH:mm", "delay": minutes,
     *     "distance": miles, "origin": IATA, "destination": IATA}}
     * @param count how many records to make, ≥ 1
     * @return the first {@code count} records of the file's {@link #cycle}, each one flight as UTF-8 JSON
     * @throws UncheckedIOException if the file cannot be read or is not such an array
     */
    public static List<byte[]> replicated(Path file, int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1: " + count);
        }
        LongFunction<byte[]> cycle = cycle(read(file));
        List<byte[]> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            records.add(cycle.apply(i));
        }
        return records;
    }

    /**
     * @param flights flights as UTF-8 JSON objects with a {@code date} of {@code yyyy/MM/dd HH:mm}, in their order;
     *     at least one
     * @return record {@code i} (≥ 0) of the endless replay: flight {@code i mod n} of copy {@code i / n}, its date
     *     moved forward by the copy's number times the span; thread-safe
     * @throws IllegalArgumentException if there is no flight, or one is not JSON with such a date (the message names
     *     its index and the shape wanted)
     */
    public static LongFunction<byte[]> cycle(List<byte[]> flights) {
        if (flights.isEmpty()) {
            throw new IllegalArgumentException("no flights to replay: give at least one");
        }
        List<ObjectNode> nodes = new ArrayList<>(flights.size());
        List<LocalDateTime> dates = new ArrayList<>(flights.size());
        for (int i = 0; i < flights.size(); i++) {
            ObjectNode node = parse(flights.get(i), i);
            nodes.add(node);
            dates.add(date(node, i));
        }
        LocalDateTime first = dates.stream().min(LocalDateTime::compareTo).orElseThrow();
        LocalDateTime last = dates.stream().max(LocalDateTime::compareTo).orElseThrow();
        long spanDays = Duration.between(first.toLocalDate().atStartOfDay(), last.toLocalDate().atStartOfDay())
                .toDays() + 1;
        return i -> {
            int index = (int) (i % nodes.size());
            ObjectNode flight = nodes.get(index).deepCopy();
            flight.put("date", dates.get(index).plusDays(i / nodes.size() * spanDays).format(FORMAT));
            try {
                return JSON.writeValueAsBytes(flight);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private static ObjectNode parse(byte[] flight, int index) {
        JsonNode node;
        try {
            node = JSON.readTree(flight);
        } catch (IOException e) {
            node = null;
        }
        if (!(node instanceof ObjectNode object)) {
            throw new IllegalArgumentException("flight " + index + " is not a JSON object: replay needs flights as"
                    + " vega-datasets has them, {\"date\": \"yyyy/MM/dd HH:mm\", \"origin\": …}");
        }
        return object;
    }

    private static LocalDateTime date(ObjectNode flight, int index) {
        JsonNode date = flight.get("date");
        try {
            return LocalDateTime.parse(date == null ? "" : date.asText(), FORMAT);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("flight " + index + " has date " + date + ", not one of yyyy/MM/dd"
                    + " HH:mm: replay moves that date forward per copy, so every flight needs one, as vega-datasets'"
                    + " flights have");
        }
    }

    private static List<byte[]> read(Path file) {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the flights file " + file, e);
        }
        if (root == null || !root.isArray() || root.isEmpty()) {
            throw new UncheckedIOException(new IOException(file + " is not a JSON array of flights"));
        }
        List<byte[]> flights = new ArrayList<>(root.size());
        for (JsonNode node : root) {
            try {
                flights.add(JSON.writeValueAsBytes(node));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return flights;
    }
}

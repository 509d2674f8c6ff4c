package dev.eddy.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.emulator.embedded.NodeModules;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Event time through the whole local path (kinesalite, the event source mapping, DynamoDB Local) on the real
 * flights: sliding windows, disorder within and beyond the watermark bound, and batch-size invariance. Expected
 * results come from plain computations over the input, record by record.
 */
class EventTimeRunTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm");
    private static final long HOUR = Duration.ofHours(1).toMillis();
    private static final long DAY = Duration.ofDays(1).toMillis();
    private static final long BOUND = Duration.ofMinutes(10).toMillis();

    @TempDir
    Path dir;

    /** A flight and its position in the file, which keeps equal flights apart. */
    record Flight(int index, JsonNode json, long time, String origin, int delay) {
        static Flight of(int index, JsonNode json) {
            long time = LocalDateTime.parse(json.get("date").asText(), DATE).toInstant(ZoneOffset.UTC).toEpochMilli();
            return new Flight(index, json, time, json.get("origin").asText(), json.get("delay").asInt());
        }
    }

    private static List<Flight> flights(String file, int limit) throws Exception {
        List<Flight> flights = new ArrayList<>();
        for (JsonNode node : JSON.readTree(NodeModules.find("vega-datasets").resolve("data/" + file).toFile())) {
            if (flights.size() < limit) {
                flights.add(Flight.of(flights.size(), node));
            }
        }
        return flights;
    }

    /** The flights reordered by departure time plus a random delay below {@code maxDisorderMs}. */
    private static List<Flight> disordered(List<Flight> flights, long maxDisorderMs, long seed) {
        Random random = new Random(seed);
        Map<Flight, Long> arrival = new HashMap<>();
        flights.forEach(f -> arrival.put(f, f.time() + (long) (random.nextDouble() * maxDisorderMs)));
        List<Flight> order = new ArrayList<>(flights);
        order.sort(Comparator.comparing(arrival::get));
        return order;
    }

    private Path write(String name, List<Flight> flights) throws Exception {
        List<String> lines = new ArrayList<>();
        for (Flight f : flights) {
            lines.add(JSON.writeValueAsString(f.json()));
        }
        Path file = dir.resolve(name);
        Files.write(file, lines);
        return file;
    }

    /** (origin, window start ms) → delays of the flights in that window. */
    private static Map<String, List<Integer>> windows(List<Flight> flights, long size, long slide) {
        Map<String, List<Integer>> windows = new TreeMap<>();
        for (Flight f : flights) {
            for (long start = Math.floorDiv(f.time(), slide) * slide; start > f.time() - size; start -= slide) {
                windows.computeIfAbsent(f.origin() + " " + start, k -> new ArrayList<>()).add(f.delay());
            }
        }
        return windows;
    }

    /** Per result line: (origin, window start ms) → "flights/maxDelay"; each pair must appear once. */
    private static Map<String, String> results(Path file) throws Exception {
        Map<String, String> results = new HashMap<>();
        for (String line : Files.readAllLines(file)) {
            JsonNode r = JSON.readTree(line);
            String pair = r.get("origin").asText() + " "
                    + java.time.Instant.parse(r.get("windowStart").asText()).toEpochMilli();
            assertThat(results.put(pair, r.get("flights").asLong() + "/" + r.get("maxDelayMinutes").asInt()))
                    .as("one result for %s", pair).isNull();
        }
        return results;
    }

    private static Map<String, String> summarise(Map<String, List<Integer>> windows) {
        Map<String, String> expected = new HashMap<>();
        windows.forEach((pair, delays) -> expected.put(pair,
                delays.size() + "/" + delays.stream().mapToInt(Integer::intValue).max().orElseThrow()));
        return expected;
    }

    private static List<String> lines(Path file) throws Exception {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }

    @Test
    void slidingWindowsOfThreeHoursEveryHourHoldEachFlightThreeTimes() throws Exception {
        List<Flight> flights = flights("flights-2k.json", Integer.MAX_VALUE);
        Path input = write("flights.jsonl", flights);

        int exit = EddyCli.execute("run", "flight-delays-sliding", "--input", input.toString(), "--out",
                dir.toString(), "--print", "0", "--quiet");

        assertThat(exit).isZero();
        assertThat(results(dir.resolve("firehose/flight-delay-stats-sliding.jsonl")))
                .isEqualTo(summarise(windows(flights, 3 * HOUR, HOUR)));
    }

    @Test
    void disorderWithinTheBoundGivesTheResultsOfTheOrderedInput() throws Exception {
        List<Flight> flights = flights("flights-20k.json", Integer.MAX_VALUE);
        List<Flight> shuffled = disordered(flights, Duration.ofMinutes(9).toMillis(), 7);
        assertThat(shuffled).isNotEqualTo(flights);
        Path input = write("shuffled.jsonl", shuffled);

        int exit = EddyCli.execute("run", "flight-delays", "--input", input.toString(), "--out", dir.toString(),
                "--print", "0", "--quiet");

        assertThat(exit).isZero();
        assertThat(lines(dir.resolve("late/flight-delays.jsonl"))).isEmpty();
        assertThat(results(dir.resolve("firehose/flight-delay-stats.jsonl")))
                .isEqualTo(summarise(windows(flights, DAY, DAY)));
    }

    /**
     * Flink's rule with per-record watermarks on one shard: a flight is late when its day's last millisecond is at
     * or below {@code max(departure of the flights before it) − 10 min − 1 ms}.
     */
    private static List<Flight> lateByReference(List<Flight> order) {
        List<Flight> late = new ArrayList<>();
        long watermark = Long.MIN_VALUE;
        for (Flight f : order) {
            long dayEnd = Math.floorDiv(f.time(), DAY) * DAY + DAY;
            if (dayEnd - 1 <= watermark) {
                late.add(f);
            }
            watermark = Math.max(watermark, f.time() - BOUND - 1);
        }
        return late;
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 100, 10_000})
    void disorderBeyondTheBoundMakesExactlyTheReferencesLateRecordsLateWhateverTheBatchSize(int batchSize)
            throws Exception {
        List<Flight> flights = flights("flights-5k.json", batchSize == 1 ? 400 : Integer.MAX_VALUE);
        List<Flight> shuffled = disordered(flights, Duration.ofHours(30).toMillis(), 11);
        List<Flight> late = lateByReference(shuffled);
        assertThat(late).isNotEmpty();
        List<Flight> onTime = new ArrayList<>(shuffled);
        onTime.removeAll(late);
        Path input = write("beyond.jsonl", shuffled);

        int exit = EddyCli.execute("run", "flight-delays", "--input", input.toString(), "--out", dir.toString(),
                "--shards", "1", "--batch-size", Integer.toString(batchSize), "--print", "0", "--quiet");

        assertThat(exit).isZero();
        List<String> lateOutput = new ArrayList<>();
        for (String line : lines(dir.resolve("late/flight-delays.jsonl"))) {
            lateOutput.add(JSON.writeValueAsString(JSON.readTree(line).get("element")));
        }
        List<String> expectedLate = new ArrayList<>();
        for (Flight f : late) {
            expectedLate.add(JSON.writeValueAsString(f.json()));
        }
        assertThat(lateOutput).containsExactlyElementsOf(expectedLate);
        assertThat(results(dir.resolve("firehose/flight-delay-stats.jsonl")))
                .isEqualTo(summarise(windows(onTime, DAY, DAY)));
    }

    @Test
    void sessionWindowsGroupEachAirportsDeparturesIntoBanks() throws Exception {
        List<Flight> flights = flights("flights-2k.json", Integer.MAX_VALUE);
        Path input = write("flights.jsonl", flights);
        long gap = Duration.ofMinutes(30).toMillis();
        // reference: per origin in time order, a departure more than 30 minutes after the bank's end-of-window
        // (last departure + 30 min) starts a new bank; one exactly at it touches the window and joins
        Map<String, List<Flight>> byOrigin = new TreeMap<>();
        flights.forEach(f -> byOrigin.computeIfAbsent(f.origin(), k -> new ArrayList<>()).add(f));
        Map<String, Long> expected = new HashMap<>();
        byOrigin.forEach((origin, list) -> {
            list.sort(Comparator.comparingLong(Flight::time));
            long start = list.get(0).time();
            long end = start + gap;
            long count = 0;
            for (Flight f : list) {
                if (f.time() > end) {
                    expected.put(origin + " " + start + " " + end, count);
                    start = f.time();
                    count = 0;
                }
                end = Math.max(end, f.time() + gap);
                count++;
            }
            expected.put(origin + " " + start + " " + end, count);
        });

        int exit = EddyCli.execute("run", "departure-banks", "--input", input.toString(), "--out", dir.toString(),
                "--print", "0", "--quiet");

        assertThat(exit).isZero();
        Map<String, Long> banks = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("firehose/departure-banks.jsonl"))) {
            JsonNode bank = JSON.readTree(line);
            String id = bank.get("origin").asText() + " "
                    + java.time.Instant.parse(bank.get("start").asText()).toEpochMilli() + " "
                    + java.time.Instant.parse(bank.get("end").asText()).toEpochMilli();
            assertThat(banks.put(id, bank.get("flights").asLong())).as("one result for %s", id).isNull();
        }
        assertThat(banks).isEqualTo(expected);
        assertThat(banks.values()).anySatisfy(count -> assertThat(count).isGreaterThan(1));
    }
}

package dev.eddy.emulator.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * A chaos run's verdict: its outputs against a fault-free run's of the same input. Results (every sink's file)
 * are compared deduplicated by id — a result delivered twice with the same id and payload is at-least-once delivery
 * and fine; an id missing, an id extra, or an id with two payloads is a difference. Failed and late records are
 * compared as multisets, each record without the fields that name where and when it was read (shard, sequence
 * number, id made of them, arrival time, watermark), which differ between two streams; its input line, reason, key,
 * event time and windows stay.
 *
 * @param lines one line per output file and per difference (at most {@value #SHOWN} shown per file)
 * @param equal whether every output equals the fault-free run's
 */
public record OutputComparison(List<String> lines, boolean equal) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Differences shown per file. */
    static final int SHOWN = 5;
    /** Side outputs: folder names whose files hold failed or late records, compared without where they were read. */
    private static final Set<String> SIDE = Set.of("failed", "late");
    /** Fields of a failed or late record that name where and when it was read. */
    private static final Set<String> WHERE = Set.of("id", "shardId", "sequenceNumber", "approximateArrivalTimestamp",
            "watermark");

    /**
     * @param faultFree the fault-free run's output folder
     * @param chaos the chaos run's output folder
     * @return the comparison of every {@code <kind>/<name>.jsonl} either holds ({@code esm-failures/} aside: a
     *     chaos run retries until it succeeds)
     * @throws UncheckedIOException if a file cannot be read
     */
    public static OutputComparison of(Path faultFree, Path chaos) {
        Set<String> files = new TreeSet<>(files(faultFree));
        files.addAll(files(chaos));
        List<String> lines = new ArrayList<>();
        boolean equal = true;
        for (String file : files) {
            List<String> expected = read(faultFree.resolve(file));
            List<String> actual = read(chaos.resolve(file));
            List<String> differences = SIDE.contains(file.substring(0, file.indexOf('/')))
                    ? sideDifferences(expected, actual) : resultDifferences(expected, actual);
            equal &= differences.isEmpty();
            lines.add(String.format(Locale.ROOT, "%-40s fault-free %,7d lines · chaos %,7d lines · %s", file,
                    expected.size(), actual.size(), differences.isEmpty() ? "equal"
                            : differences.size() + " difference" + (differences.size() == 1 ? "" : "s")));
            differences.stream().limit(SHOWN).forEach(d -> lines.add("    " + d));
            if (differences.size() > SHOWN) {
                lines.add("    … and " + (differences.size() - SHOWN) + " more");
            }
        }
        return new OutputComparison(List.copyOf(lines), equal);
    }

    /** Results by id: missing, extra, and ids with more than one payload. */
    static List<String> resultDifferences(List<String> expected, List<String> actual) {
        Map<String, Set<String>> want = byId(expected);
        Map<String, Set<String>> got = byId(actual);
        List<String> differences = new ArrayList<>();
        for (Map.Entry<String, Set<String>> entry : got.entrySet()) {
            if (entry.getValue().size() > 1) {
                differences.add("id " + entry.getKey() + " has " + entry.getValue().size() + " payloads: "
                        + String.join(" | ", entry.getValue()));
            } else if (!want.containsKey(entry.getKey())) {
                differences.add("extra: " + entry.getValue().iterator().next());
            } else if (!want.get(entry.getKey()).equals(entry.getValue())) {
                differences.add("id " + entry.getKey() + " differs: " + fieldChanges(
                        want.get(entry.getKey()).iterator().next(), entry.getValue().iterator().next()));
            }
        }
        want.forEach((id, payloads) -> {
            if (!got.containsKey(id)) {
                differences.add("missing: " + payloads.iterator().next());
            }
        });
        return differences;
    }

    /** Failed or late records as multisets, without where they were read. */
    static List<String> sideDifferences(List<String> expected, List<String> actual) {
        Map<String, Integer> count = new TreeMap<>();
        expected.forEach(line -> count.merge(withoutWhere(line), 1, Integer::sum));
        actual.forEach(line -> count.merge(withoutWhere(line), -1, Integer::sum));
        List<String> differences = new ArrayList<>();
        count.forEach((record, n) -> {
            if (n > 0) {
                differences.add("missing" + (n > 1 ? " ×" + n : "") + ": " + record);
            } else if (n < 0) {
                differences.add("extra" + (n < -1 ? " ×" + -n : "") + ": " + record);
            }
        });
        return differences;
    }

    /** @return the fields two JSON objects differ in, {@code name fault-free → chaos}; else both lines */
    static String fieldChanges(String expected, String actual) {
        try {
            JsonNode want = JSON.readTree(expected);
            JsonNode got = JSON.readTree(actual);
            if (want instanceof ObjectNode && got instanceof ObjectNode) {
                Set<String> names = new TreeSet<>();
                want.fieldNames().forEachRemaining(names::add);
                got.fieldNames().forEachRemaining(names::add);
                List<String> changes = new ArrayList<>();
                for (String name : names) {
                    if (!String.valueOf(want.get(name)).equals(String.valueOf(got.get(name)))) {
                        changes.add(name + " " + want.get(name) + " → " + got.get(name));
                    }
                }
                return "fault-free → chaos: " + String.join(", ", changes);
            }
        } catch (IOException notJson) {
            // both lines, below
        }
        return "fault-free " + expected + ", chaos " + actual;
    }

    /** @return payloads by their {@code id} field (the whole line stands for its id when it has none) */
    private static Map<String, Set<String>> byId(List<String> lines) {
        Map<String, Set<String>> byId = new TreeMap<>();
        for (String line : lines) {
            String id = line;
            try {
                JsonNode node = JSON.readTree(line);
                if (node != null && node.hasNonNull("id")) {
                    id = node.get("id").asText();
                }
            } catch (IOException notJson) {
                // the line is its own id
            }
            byId.computeIfAbsent(id, k -> new TreeSet<>()).add(line);
        }
        return byId;
    }

    private static String withoutWhere(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            if (node instanceof ObjectNode object) {
                object.remove(WHERE);
                return JSON.writeValueAsString(object);
            }
        } catch (IOException notJson) {
            // compared as it is
        }
        return line;
    }

    /** @return the {@code <kind>/<name>.jsonl} files of a run's folder, results and side outputs */
    private static List<String> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(dir, 2)) {
            return paths.filter(p -> p.getNameCount() == dir.getNameCount() + 2)
                    .filter(p -> p.toString().endsWith(".jsonl"))
                    .map(p -> dir.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> !p.startsWith("esm-failures/") && !p.startsWith("fault-free/"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> read(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}

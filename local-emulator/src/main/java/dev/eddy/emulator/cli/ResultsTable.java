package dev.eddy.emulator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;

/**
 * Prints a JSON-lines sink file as a table: one column per field of the first object (the {@code id} column left
 * out), rows sorted by their columns left to right, decimals shown with two digits. The file itself keeps full
 * precision.
 */
final class ResultsTable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ResultsTable() {
    }

    /**
     * @param file a JSON-lines file
     * @param limit most rows to print; {@code Integer.MAX_VALUE} for all
     * @param out where to print
     * @return the number of lines in the file
     */
    static int print(Path file, int limit, PrintStream out) {
        List<JsonNode> rows = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                if (!line.isBlank()) {
                    rows.add(JSON.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (rows.isEmpty() || limit <= 0) {
            return rows.size();
        }
        List<String> columns = new ArrayList<>();
        for (Iterator<String> names = rows.get(0).fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("id")) {
                columns.add(name);
            }
        }
        List<String[]> cells = new ArrayList<>();
        for (JsonNode row : rows) {
            String[] line = new String[columns.size()];
            for (int c = 0; c < line.length; c++) {
                line[c] = cell(row.get(columns.get(c)));
            }
            cells.add(line);
        }
        Comparator<String[]> order = (a, b) -> {
            for (int c = 0; c < a.length; c++) {
                int diff = a[c].compareTo(b[c]);
                if (diff != 0) {
                    return diff;
                }
            }
            return 0;
        };
        cells.sort(order);
        int[] widths = new int[columns.size()];
        for (int c = 0; c < widths.length; c++) {
            widths[c] = columns.get(c).length();
        }
        List<String[]> shown = cells.subList(0, Math.min(limit, cells.size()));
        for (String[] line : shown) {
            for (int c = 0; c < line.length; c++) {
                widths[c] = Math.max(widths[c], line[c].length());
            }
        }
        out.println(format(columns.toArray(String[]::new), widths));
        shown.forEach(line -> out.println(format(line, widths)));
        if (shown.size() < cells.size()) {
            out.printf("… %d more rows in %s%n", cells.size() - shown.size(), file);
        }
        return rows.size();
    }

    private static String cell(JsonNode value) {
        if (value == null || value.isNull()) {
            return "";
        }
        if (value.isFloatingPointNumber()) {
            return String.format(Locale.ROOT, "%.2f", value.doubleValue());
        }
        return visible(value.isValueNode() ? value.asText() : value.toString());
    }

    /**
     * @param text a cell's text
     * @return it with control characters and line separators written as escapes (a tab as backslash-t, a newline
     *     as backslash-n, others as backslash-u and four hex digits), so that a row stays one line
     */
    static String visible(String text) {
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029;
            if (control && out == null) {
                out = new StringBuilder(text.substring(0, i));
            }
            if (out != null) {
                out.append(!control ? String.valueOf(c) : c == '\t' ? "\\t" : c == '\n' ? "\\n" : c == '\r' ? "\\r"
                        : String.format(Locale.ROOT, "\\u%04x", (int) c));
            }
        }
        return out == null ? text : out.toString();
    }

    private static String format(String[] line, int[] widths) {
        StringBuilder text = new StringBuilder();
        for (int c = 0; c < line.length; c++) {
            if (c > 0) {
                text.append("  ");
            }
            text.append(String.format("%-" + widths[c] + "s", line[c]));
        }
        return text.toString().stripTrailing();
    }
}

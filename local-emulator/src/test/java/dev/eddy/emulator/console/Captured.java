package dev.eddy.emulator.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * What a command printed when run in this JVM: its exit code, standard output and standard error.
 *
 * @param exit its exit code
 * @param out standard output
 * @param err standard error
 */
public record Captured(int exit, String out, String err) {

    /**
     * Runs a command with {@code System.out} and {@code System.err} captured (one command at a time), then restores
     * them.
     *
     * @param command runs the command and returns its exit code
     * @return the exit code and what it printed
     */
    public static synchronized Captured run(IntSupplier command) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = command.getAsInt();
            return new Captured(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }

    /** @return the lines of standard output that are JSON objects */
    public List<String> jsonLines() {
        return Arrays.stream(out.split("\n")).filter(l -> l.startsWith("{")).toList();
    }

    /** @return those lines, parsed */
    public List<JsonNode> json() {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : jsonLines()) {
            try {
                nodes.add(new ObjectMapper().readTree(line));
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + line, e);
            }
        }
        return nodes;
    }
}

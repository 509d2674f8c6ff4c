package dev.eddy.emulator.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** Runs {@code ./eddy} in this JVM and captures what it prints. */
final class Cli {

    private Cli() {
    }

    /**
     * What a command did.
     *
     * @param exit its exit code
     * @param out standard output
     * @param err standard error
     */
    record Result(int exit, String out, String err) {
        /** @return the lines of standard output that are JSON objects */
        List<String> jsonLines() {
            return Arrays.stream(out.split("\n")).filter(l -> l.startsWith("{")).toList();
        }

        /** @return those lines, parsed */
        List<com.fasterxml.jackson.databind.JsonNode> json() {
            List<com.fasterxml.jackson.databind.JsonNode> nodes = new java.util.ArrayList<>();
            for (String line : jsonLines()) {
                try {
                    nodes.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(line));
                } catch (java.io.IOException e) {
                    throw new AssertionError("not JSON: " + line, e);
                }
            }
            return nodes;
        }
    }

    /**
     * @param args the command line
     * @return its exit code and output
     */
    static synchronized Result run(String... args) {
        PrintStream stdout = System.out;
        PrintStream stderr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = EddyCli.execute(args);
            return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(stdout);
            System.setErr(stderr);
        }
    }
}

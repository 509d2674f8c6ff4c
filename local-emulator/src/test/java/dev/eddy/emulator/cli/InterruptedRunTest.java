package dev.eddy.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.emulator.embedded.NodeModules;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C (SIGINT) in the middle of {@code ./eddy run}, in a JVM of its own as a user runs it: the run says that it
 * stopped and that what it wrote is partial, leaves the marker file beside the outputs, and stops its emulators.
 */
class InterruptedRunTest {

    @TempDir
    Path dir;

    @Test
    void anInterruptedRunSaysItsOutputsArePartialAndLeavesNoProcessBehind() throws Exception {
        Path input = NodeModules.find("vega-datasets").resolve("data/flights-20k.json");
        Path out = dir.resolve("out");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process run = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dev.eddy.emulator.cli.EddyCli", "run", "flight-delays", "--input", input.toString(),
                "--out", out.toString(), "--print", "0")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        List<String> err = new ArrayList<>();
        List<ProcessHandle> children = new ArrayList<>();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(run.getErrorStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                err.add(line);
                if (line.contains("· processed") && children.isEmpty()) {
                    // the emulators run and records are being processed: interrupt as Ctrl-C does
                    run.descendants().forEach(children::add);
                    new ProcessBuilder("kill", "-INT", Long.toString(run.pid())).start().waitFor();
                }
            }
        }
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(children).as("emulator processes seen while running: %s", err).isNotEmpty();
        assertThat(run.exitValue()).as(String.join("\n", err)).isNotZero();
        assertThat(err).anySatisfy(line -> assertThat(line).startsWith("[eddy] interrupted: the run did not finish")
                .contains("stay in " + out).contains("INCOMPLETE-flight-delays.txt"));
        assertThat(out.resolve("INCOMPLETE-flight-delays.txt")).exists();
        for (ProcessHandle child : children) {
            child.onExit().get(10, TimeUnit.SECONDS);
            assertThat(child.isAlive()).as("%s", child.info().commandLine()).isFalse();
        }
    }
}

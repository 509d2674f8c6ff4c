package dev.eddy.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module's packages depend on each other in one direction: {@code cli} (the commands) may use every other
 * package, {@code bench} (the measurements) everything but {@code cli}, and {@code console} (what all commands share)
 * no command package; no other package uses a command package. Checked on the sources, main and test: a file of a
 * package may not name a package it must not use (this test aside).
 */
class PackageDependenciesTest {

    private static final Path MAIN = Path.of("src", "main", "java", "dev", "eddy", "emulator");
    private static final Path TEST = Path.of("src", "test", "java", "dev", "eddy", "emulator");

    @Test
    void noPackageButCliUsesCli() {
        assertThat(naming("dev.eddy.emulator.cli.", "cli")).as("files outside cli that name cli").isEmpty();
    }

    @Test
    void onlyCliAndBenchItselfUseBench() {
        assertThat(naming("dev.eddy.emulator.bench.", "cli", "bench")).as("files that name bench").isEmpty();
    }

    /**
     * @param name a package name with its trailing dot, e.g. {@code dev.eddy.emulator.cli.}
     * @param allowed packages whose files may name it
     * @return the source files of other packages that name it, with the first line that does
     */
    private static Map<Path, String> naming(String name, String... allowed) {
        Map<Path, String> found = new TreeMap<>();
        for (Path root : List.of(MAIN, TEST)) {
            assertThat(root).as("run from module local-emulator").isDirectory();
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")
                        && !f.endsWith("PackageDependenciesTest.java")).toList()) {
                    String pkg = root.relativize(file).getNameCount() > 1 ? root.relativize(file).getName(0)
                            .toString() : "";
                    if (List.of(allowed).contains(pkg)) {
                        continue;
                    }
                    Files.readAllLines(file).stream().filter(line -> line.contains(name)).findFirst()
                            .ifPresent(line -> found.put(file, line.strip()));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return found;
    }
}

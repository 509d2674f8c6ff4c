package dev.eddy.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eddy.emulator.console.Captured;
import dev.eddy.emulator.project.ProjectTemplate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./eddy new}: the project template written with the user's names, and what it refuses. */
class NewCommandTest {

    @Test
    void newWritesTheProjectWithItsNamesInPlace(@TempDir Path dir) throws IOException {
        Path project = dir.resolve("sensor-alerts");
        Captured output = Cli.run("new", project.toString(), "--package", "org.acme.sensors");

        assertThat(output.exit()).as(output.err()).isZero();
        assertThat(output.out()).contains("Wrote the sensor-alerts project", "./eddy run --input sample/flights.jsonl");
        Path sources = project.resolve("src/main/java/org/acme/sensors");
        assertThat(sources.resolve("SensorAlerts.java")).content()
                .contains("package org.acme.sensors;", "public final class SensorAlerts implements",
                        "Pipeline.named(NAME)", "\"sensor-alerts\"", "KinesisSource.stream(\"sensor-alerts-flights\")");
        assertThat(sources.resolve("infra/SensorAlertsApp.java")).content()
                .contains("package org.acme.sensors.infra;", "Path.of(\"target\", \"sensor-alerts.jar\")");
        assertThat(project.resolve("src/test/java/org/acme/sensors/SensorAlertsTest.java")).isRegularFile();
        assertThat(project.resolve(".gitignore")).content().contains("target/");
        assertThat(project.resolve("pom.xml")).content()
                .contains("<artifactId>sensor-alerts</artifactId>", "<groupId>org.acme.sensors</groupId>",
                        "<eddy.pipeline>sensor-alerts</eddy.pipeline>", "<exclude>org/acme/sensors/infra/**</exclude>",
                        "${project.build.directory}/sensor-alerts.jar", "<eddy.version>"
                                + ProjectTemplate.defaultOf("eddyVersion") + "</eddy.version>");
        assertThat(Files.isExecutable(project.resolve("eddy"))).isTrue();
        try (Stream<Path> files = Files.walk(project)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                assertThat(Files.readString(file)).as(file.toString()).doesNotContain("${pipeline", "${package}",
                        "__pipelineClass__");
            }
        }
    }

    @Test
    void newRefusesWhatWouldNotBuildOrWouldOverwrite(@TempDir Path dir) throws IOException {
        assertThat(Cli.run("new", dir.resolve("a").toString(), "--package", "com.example.class").err())
                .contains("--package 'com.example.class' is not a Java package name", "'class' is not");
        assertThat(Cli.run("new", dir.resolve("My_Project").toString(), "--package", "com.example").err())
                .contains("pipeline name 'My_Project' must be", "--pipeline NAME");
        Files.writeString(Files.createDirectories(dir.resolve("taken")).resolve("README.md"), "mine");
        Captured taken = Cli.run("new", dir.resolve("taken").toString(), "--package", "com.example", "--pipeline", "x");
        assertThat(taken.exit()).isEqualTo(EddyCli.EXIT_USAGE);
        assertThat(taken.err()).contains("is not an empty folder");
        assertThat(dir.resolve("taken/README.md")).content().isEqualTo("mine");
    }
}

package dev.eddy.emulator.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eddy.emulator.console.Captured;
import dev.eddy.emulator.console.Pipelines;
import dev.eddy.emulator.console.UsageError;
import dev.eddy.handler.EddyHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's function jar, compiled here from a user's sources (so that none of its classes is on the emulator's
 * class path), loaded and run as {@code ./eddy run --jar} loads and runs it.
 */
class FunctionJarTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A pipeline of the user's: words per word and minute. */
    private static final String WORD_COUNTS = """
            package com.acme.words;

            import dev.eddy.aggregate.Aggregator;
            import dev.eddy.codec.Json;
            import dev.eddy.pipeline.KinesisSource;
            import dev.eddy.pipeline.Pipeline;
            import dev.eddy.pipeline.PipelineDefinition;
            import dev.eddy.sink.Firehose;
            import dev.eddy.window.TumblingWindows;
            import java.time.Duration;
            import java.time.Instant;

            public final class WordCounts implements PipelineDefinition {
                public record Word(String word, long ts) {
                }

                private final String name;

                public WordCounts(String name) {
                    this.name = name;
                }

                @Override
                public Pipeline define() {
                    return Pipeline.named(name)
                            .from(KinesisSource.stream(name + "-words").withShards(2).decode(Json.of(Word.class)))
                            .withEventTime(w -> Instant.ofEpochMilli(w.ts()), Duration.ZERO)
                            .keyBy(Word::word)
                            .window(TumblingWindows.of(Duration.ofMinutes(1)))
                            .aggregate(Aggregator.<Word, Long, Long>of(Long.class, () -> 0L, (n, w) -> n + 1,
                                    Long::sum, n -> n))
                            .to(Firehose.deliveryStream(name + "-per-minute"))
                            .build();
                }
            }
            """;

    private static Path oneHandler;
    private static Path twoHandlers;
    private static Path noHandler;

    @BeforeAll
    static void compile(@TempDir Path dir) throws IOException {
        oneHandler = jar(dir, "one", Map.of(
                "com/acme/words/WordCounts.java", WORD_COUNTS,
                "com/acme/words/WordCountsHandler.java", handler("WordCountsHandler", "word-counts")));
        twoHandlers = jar(dir, "two", Map.of(
                "com/acme/words/WordCounts.java", WORD_COUNTS,
                "com/acme/words/AHandler.java", handler("AHandler", "words-a"),
                "com/acme/words/BHandler.java", handler("BHandler", "words-b")));
        noHandler = jar(dir, "none", Map.of("com/acme/words/WordCounts.java", WORD_COUNTS));
    }

    private static String handler(String name, String pipeline) {
        return "package com.acme.words;\n\npublic final class " + name + " extends dev.eddy.handler.EddyHandler {\n"
                + "    public " + name + "() {\n        super(new WordCounts(\"" + pipeline + "\"));\n    }\n}\n";
    }

    /** Compiles the sources against the emulator's class path and jars the classes, as `mvn package` would. */
    private static Path jar(Path dir, String name, Map<String, String> sources) throws IOException {
        Path src = Files.createDirectories(dir.resolve(name + "-src"));
        Path classes = Files.createDirectories(dir.resolve(name + "-classes"));
        List<String> arguments = new ArrayList<>(List.of("-d", classes.toString(), "-classpath",
                System.getProperty("java.class.path"), "--release", "17"));
        for (Map.Entry<String, String> source : sources.entrySet()) {
            Path file = src.resolve(source.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, source.getValue());
            arguments.add(file.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac.run(null, null, null, arguments.toArray(String[]::new))).as("javac").isZero();
        Path jar = dir.resolve(name + ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                zip.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                zip.write(Files.readAllBytes(file));
                zip.closeEntry();
            }
        }
        return jar;
    }

    @Test
    void theOnlyHandlerOfAJarIsFoundAndLoadedInAClassLoaderOfItsOwn() {
        Class<? extends EddyHandler> handler = Pipelines.inJar(oneHandler).choose(null, null);

        assertThat(handler.getName()).isEqualTo("com.acme.words.WordCountsHandler");
        assertThat(handler.getClassLoader()).isNotSameAs(getClass().getClassLoader());
        assertThat(EddyHandler.class).as("Eddy's own classes are the emulator's").isSameAs(
                handler.getSuperclass());
        try (EddyHandler instance = Pipelines.instantiate(handler)) {
            assertThat(instance.pipeline().name()).isEqualTo("word-counts");
        }
        assertThat(Pipelines.inJar(oneHandler)).as("loaded once per JVM").isSameAs(Pipelines.inJar(oneHandler));
    }

    @Test
    void ofSeveralHandlersOneIsChosenByPipelineOrClassName() {
        Pipelines pipelines = Pipelines.inJar(twoHandlers);

        assertThat(pipelines.choose("words-b", null).getName()).isEqualTo("com.acme.words.BHandler");
        assertThat(pipelines.choose(null, "com.acme.words.AHandler").getName()).isEqualTo("com.acme.words.AHandler");
        assertThatThrownBy(() -> pipelines.choose(null, null)).isInstanceOf(UsageError.class)
                .hasMessageContaining("two.jar holds 2 pipelines")
                .hasMessageContaining("words-a (com.acme.words.AHandler), words-b (com.acme.words.BHandler)")
                .hasMessageContaining("--handler CLASS");
        assertThatThrownBy(() -> pipelines.choose("words-c", null)).isInstanceOf(UsageError.class)
                .hasMessageContaining("no pipeline named 'words-c' in two.jar");
        assertThatThrownBy(() -> pipelines.choose("words-b", "com.acme.words.AHandler"))
                .isInstanceOf(UsageError.class).hasMessageContaining("runs pipeline 'words-a', not 'words-b'");
        assertThatThrownBy(() -> pipelines.choose(null, "com.acme.words.CHandler"))
                .isInstanceOf(UsageError.class).hasMessageContaining("has no such handler");
    }

    @Test
    void aJarWithoutAHandlerOrNoJarAtAllIsAClearError(@TempDir Path dir) {
        assertThatThrownBy(() -> Pipelines.inJar(noHandler).choose(null, null)).isInstanceOf(UsageError.class)
                .hasMessageContaining("holds no Eddy handler")
                .hasMessageContaining("extends dev.eddy.handler.EddyHandler");
        assertThatThrownBy(() -> Pipelines.inJar(dir.resolve("missing.jar"))).isInstanceOf(UsageError.class)
                .hasMessageContaining("no such file").hasMessageContaining("mvn package");
    }

    @Test
    void runRunsTheJarsPipelineEndToEnd(@TempDir Path dir) throws IOException {
        Path input = dir.resolve("words.jsonl");
        List<String> lines = new ArrayList<>();
        Map<String, Long> expected = new TreeMap<>();
        String[] words = {"kinesis", "lambda", "dynamodb", "kinesis", "window", "lambda", "kinesis"};
        for (int i = 0; i < 70; i++) {
            String word = words[i % words.length];
            long ts = 1_700_000_000_000L + i * 10_000L; // 10 s apart: 7 minutes
            lines.add("{\"word\": \"" + word + "\", \"ts\": " + ts + "}");
            expected.merge(word + "@" + (ts / 60_000 * 60_000), 1L, Long::sum);
        }
        Files.write(input, lines);
        Path out = dir.resolve("out");

        int exit = EddyCli.execute("run", "--jar", oneHandler.toString(), "--input", input.toString(), "--out",
                out.toString(), "--print", "0", "--quiet");

        assertThat(exit).isZero();
        Map<String, Long> results = new TreeMap<>();
        for (String line : Files.readAllLines(out.resolve("firehose/word-counts-per-minute.jsonl"),
                StandardCharsets.UTF_8)) {
            JsonNode result = JSON.readTree(line);
            // a Windowed result: {"key", "window": {"startMs", "endMs"}, "value", "firing", "id"}
            results.merge(result.get("key").asText() + "@" + result.at("/window/startMs").asLong(),
                    result.get("value").asLong(), Long::sum);
        }
        assertThat(results).isEqualTo(expected);
    }

    @Test
    void putKeysRecordsAsTheJarsOnlyPipelineDoes(@TempDir Path dir) throws IOException {
        Path input = dir.resolve("words.jsonl");
        Files.write(input, List.of("{\"word\": \"kinesis\", \"ts\": 1}", "{\"word\": \"lambda\", \"ts\": 2}"));
        try (dev.eddy.emulator.embedded.Kinesalite kinesalite = dev.eddy.emulator.embedded.Kinesalite.start()) {
            String endpoint = kinesalite.endpoint().toString();

            Captured put = Cli.run("put", "words", "--jar", oneHandler.toString(), "--input", input.toString(),
                    "--endpoint", endpoint, "--partition-key-from", "--create");
            Captured tail = Cli.run("tail", "words", "--endpoint", endpoint);

            assertThat(put.exit()).as(put.err()).isZero();
            assertThat(put.err()).contains("2 shards").as("the pipeline's shard count");
            assertThat(tail.out().lines().map(line -> {
                try {
                    return JSON.readTree(line).get("partitionKey").asText();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).sorted().toList()).containsExactly("kinesis", "lambda");
        }
    }
}

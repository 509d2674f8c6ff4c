package dev.eddy.emulator.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eddy.emulator.console.UsageError;
import dev.eddy.emulator.esm.Producer;
import dev.eddy.pipeline.Pipeline;
import dev.eddy.sink.SinkRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The output folder of one {@code ./eddy run} ({@code --out}): checked and locked before anything starts, the
 * pipeline's earlier files cleared, and a marker file saying the outputs are partial until the run ends. After the
 * run, failed and late records get the input line of their record, and the records Kinesis refused are added to
 * the failure output.
 *
 * <pre>
 * DIR/.eddy-run.lock                     held while a run writes here (a second run is refused)
 * DIR/INCOMPLETE-&lt;pipeline&gt;.txt          while the run goes on; stays if it was interrupted or crashed
 * DIR/&lt;kind&gt;/&lt;sink&gt;.jsonl, failed/, late/, esm-failures/   the outputs
 * </pre>
 */
final class RunOutputs implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Pipeline pipeline;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final Path marker;
    /** Input line of each record put, by {@code shardId:sequenceNumber}. */
    private final Map<String, Integer> lines = new ConcurrentHashMap<>();

    private RunOutputs(Path dir, Pipeline pipeline, FileChannel lockFile, FileLock lock) {
        this.dir = dir;
        this.pipeline = pipeline;
        this.lockFile = lockFile;
        this.lock = lock;
        this.marker = dir.resolve("INCOMPLETE-" + pipeline.name() + ".txt");
    }

    /**
     * Makes the folder ready: creates it, checks it is writable, takes its lock, deletes the pipeline's outputs of
     * an earlier run and writes the marker.
     *
     * @param dir the folder, absolute
     * @param pipeline the pipeline run
     * @param input the input file, for the marker's text
     * @return the outputs
     * @throws UsageError if the folder is a file, cannot be created or written, or another run holds it
     */
    static RunOutputs open(Path dir, Pipeline pipeline, Path input) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new UsageError("--out " + dir + " is a file, not a folder: give a folder for the outputs");
        }
        FileChannel channel;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(".eddy-run.lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
        } catch (IOException | UnsupportedOperationException e) {
            throw new UsageError("--out " + dir + " cannot be written (" + reason(e) + "): give a folder you"
                    + " can write to");
        }
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (IOException | OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            close(channel);
            throw new UsageError("another ./eddy run is writing to " + dir + " (it holds "
                    + dir.resolve(".eddy-run.lock") + "): wait for it to end, or give this run another --out");
        }
        RunOutputs outputs = new RunOutputs(dir, pipeline, channel, lock);
        try {
            for (Path file : outputs.files()) {
                if (Files.isDirectory(file.getParent())) {
                    Files.deleteIfExists(file);
                }
            }
            Files.writeString(outputs.marker, "This run of " + pipeline.name() + " over " + input + ", started "
                    + Instant.now() + ", has not finished: the files of this pipeline under " + dir + " are partial."
                    + " The file goes when the run ends; if it is still here, the run was interrupted or crashed.\n");
        } catch (IOException e) {
            outputs.close();
            throw new UsageError("--out " + dir + " cannot be written (" + reason(e) + "): give a folder you"
                    + " can write to");
        }
        return outputs;
    }

    /** @return what went wrong with a file, in words: the file system's reason, else the kind of error */
    private static String reason(Exception e) {
        String kind = e.getClass().getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(
                java.util.Locale.ROOT).replace(" exception", "");
        if (e instanceof java.nio.file.FileSystemException f) {
            return f.getFile() + ": " + (f.getReason() != null ? f.getReason() : kind);
        }
        return e.getMessage() != null ? e.getMessage() : kind;
    }

    /** @return the folder */
    Path dir() {
        return dir;
    }

    /** @return a sink's result file */
    Path sink(SinkRef sink) {
        return dir.resolve(sink.kind()).resolve(sink.name() + ".jsonl");
    }

    /** @return the failure output */
    Path failed() {
        return dir.resolve("failed").resolve(pipeline.name() + ".jsonl");
    }

    /** @return the late-data output */
    Path late() {
        return dir.resolve("late").resolve(pipeline.name() + ".jsonl");
    }

    /** @return the event source mapping's on-failure records */
    Path esmFailures() {
        return dir.resolve("esm-failures").resolve(pipeline.name() + ".jsonl");
    }

    /** @return the marker saying the outputs are partial */
    Path marker() {
        return marker;
    }

    /** @return every output file of the pipeline, result files first */
    List<Path> files() {
        List<Path> files = new ArrayList<>();
        pipeline.sinks().forEach(sink -> files.add(sink(sink)));
        files.add(failed());
        files.add(late());
        files.add(esmFailures());
        return files;
    }

    /**
     * Remembers where a record of the input landed.
     *
     * @param line its input line
     * @param shardId its shard
     * @param sequenceNumber its sequence number
     */
    void placed(int line, String shardId, String sequenceNumber) {
        lines.put(shardId + ':' + sequenceNumber, line);
    }

    /**
     * Adds {@code inputLine} (the record's line in the input file) to each failed and late record that names its
     * shard and sequence number, rewriting those files.
     *
     * @throws IOException if a file cannot be rewritten
     */
    void addInputLines() throws IOException {
        for (Path file : List.of(failed(), late())) {
            if (!Files.exists(file)) {
                continue;
            }
            List<String> out = new ArrayList<>();
            for (String text : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (text.isBlank()) {
                    continue;
                }
                JsonNode node = JSON.readTree(text);
                Integer line = node.isObject() && node.hasNonNull("shardId") && node.hasNonNull("sequenceNumber")
                        ? lines.get(node.get("shardId").asText() + ':' + node.get("sequenceNumber").asText()) : null;
                if (line != null && !node.has("inputLine")) {
                    ((ObjectNode) node).put("inputLine", line);
                    text = JSON.writeValueAsString(node);
                }
                out.add(text);
            }
            Files.write(file, out, StandardCharsets.UTF_8);
        }
    }

    /**
     * Adds records that were never put, because Kinesis could never accept them, to the failure output: type
     * {@code refused}, the reason, the input line and the data (base64).
     *
     * @param refused the entries, each with its {@link Producer.Entry#refusal()}
     * @throws IOException if the file cannot be written
     */
    void addRefused(List<Producer.Entry> refused) throws IOException {
        if (refused.isEmpty()) {
            return;
        }
        StringBuilder text = new StringBuilder();
        for (Producer.Entry entry : refused) {
            ObjectNode node = JSON.createObjectNode()
                    .put("id", pipeline.name() + ":input:" + entry.line())
                    .put("type", "refused")
                    .put("pipeline", pipeline.name())
                    .put("inputLine", entry.line())
                    .put("partitionKey", entry.partitionKey())
                    .put("errorType", "KinesisRecordTooLarge")
                    .put("errorMessage", entry.refusal() + ": it was not put into the stream")
                    .put("data", Base64.getEncoder().encodeToString(entry.data()));
            text.append(JSON.writeValueAsString(node)).append('\n');
        }
        Files.createDirectories(failed().getParent());
        Files.writeString(failed(), text, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
    }

    /** The run ended (whatever its exit code) with every output written: the outputs are no longer partial. */
    void finished() {
        try {
            Files.deleteIfExists(marker);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + marker, e);
        }
    }

    /** Releases the folder's lock. */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException | RuntimeException ignored) {
            // the channel's close releases it too
        }
        close(lockFile);
    }

    private static void close(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /**
     * @param stderr where to say it
     * @return a hook that, if the JVM ends before the run finished (Ctrl-C), says what stays in the folder and that
     *     it is partial; close it when the run ends
     */
    Interruption interruption(java.io.PrintStream stderr) {
        return new Interruption(stderr);
    }

    /**
     * Ctrl-C (or any end of the JVM) before the run finished: says what stays in the output folder and that it is
     * partial; the marker file says so too.
     */
    final class Interruption implements AutoCloseable {
        private final Thread hook;
        private volatile boolean finished;

        private Interruption(java.io.PrintStream stderr) {
            hook = new Thread(() -> {
                if (finished) {
                    return;
                }
                long written = 0;
                for (Path file : files()) {
                    try {
                        written += RunSummary.lines(file);
                    } catch (IOException | RuntimeException e) {
                        // counting is best effort while the JVM ends
                    }
                }
                stderr.println("[eddy] interrupted: the run did not finish; " + String.format(java.util.Locale.ROOT,
                        "%,d", written) + " lines written so far stay in " + dir + " and are partial ("
                        + marker.getFileName() + " says so)");
            }, "eddy-interrupted");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        /** The run ended: nothing to say. */
        void finished() {
            finished = true;
        }

        @Override
        public void close() {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is ending: the hook runs
            }
        }
    }
}

package dev.eddy.sink;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sinks of local runs: newline-delimited JSON files under one folder.
 *
 * <pre>
 * DIR/firehose/&lt;delivery-stream&gt;.jsonl   results for a Firehose sink
 * DIR/sns/&lt;topic&gt;.jsonl                  results for an SNS sink
 * DIR/kinesis/&lt;stream&gt;.jsonl             results for a Kinesis sink
 * DIR/sqs/&lt;queue&gt;.jsonl                  results for an SQS sink
 * DIR/failed/&lt;pipeline&gt;.jsonl            the failure destination, whatever the pipeline names
 * DIR/late/&lt;pipeline&gt;.jsonl              the late-data side output
 * </pre>
 *
 * Files are appended to and take records of any size; writers for one file are shared by every handler instance in the JVM, so lines never
 * interleave.
 */
public final class FileSinkFactory implements SinkFactory {

    private static final ConcurrentHashMap<Path, FileWriter> WRITERS = new ConcurrentHashMap<>();

    private final Path dir;

    /**
     * @param dir the output folder; created when the first record is written
     */
    public FileSinkFactory(Path dir) {
        this.dir = Objects.requireNonNull(dir, "dir").toAbsolutePath().normalize();
    }

    /** @return the output folder */
    public Path dir() {
        return dir;
    }

    @Override
    public SinkWriter open(SinkRef ref) {
        return writer(dir.resolve(ref.kind()).resolve(ref.name() + ".jsonl"));
    }

    @Override
    public SinkWriter failures(String pipeline, SinkRef destination) {
        return writer(dir.resolve("failed").resolve(pipeline + ".jsonl"));
    }

    @Override
    public SinkWriter lateData(String pipeline, SinkRef failureDestination) {
        return writer(dir.resolve("late").resolve(pipeline + ".jsonl"));
    }

    private static SinkWriter writer(Path file) {
        return WRITERS.computeIfAbsent(file, FileWriter::new);
    }

    private static final class FileWriter implements SinkWriter {
        private final Path file;

        FileWriter(Path file) {
            this.file = file;
        }

        @Override
        public synchronized List<Rejected> write(List<SinkRecord> records) {
            if (records.isEmpty()) {
                return List.of();
            }
            try {
                Files.createDirectories(file.getParent());
                try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND)) {
                    for (SinkRecord record : records) {
                        out.write(record.payload());
                        out.write('\n');
                    }
                }
            } catch (IOException e) {
                throw new SinkException("cannot write " + file + ": " + e.getMessage(), new UncheckedIOException(e));
            }
            return List.of();
        }
    }
}

package dev.eddy.emulator.input;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InputFileTest {

    @TempDir
    Path dir;

    private Path write(String content) throws Exception {
        Path file = dir.resolve("input");
        Files.writeString(file, content);
        return file;
    }

    private static List<String> texts(List<byte[]> records) {
        return records.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList();
    }

    @Test
    void readsEachElementOfAJsonArray() throws Exception {
        Path file = write(" [ {\"a\": 1},\n {\"b\": [2, 3]}, \"x\" ]\n");

        assertThat(texts(InputFile.read(file))).containsExactly("{\"a\":1}", "{\"b\":[2,3]}", "\"x\"");
    }

    @Test
    void keepsJsonLinesByteForByteIncludingInvalidOnes() throws Exception {
        Path file = write("{\"a\":1}\n\nnot json at all\r\n{\"b\":2}");

        assertThat(texts(InputFile.read(file))).containsExactly("{\"a\":1}", "not json at all", "{\"b\":2}");
    }

    @Test
    void malformedArrayIsRejectedWithItsLine() throws Exception {
        Path file = write("[{\"a\":1},\n{\"b\":]");

        assertThatThrownBy(() -> InputFile.read(file)).isInstanceOf(InputException.class)
                .hasMessageContaining("not a valid JSON array").hasMessageContaining("line 2");
    }

    @Test
    void missingOrEmptyFilesAreRejected() throws Exception {
        assertThatThrownBy(() -> InputFile.read(dir.resolve("nope.json"))).isInstanceOf(InputException.class)
                .hasMessageContaining("does not exist");
        Path empty = write("  \n");
        assertThatThrownBy(() -> InputFile.read(empty)).isInstanceOf(InputException.class)
                .hasMessageContaining("is empty");
    }
}

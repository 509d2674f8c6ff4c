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

    private static List<String> texts(List<InputFile.Record> records) {
        return records.stream().map(r -> new String(r.data(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void readsEachElementOfAJsonArrayAsItsBytesInTheFile() throws Exception {
        Path file = write(" [ {\"a\": 1},\n {\"b\": [2, 3]}, \"x\\u00e9\" ,1.50,[[]],-7 ,true, null,\n\"\"]\n");

        List<InputFile.Record> records = InputFile.read(file);
        assertThat(texts(records)).containsExactly("{\"a\": 1}", "{\"b\": [2, 3]}", "\"x\\u00e9\"", "1.50", "[[]]",
                "-7", "true", "null", "\"\"");
        assertThat(records).extracting(InputFile.Record::line).containsExactly(1, 2, 2, 2, 2, 2, 2, 2, 3);
    }

    @Test
    void keepsJsonLinesByteForByteIncludingInvalidOnes() throws Exception {
        Path file = write("{\"a\":1}\n\nnot json at all\r\n  {\"b\":2} \n \t\n{}");

        List<InputFile.Record> records = InputFile.read(file);
        assertThat(texts(records)).containsExactly("{\"a\":1}", "not json at all", "  {\"b\":2} ", "{}");
        assertThat(records).extracting(InputFile.Record::line).containsExactly(1, 3, 4, 6);
    }

    @Test
    void bytesThatAreNotUtf8AreKeptExactlyInJsonLines() throws Exception {
        byte[] latin1 = "{\"origin\":\"Z\u00fcrich\"}\n{\"origin\":\"Z\u00e4rich\"}\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        byte[] random = new byte[100_000];
        new java.util.Random(7).nextBytes(random);
        random[0] = 'x'; // not an array
        for (byte[] content : List.of(latin1, random)) {
            Path file = dir.resolve("bytes");
            Files.write(file, content);
            List<byte[]> expected = new java.util.ArrayList<>();
            int from = 0;
            for (int i = 0; i <= content.length; i++) {
                if (i == content.length || content[i] == '\n') {
                    int to = i > from && content[i - 1] == '\r' ? i - 1 : i;
                    byte[] line = java.util.Arrays.copyOfRange(content, from, to);
                    if (!new String(line, StandardCharsets.ISO_8859_1).matches("[ \t]*")) {
                        expected.add(line);
                    }
                    from = i + 1;
                }
            }
            assertThat(InputFile.read(file)).extracting(InputFile.Record::data)
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void aByteOrderMarkIsSkipped() throws Exception {
        for (String content : List.of("\ufeff[{\"a\":1},{\"b\":2}]", "\ufeff{\"a\":1}\n{\"b\":2}\n")) {
            Path file = write(content);
            assertThat(texts(InputFile.read(file))).containsExactly("{\"a\":1}", "{\"b\":2}");
        }
    }

    @Test
    void anArrayThatIsNotUtf8IsRefusedWithItsLine() throws Exception {
        Path file = dir.resolve("latin1.json");
        Files.write(file, "[{\"a\":1},\n{\"origin\":\"Z\u00fcrich\"}]".getBytes(StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> InputFile.read(file)).isInstanceOf(InputException.class)
                .hasMessageContaining("UTF-8").hasMessageContaining("line 2").hasMessageContaining("JSON lines");
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

package dev.eddy.emulator.input;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the records of an input file, each exactly as its bytes stand in the file: nothing is decoded, re-encoded
 * or re-formatted on the way to the stream.
 *
 * <ul>
 *   <li><b>JSON lines</b> (any file not starting with {@code [}): one record a line, split at {@code \n} (a
 *       {@code \r} before it is dropped); lines of nothing but spaces and tabs are skipped. A line is taken byte
 *       for byte whatever it holds — text that is not JSON, bytes that are not UTF-8 — so that the pipeline's
 *       decoder sees it and routes it to the failure destination with the reason.</li>
 *   <li><b>A JSON array</b>: each element's bytes, sliced from the file. The array must be valid JSON as a whole,
 *       and so UTF-8 (RFC 8259, section 8.1); otherwise the file is refused with the line of the fault.</li>
 * </ul>
 *
 * A UTF-8 byte order mark at the start of the file is skipped. Each record carries its line in the file.
 */
public final class InputFile {

    private static final JsonFactory JSON = new JsonFactory();
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private InputFile() {
    }

    /**
     * One record of an input file.
     *
     * @param line the line it starts on, from 1
     * @param data its bytes, as in the file
     */
    public record Record(int line, byte[] data) {
    }

    /**
     * @param file the input
     * @return its records, in file order
     * @throws InputException if the file cannot be read, is empty, or is a JSON array that is not valid JSON; the
     *     message is one line and names the file and, for an array, the line of the fault
     */
    public static List<Record> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputException("input file " + file + " does not exist or is not a file");
        }
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InputException("cannot read input file " + file + ": " + e.getMessage());
        }
        int start = content.length >= 3 && Arrays.equals(content, 0, 3, BOM, 0, 3) ? 3 : 0;
        int first = start;
        while (first < content.length && isWhitespace(content[first])) {
            first++;
        }
        if (first == content.length) {
            throw new InputException("input file " + file + " is empty");
        }
        return content[first] == '[' ? readArray(file, content, start) : readLines(content, start);
    }

    /** @return the data of each record, for callers that need no lines */
    public static List<byte[]> data(List<Record> records) {
        return records.stream().map(Record::data).toList();
    }

    private static List<Record> readArray(Path file, byte[] content, int start) {
        List<Record> records = new ArrayList<>();
        try (JsonParser parser = JSON.createParser(content, start, content.length - start)) {
            parser.nextToken();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (parser.currentToken() == null) {
                    throw new InputException("input file " + file + ": the JSON array is not closed");
                }
                int from = start + (int) parser.currentTokenLocation().getByteOffset();
                int line = parser.currentTokenLocation().getLineNr();
                parser.skipChildren();
                if (parser.currentToken() == JsonToken.VALUE_STRING) {
                    parser.getText(); // reads the whole string, so that the location is past it
                }
                int to = start + (int) parser.currentLocation().getByteOffset();
                while (to > from && isWhitespace(content[to - 1])) {
                    to--;
                }
                records.add(new Record(line, Arrays.copyOfRange(content, from, to)));
            }
            if (parser.nextToken() != null) {
                throw new InputException("input file " + file + ": unexpected content after the JSON array at line "
                        + parser.currentLocation().getLineNr());
            }
        } catch (IOException e) {
            String message = e instanceof JsonProcessingException j
                    ? j.getOriginalMessage() + " at line " + j.getLocation().getLineNr() : e.getMessage();
            throw new InputException("input file " + file + " is not a valid JSON array: "
                    + message.replace('\n', ' ') + (message.contains("UTF-8") ? " (a JSON array must be UTF-8;"
                            + " put records of any bytes as JSON lines, one a line)" : ""));
        }
        return records;
    }

    private static List<Record> readLines(byte[] content, int start) {
        List<Record> records = new ArrayList<>();
        int line = 1;
        for (int from = start; from < content.length; line++) {
            int end = from;
            while (end < content.length && content[end] != '\n') {
                end++;
            }
            int to = end > from && content[end - 1] == '\r' ? end - 1 : end;
            if (!blank(content, from, to)) {
                records.add(new Record(line, Arrays.copyOfRange(content, from, to)));
            }
            from = end + 1;
        }
        return records;
    }

    private static boolean blank(byte[] content, int from, int to) {
        for (int i = from; i < to; i++) {
            if (content[i] != ' ' && content[i] != '\t') {
                return false;
            }
        }
        return true;
    }

    private static boolean isWhitespace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}

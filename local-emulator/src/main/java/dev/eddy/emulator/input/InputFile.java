package dev.eddy.emulator.input;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the records of an input file: a JSON array of values, or JSON lines (one record a line; blank lines are
 * skipped). A JSON-lines record is kept byte for byte even when it is not valid JSON, so that the pipeline's
 * decoder sees it and routes it to the failure destination; an array must be valid JSON as a whole.
 */
public final class InputFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private InputFile() {
    }

    /**
     * @param file the input
     * @return each record's data, UTF-8
     * @throws InputException if the file cannot be read or an array is not valid JSON; the message is one line
     */
    public static List<byte[]> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new InputException("input file " + file + " does not exist or is not a file");
        }
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InputException("cannot read input file " + file + ": " + e.getMessage());
        }
        int first = 0;
        while (first < content.length && Character.isWhitespace(content[first])) {
            first++;
        }
        if (first == content.length) {
            throw new InputException("input file " + file + " is empty");
        }
        return content[first] == '[' ? readArray(file, content) : readLines(content);
    }

    private static List<byte[]> readArray(Path file, byte[] content) {
        List<byte[]> records = new ArrayList<>();
        try (InputStream in = new java.io.ByteArrayInputStream(content);
             JsonParser parser = JSON.createParser(in)) {
            parser.nextToken();
            while (parser.nextToken() != JsonToken.END_ARRAY) {
                if (parser.currentToken() == null) {
                    throw new InputException("input file " + file + ": the JSON array is not closed");
                }
                JsonNode node = JSON.readTree(parser);
                records.add(JSON.writeValueAsBytes(node));
            }
            if (parser.nextToken() != null) {
                throw new InputException("input file " + file + ": unexpected content after the JSON array at line "
                        + parser.currentLocation().getLineNr());
            }
        } catch (IOException e) {
            String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException j
                    ? j.getOriginalMessage() + " at line " + j.getLocation().getLineNr() : e.getMessage();
            throw new InputException("input file " + file + " is not a valid JSON array: "
                    + message.replace('\n', ' '));
        }
        return records;
    }

    private static List<byte[]> readLines(byte[] content) {
        List<byte[]> records = new ArrayList<>();
        for (String line : new String(content, StandardCharsets.UTF_8).split("\r?\n")) {
            if (!line.isBlank()) {
                records.add(line.strip().getBytes(StandardCharsets.UTF_8));
            }
        }
        return records;
    }
}

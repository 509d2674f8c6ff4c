package dev.eddy.emulator.cli;

import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * How {@code ./eddy tail} writes a record as a JSON line: the fields of where it came from, then its bytes as
 * {@code data} (the JSON value, numbers exact), {@code text} or {@code base64}; non-ASCII characters escaped, so that
 * a line is ASCII whatever the record holds.
 */
final class TailLines {

    /** Writes lines: one line each, non-ASCII escaped. */
    private static final JsonMapper OUT = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).build();
    /** Reads records: decimals as written (no binary rounding, trailing zeroes kept), one value only. */
    static final JsonMapper IN = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS, DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES).build();

    private TailLines() {
    }

    /** @return an empty line, to put fields into */
    static ObjectNode line() {
        return OUT.createObjectNode();
    }

    /**
     * Puts a record's bytes into its line: {@code data} (the JSON value) if they are UTF-8 JSON, else {@code text}
     * if they are UTF-8, else {@code base64}.
     */
    static void payload(ObjectNode line, byte[] bytes) {
        try {
            JsonNode value = IN.readTree(bytes);
            if (value != null && !value.isMissingNode()) {
                line.set("data", value);
                return;
            }
        } catch (IOException notJson) {
            // below
        }
        try {
            line.put("text", StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString());
        } catch (CharacterCodingException notText) {
            line.put("base64", Base64.getEncoder().encodeToString(bytes));
        }
    }

    /** @return the line as text, without a line separator */
    static String write(ObjectNode line) {
        try {
            return OUT.writeValueAsString(line);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a line: " + e.getMessage(), e);
        }
    }
}

package dev.eddy.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON of stored state and outputs, with errors that name the pipeline. Internal. */
final class StateJson {

    private final ObjectMapper json;
    private final String pipeline;

    StateJson(ObjectMapper json, String pipeline) {
        this.json = json;
        this.pipeline = pipeline;
    }

    /** @return the mapper, for building trees */
    ObjectMapper mapper() {
        return json;
    }

    /** @return the value as JSON text */
    String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("state of pipeline " + pipeline + " cannot be written as JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** @return the text's JSON tree */
    JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored JSON of pipeline " + pipeline + " is corrupt: "
                    + e.getOriginalMessage(), e);
        }
    }

    /** @return the tree as a {@code type} */
    <T> T read(JsonNode node, Class<T> type) {
        try {
            return json.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored state of pipeline " + pipeline + " cannot be read as "
                    + type.getName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /** @return the text as a {@code type} */
    <T> T read(String text, Class<T> type) {
        return read(parse(text), type);
    }
}

package dev.eddy.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.eddy.internal.Jsons;
import java.io.IOException;
import java.util.Objects;

/**
 * JSON decoding with Jackson.
 *
 * <p>Decoding is strict where silence would hide bad data: every constructor parameter of a record must be
 * present, {@code null} is refused for primitives, and nothing but whitespace may follow the value (two
 * concatenated objects are an error, not the first one). Unknown properties are ignored, so producers may add
 * fields.
 */
public final class Json {

    private Json() {
    }

    /**
     * A decoder of UTF-8 JSON objects into {@code type}, typically a Java record.
     *
     * @param type the target type
     * @param <T> the target type
     * @return a decoder that throws {@link DecodeException} with Jackson's message on bad input
     */
    public static <T> Decoder<T> of(Class<T> type) {
        Objects.requireNonNull(type, "type");
        ObjectReader reader = Jsons.strictMapper().readerFor(type)
                .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        return data -> {
            try {
                T value = reader.readValue(data);
                if (value == null) {
                    throw new DecodeException("JSON null is not a " + type.getSimpleName(), null);
                }
                return value;
            } catch (JsonProcessingException e) {
                throw new DecodeException("not a " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
            } catch (IOException e) {
                throw new DecodeException("unreadable JSON: " + e.getMessage(), e);
            }
        };
    }
}

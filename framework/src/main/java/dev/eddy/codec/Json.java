package dev.eddy.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.eddy.codec.internal.Jsons;
import java.io.IOException;
import java.util.Objects;

/**
 * JSON decoding with Jackson, strict where leniency would change data without a word.
 *
 * <ul>
 *   <li>The data must be UTF-8 (RFC 8259, section 8.1): bytes that are not are an error ("not valid UTF-8"),
 *       never replaced by U+FFFD. A UTF-8 byte order mark is skipped.</li>
 *   <li>Every constructor parameter of a record must be present; {@code null} is refused for primitives.</li>
 *   <li>No coercion between JSON types: a number with a fraction ({@code 3.7}, and {@code 3.0} too) is not an
 *       {@code int} or {@code long}; a string ({@code "12"}, {@code "true"}) is not a number or a boolean; a number or
 *       a boolean is not a {@code String}; an empty string is not {@code null}.</li>
 *   <li>Nothing but whitespace may follow the value (two concatenated objects are an error, not the first
 *       one).</li>
 *   <li>Unknown properties are ignored, so producers may add fields.</li>
 * </ul>
 *
 * A record that breaks a rule fails with {@link DecodeException} and goes to the failure destination with Jackson's
 * reason. For lenient decoding, write a {@link Decoder} with a mapper of your own, e.g. {@code data ->
 * mapper.readValue(data, Flight.class)}.
 */
public final class Json {

    private static final ObjectMapper STRICT = strict(Jsons.strictMapper().copy());

    private Json() {
    }

    /**
     * A decoder of UTF-8 JSON into {@code type}, typically a Java record.
     *
     * @param type the target type
     * @param <T> the target type
     * @return a decoder that throws {@link DecodeException} with Jackson's message on bad input
     */
    public static <T> Decoder<T> of(Class<T> type) {
        Objects.requireNonNull(type, "type");
        ObjectReader reader = STRICT.readerFor(type).with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        return data -> {
            if (data.length >= 2 && (data[0] == 0 || data[1] == 0
                    || (data[0] & 0xFF) == 0xFE && (data[1] & 0xFF) == 0xFF
                    || (data[0] & 0xFF) == 0xFF && (data[1] & 0xFF) == 0xFE)) {
                // Jackson would read UTF-16 or UTF-32 here; JSON records are UTF-8
                throw new DecodeException("data is not valid UTF-8 JSON: it starts with a zero byte or a UTF-16"
                        + " byte order mark", null);
            }
            try {
                T value = reader.readValue(data);
                if (value == null) {
                    throw new DecodeException("JSON null is not a " + type.getSimpleName(), null);
                }
                return value;
            } catch (JsonProcessingException e) {
                String message = e.getOriginalMessage();
                if (message != null && message.startsWith("Invalid UTF-8")) {
                    throw new DecodeException("data is not valid UTF-8 (" + message
                            + (e.getLocation() == null ? "" : " at byte " + e.getLocation().getByteOffset())
                            + "): JSON records must be UTF-8", e);
                }
                throw new DecodeException("not a " + type.getSimpleName() + ": " + message, e);
            } catch (IOException e) {
                throw new DecodeException("unreadable JSON: " + e.getMessage(), e);
            }
        };
    }

    /** Turns off Jackson's coercions between JSON types (all on by default in Jackson 2). */
    private static ObjectMapper strict(ObjectMapper mapper) {
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        for (LogicalType number : new LogicalType[] {LogicalType.Integer, LogicalType.Float, LogicalType.Boolean}) {
            mapper.coercionConfigFor(number).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail);
        }
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.Float, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        mapper.coercionConfigFor(LogicalType.Textual).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        mapper.disable(com.fasterxml.jackson.databind.MapperFeature.ALLOW_COERCION_OF_SCALARS);
        return mapper;
    }
}

package dev.eddy.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonTest {

    record Flight(String origin, int delay, long distance, List<String> tags) {
    }

    private final Decoder<Flight> decoder = Json.of(Flight.class);

    private Flight decode(String text) {
        return decoder.decode(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decodesARecord() {
        assertThat(decode("{\"origin\":\"DTW\",\"delay\":-5,\"distance\":1200,\"tags\":[\"a\",\"b\"]}"))
                .isEqualTo(new Flight("DTW", -5, 1200, List.of("a", "b")));
    }

    @Test
    void decodesUtf8() {
        assertThat(decode("{\"origin\":\"Zürich ✈\",\"delay\":1,\"distance\":2,\"tags\":[]}").origin())
                .isEqualTo("Zürich ✈");
    }

    @Test
    void unknownFieldsAreIgnored() {
        assertThat(decode("{\"origin\":\"DTW\",\"delay\":3,\"distance\":4,\"tags\":[],\"carrier\":{\"x\":1}}"))
                .isEqualTo(new Flight("DTW", 3, 4, List.of()));
    }

    @Test
    void missingFieldIsRejectedNamingIt() {
        assertThatThrownBy(() -> decode("{\"origin\":\"DTW\",\"distance\":4,\"tags\":[]}"))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Flight")
                .hasMessageContaining("'delay'");
    }

    @Test
    void nullForAPrimitiveIsRejected() {
        assertThatThrownBy(() -> decode("{\"origin\":\"DTW\",\"delay\":null,\"distance\":4,\"tags\":[]}"))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Flight")
                .hasMessageContaining("null")
                .hasMessageContaining("int");
    }

    @Test
    void wrongTypeIsRejected() {
        assertThatThrownBy(() -> decode("{\"origin\":\"DTW\",\"delay\":\"late\",\"distance\":4,\"tags\":[]}"))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("\"late\"");
    }

    @Test
    void malformedJsonIsRejected() {
        assertThatThrownBy(() -> decode("{\"origin\":\"DTW\",\"delay\""))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Flight")
                .hasMessageContaining("end-of-input")
                .hasCauseInstanceOf(com.fasterxml.jackson.core.JsonProcessingException.class);
        assertThatThrownBy(() -> decode("not json")).isInstanceOf(DecodeException.class);
        assertThatThrownBy(() -> decode("")).isInstanceOf(DecodeException.class);
        assertThatThrownBy(() -> decode("[1,2]")).isInstanceOf(DecodeException.class);
    }

    @Test
    void jsonNullIsRejected() {
        assertThatThrownBy(() -> decode("null"))
                .isInstanceOf(DecodeException.class).hasMessage("JSON null is not a Flight");
    }

    @Test
    void trailingDataAfterTheValueIsRejected() {
        // two concatenated objects would otherwise silently lose the second one
        assertThatThrownBy(() -> decode("{\"origin\":\"A\",\"delay\":1,\"distance\":2,\"tags\":[]}"
                + "{\"origin\":\"B\",\"delay\":1,\"distance\":2,\"tags\":[]}"))
                .isInstanceOf(DecodeException.class).hasMessageContaining("Flight");
        assertThatThrownBy(() -> decode("{\"origin\":\"A\",\"delay\":1,\"distance\":2,\"tags\":[]} garbage"))
                .isInstanceOf(DecodeException.class);
    }

    @Test
    void trailingWhitespaceIsFine() {
        assertThat(decode("{\"origin\":\"A\",\"delay\":1,\"distance\":2,\"tags\":[]}\n  "))
                .isEqualTo(new Flight("A", 1, 2, List.of()));
    }
}

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

    record Typed(int count, double ratio, boolean flag, String name, Long big) {
    }

    private static Typed typed(String json) {
        return Json.of(Typed.class).decode(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void valuesOfTheirOwnJsonTypeDecode() {
        assertThat(typed("{\"count\":3,\"ratio\":3,\"flag\":true,\"name\":\"x\",\"big\":null}"))
                .isEqualTo(new Typed(3, 3.0, true, "x", null));
        assertThat(typed("{\"count\":-3,\"ratio\":0.25,\"flag\":false,\"name\":\"\",\"big\":12}"))
                .isEqualTo(new Typed(-3, 0.25, false, "", 12L));
    }

    @Test
    void noCoercionBetweenJsonTypes() {
        String good = "{\"count\":3,\"ratio\":0.5,\"flag\":true,\"name\":\"x\",\"big\":1}";
        for (String[] bad : new String[][] {{"\"count\":3", "\"count\":3.7"}, {"\"count\":3", "\"count\":3.0"},
                {"\"count\":3", "\"count\":\"12\""}, {"\"ratio\":0.5", "\"ratio\":\"0.5\""},
                {"\"flag\":true", "\"flag\":\"true\""}, {"\"flag\":true", "\"flag\":1"},
                {"\"name\":\"x\"", "\"name\":123"}, {"\"name\":\"x\"", "\"name\":1.5"},
                {"\"name\":\"x\"", "\"name\":false"}, {"\"big\":1", "\"big\":\"\""},
                {"\"count\":3", "\"count\":\"\""}}) {
            String json = good.replace(bad[0], bad[1]);
            assertThatThrownBy(() -> typed(json)).as(json).isInstanceOf(DecodeException.class)
                    .hasMessageStartingWith("not a Typed");
        }
    }

    @Test
    void dataThatIsNotUtf8IsRefusedNeverReplaced() {
        byte[] latin1 = "{\"origin\":\"Z\u00fcrich\",\"delay\":1,\"distance\":2,\"tags\":[]}"
                .getBytes(StandardCharsets.ISO_8859_1);
        // a two-byte sequence cut after its first byte, inside a complete JSON object
        byte[] cut = "{\"origin\":\"\u00e9\",\"delay\":1,\"distance\":2,\"tags\":[]}".getBytes(StandardCharsets.UTF_8);
        byte[] truncated = new byte[cut.length - 1];
        System.arraycopy(cut, 0, truncated, 0, 12);
        System.arraycopy(cut, 13, truncated, 12, cut.length - 13);
        for (byte[] data : List.of(latin1, truncated)) {
            assertThatThrownBy(() -> decoder.decode(data)).isInstanceOf(DecodeException.class)
                    .hasMessageStartingWith("data is not valid UTF-8");
        }
        byte[] utf16 = "{\"origin\":\"DTW\",\"delay\":1,\"distance\":2,\"tags\":[]}"
                .getBytes(StandardCharsets.UTF_16LE);
        assertThatThrownBy(() -> decoder.decode(utf16)).isInstanceOf(DecodeException.class)
                .hasMessageStartingWith("data is not valid UTF-8");
    }

    @Test
    void aUtf8ByteOrderMarkIsSkipped() {
        assertThat(decoder.decode(("\ufeff{\"origin\":\"DTW\",\"delay\":1,\"distance\":2,\"tags\":[]}")
                .getBytes(StandardCharsets.UTF_8)).origin()).isEqualTo("DTW");
    }
}

package dev.eddy.state.dynamodb;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eddy.pipeline.InvalidKeyException;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.In;
import dev.eddy.state.dynamodb.BatchProcessorEndToEndTest.Run;
import dev.eddy.state.dynamodb.table.StateTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Any key a pipeline's {@code keyBy} returns is stored, found and emitted as itself through the real batch path and
 * the DynamoDB backend on DynamoDB Local — U+0000, separators, control characters, surrogate pairs, the empty key,
 * keys long enough to be stored under their hash — or refused with its reason into the failure output when it
 * cannot be kept (an unpaired surrogate, over 16 KiB). Nothing is lost silently.
 */
class KeysEndToEndTest {

    @BeforeContainer
    static void startDynamoDbLocal() {
        DynamoDbLocal.ensureStarted();
    }

    @Example
    void keysWithU0000AreKeptApart() throws IOException {
        assertEveryKeyAccountedFor(List.of("\u0000NUL", "\u0000XYZ", "AB\u0000C", "AB\u0000D", "OK1", "AB"));
    }

    @Example
    void longKeysAreHashedAndKeptApartAndKeysOverTheLimitAreRefused() throws IOException {
        String base = "k".repeat(StateTable.MAX_RAW_KEY_BYTES);
        assertEveryKeyAccountedFor(List.of(base, base + "a", base + "b", "é".repeat(600),
                "x".repeat(InvalidKeyException.MAX_KEY_BYTES), "x".repeat(InvalidKeyException.MAX_KEY_BYTES + 1)));
    }

    @Property(tries = 60)
    void anyKeyIsEmittedAsItselfOrRefusedWithItsReason(@ForAll("keys") List<String> keys) throws IOException {
        assertEveryKeyAccountedFor(keys);
    }

    @Provide
    Arbitrary<List<String>> keys() {
        Arbitrary<String> any = Arbitraries.strings().all().ofMaxLength(12);
        Arbitrary<String> tricky = Arbitraries.strings()
                .withChars('\u0000', '#', '|', ':', '\t', '\n', '"', '\\', '\ud83d', '\ude00', '\ufffe', '\uffff', 'a')
                .ofMaxLength(6);
        Arbitrary<String> longKeys = Arbitraries.strings().withChars('a', 'b', '\u0000', 'é')
                .ofMinLength(StateTable.MAX_RAW_KEY_BYTES - 4).ofMaxLength(StateTable.MAX_RAW_KEY_BYTES + 8);
        return Arbitraries.frequencyOf(Tuple.of(4, any), Tuple.of(4, tricky), Tuple.of(1, longKeys))
                .list().ofMinSize(1).ofMaxSize(6);
    }

    /**
     * Puts two records per key (in one window) through one batch and a drain, then checks every key's fate: a
     * result with the key itself and both records counted, or both records in the failure output with
     * {@link InvalidKeyException}'s reason.
     */
    private static void assertEveryKeyAccountedFor(List<String> keys) throws IOException {
        Path dir = Files.createTempDirectory("eddy-keys");
        List<In> input = new ArrayList<>();
        Map<String, Integer> expected = new LinkedHashMap<>();
        int index = 0;
        for (String key : keys) {
            for (int i = 0; i < 2; i++) {
                String json = "{\"key\":\"" + escaped(key) + "\",\"ts\":" + (1_000_000 + i) + ",\"v\":1}";
                input.add(new In(In.seq(index++), "pk", json.getBytes(StandardCharsets.UTF_8), null));
            }
            expected.merge(key, 2, Integer::sum);
        }
        try (Run run = new Run(dir)) {
            assertThat(run.process(input).getBatchItemFailures()).isEmpty();
            run.processor.drain(BatchProcessorEndToEndTest.SHARD);
            Map<String, Long> emitted = new LinkedHashMap<>();
            for (BatchProcessorEndToEndTest.Out out : run.outputs()) {
                assertThat(emitted.put(out.key(), out.count())).as("one result per key").isNull();
            }
            Map<String, Integer> refused = new LinkedHashMap<>();
            for (JsonNode failed : run.failed()) {
                assertThat(failed.get("errorType").asText()).isEqualTo(InvalidKeyException.class.getName());
                assertThat(failed.get("errorMessage").asText()).contains("key");
                String data = new String(java.util.Base64.getDecoder().decode(failed.get("data").asText()),
                        StandardCharsets.UTF_8);
                String key = BatchProcessorEndToEndTest.JSON.readTree(data).get("key").textValue();
                refused.merge(key, 1, Integer::sum);
            }
            expected.forEach((key, count) -> {
                if (keepable(key)) {
                    assertThat(emitted.get(key)).as("count of key %s", visible(key)).isEqualTo((long) count);
                } else {
                    assertThat(refused.get(key)).as("refused records of key %s", visible(key)).isEqualTo(count);
                }
            });
            assertThat(emitted.size() + refused.size()).isEqualTo(expected.size());
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (UncheckedIOException ignored) {
                // a temporary folder
            }
        }
    }

    /** The rule, written out independently of the code under test. */
    private static boolean keepable(String key) {
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < key.length() && Character.isLowSurrogate(key.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        return key.getBytes(StandardCharsets.UTF_8).length <= InvalidKeyException.MAX_KEY_BYTES;
    }

    /** @return the key as a JSON string's content, every character outside printable ASCII as an escape */
    private static String escaped(String key) {
        StringBuilder out = new StringBuilder();
        for (char c : key.toCharArray()) {
            out.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? String.valueOf(c)
                    : String.format("\\u%04x", (int) c));
        }
        return out.toString();
    }

    private static String visible(String key) {
        String shown = escaped(key);
        return shown.length() > 80 ? shown.substring(0, 80) + "…(" + key.length() + " chars)" : shown;
    }

}

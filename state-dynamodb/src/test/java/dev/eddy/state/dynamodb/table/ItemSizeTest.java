package dev.eddy.state.dynamodb.table;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Item sizes computed by hand with the rules of the DynamoDB Developer Guide, "DynamoDB item sizes and formats":
 * names and strings in UTF-8 bytes, numbers 1 byte per two significant digits plus 1, binaries in raw bytes,
 * booleans and nulls 1, lists and maps 3 plus 1 and the size of each element.
 */
class ItemSizeTest {

    static AttributeValue s(String value) {
        return AttributeValue.fromS(value);
    }

    static AttributeValue n(String value) {
        return AttributeValue.fromN(value);
    }

    @Test
    void aKeyItemAsTheBackendWritesIt() {
        Map<String, AttributeValue> pending = new LinkedHashMap<>();
        pending.put("f", n("0"));       // 1 + 1 (no significant digit) + 1 per element  = 3
        pending.put("acc", s("7"));     // 3 + 1 + 1                                      = 5
        pending.put("tag", s("0017"));  // 3 + 4 + 1                                      = 8
        pending.put("ws", n("0"));      // 2 + 1 + 1                                      = 4
        pending.put("we", n("10"));     // 2 + 2 ("1": 1 digit, 1 byte + 1) + 1           = 5
        Map<String, AttributeValue> item = new LinkedHashMap<>();
        item.put("pk", s("W#k"));                                                     // 2 + 3  = 5
        item.put("sk", s("00000000000000000000#18446744073709551615"));              // 2 + 41 = 43
        item.put("acc", s("7"));                                                      // 3 + 1  = 4
        item.put("ver", n("1"));                                                      // 3 + 2  = 5
        item.put("fired", n("1"));                                                    // 5 + 2  = 7
        item.put("seqs", AttributeValue.fromM(Map.of("shardId-000000000000", s("0017")))); // 4 + 3 + 1 + 20 + 4 = 32
        item.put("pending", AttributeValue.fromL(List.of(AttributeValue.fromM(pending)))); // 7 + 3 + 1 + (3 + 25) = 39
        item.put("timer", n("59"));                                                   // 5 + 2  = 7

        assertThat(ItemSize.of(item)).isEqualTo(5 + 43 + 4 + 5 + 7 + 32 + 39 + 7);
        assertThat(ItemSize.writeUnits(item)).isEqualTo(1);
    }

    @Test
    void numbersCountTheirSignificantDigits() {
        assertThat(ItemSize.of(n("0"))).isEqualTo(1);
        assertThat(ItemSize.of(n("7"))).isEqualTo(2);
        assertThat(ItemSize.of(n("59"))).isEqualTo(2);
        assertThat(ItemSize.of(n("123"))).isEqualTo(3);
        assertThat(ItemSize.of(n("1000000"))).isEqualTo(2);
        assertThat(ItemSize.of(n("-1234.5600"))).isEqualTo(4);
        assertThat(ItemSize.of(n("0.000123"))).isEqualTo(3);
        assertThat(ItemSize.of(n("1E+38"))).isEqualTo(2);
        assertThat(ItemSize.of(n(Long.toString(Long.MAX_VALUE)))).isEqualTo(11);
    }

    @Test
    void stringsNamesAndBinariesCountTheirBytes() {
        assertThat(ItemSize.of(s(""))).isZero();
        assertThat(ItemSize.of(s("é"))).isEqualTo(2);
        assertThat(ItemSize.of(s("😀"))).isEqualTo(4);
        assertThat(ItemSize.of(AttributeValue.fromB(SdkBytes.fromByteArray(new byte[] {0, 1, 2})))).isEqualTo(3);
        // a name of 2 bytes and a boolean; a name of 1 byte and a null
        assertThat(ItemSize.of(Map.of("é", AttributeValue.fromBool(true), "n", AttributeValue.fromNul(true))))
                .isEqualTo(2 + 1 + 1 + 1);
    }

    @Test
    void listsMapsAndSets() {
        assertThat(ItemSize.of(AttributeValue.fromL(List.of()))).isEqualTo(3);
        assertThat(ItemSize.of(AttributeValue.fromM(Map.of()))).isEqualTo(3);
        // 3, then per element 1 + its size: "a" 1, 12 → 2
        assertThat(ItemSize.of(AttributeValue.fromL(List.of(s("a"), n("12"))))).isEqualTo(3 + 2 + 3);
        // nested: the inner list is 3 + (1 + 1) = 5; the outer map 3 + (1 + 1 ("x") + 5)
        assertThat(ItemSize.of(AttributeValue.fromM(Map.of("x", AttributeValue.fromL(List.of(s("b")))))))
                .isEqualTo(3 + 1 + 1 + 5);
        assertThat(ItemSize.of(AttributeValue.fromSs(List.of("ab", "é")))).isEqualTo(4);
        assertThat(ItemSize.of(AttributeValue.fromNs(List.of("10", "123")))).isEqualTo(5);
    }

    @Test
    void writeUnitsArePerStartedKilobyteAtLeastOne() {
        assertThat(ItemSize.writeUnits(Map.of())).isEqualTo(1);
        assertThat(ItemSize.writeUnits(Map.of("a", s("x".repeat(1023))))).isEqualTo(1);
        assertThat(ItemSize.writeUnits(Map.of("a", s("x".repeat(1024))))).isEqualTo(2);
        // 1,500 two-byte characters: 3,001 bytes, 3 units, though 1,501 characters
        assertThat(ItemSize.writeUnits(Map.of("a", s("é".repeat(1500))))).isEqualTo(3);
    }
}
